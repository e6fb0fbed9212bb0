import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];
type EntryError = { index: number; input: string; reason: string };
type Parsed = { ok: true; address: Address } | { ok: false; reason: string };

export const MAX_ALLOWLIST_ENTRIES = 100;
// The longest valid entry ("ffff:…:ffff:255.255.255.255/128") is 49 characters.
const MAX_ENTRY_LENGTH = 64;

const fail = (reason: string) => ({ ok: false as const, reason });

/**
 * Exactly four decimal octets. ipaddr.js (like inet_aton) also reads `1.2.3`, `0x7f.1` and octal
 * `010.0.0.1`; a form that means one thing here and another to a firewall has no place in a list.
 */
function parseDottedQuad(text: string): number[] | string {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^[0-9]+$/.test(part))) {
    return "Write an IPv4 address as four numbers separated by dots, like 192.0.2.1.";
  }
  if (parts.some((part) => part.length > 1 && part.startsWith("0"))) {
    return "IPv4 numbers can't have leading zeros (some systems read them as octal).";
  }
  const tooBig = parts.find((part) => Number(part) > 255);
  if (tooBig !== undefined) return `${tooBig} is out of range: each part of an IPv4 address is 0 to 255.`;
  return parts.map(Number);
}

function parseIPv6(text: string): Parsed {
  let hex = text;
  const tailStart = text.lastIndexOf(":") + 1;
  const tail = text.slice(tailStart);
  if (tail.includes(".")) {
    // Convert an embedded IPv4 tail ourselves: ipaddr.js reads it leniently and maps `::1.2.3.4` to `::ffff:1.2.3.4`.
    const octets = parseDottedQuad(tail);
    if (typeof octets === "string") return fail(octets);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    hex = `${text.slice(0, tailStart)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groupsOk = /^[0-9A-Fa-f:]+$/.test(hex) && hex.split(":").every((group) => group.length <= 4);
  if (!groupsOk || !ipaddr.IPv6.isValid(hex)) return fail("This is not a valid IPv6 address.");
  return { ok: true, address: ipaddr.IPv6.parse(hex) };
}

function parseAddress(text: string): Parsed {
  if (text.includes("%")) return fail("Zone ids (like %eth0) aren't allowed; remove the % and what follows.");
  if (text.startsWith("[")) return fail("Remove the brackets and any port; enter just the address.");
  // A single colon is never IPv6 (which needs at least two), so it is a port.
  if (/^[^:]+:[0-9]*$/.test(text)) return fail("Remove the port; enter just the address.");
  if (text.includes(":")) return parseIPv6(text);
  if (/^[0-9.]+$/.test(text)) {
    const octets = parseDottedQuad(text);
    return typeof octets === "string" ? fail(octets) : { ok: true, address: new ipaddr.IPv4(octets) };
  }
  if (/^[0-9][0-9a-fx.]*$/i.test(text)) return fail("Write an IPv4 address in dotted-decimal form, like 192.0.2.1.");
  if (/^[a-z0-9.-]+$/i.test(text)) return fail("Hostnames aren't allowed; enter an IP address or CIDR range.");
  return fail("This is not an IP address or CIDR range.");
}

function isIPv6(address: Address): address is ipaddr.IPv6 {
  return address.kind() === "ipv6";
}

function unmap(address: Address): Address {
  return isIPv6(address) && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

function toText(address: Address): string {
  return isIPv6(address) ? address.toRFC5952String() : address.toString();
}

function networkOf(address: Address, prefix: number): Address {
  const bytes = address.toByteArray().map((byte, i) => {
    const bits = Math.min(8, Math.max(0, prefix - 8 * i));
    return byte & (0xff00 >> bits);
  });
  return ipaddr.fromByteArray(bytes);
}

/** Canonical form of an allowlist entry: a bare address becomes /32 or /128, IPv4-mapped IPv6 is unmapped. */
export function parseAllowlistEntry(input: string): { ok: true; cidr: string } | { ok: false; reason: string } {
  const text = input.trim();
  if (text === "") return fail("Enter an IP address or CIDR range.");
  if (text.length > MAX_ENTRY_LENGTH) return fail("This is too long to be an IP address or CIDR range.");

  const [addressText = "", prefixText, ...extra] = text.split("/");
  if (extra.length > 0) return fail("Use a single / before the prefix length, like 10.0.0.0/8.");
  const parsed = parseAddress(addressText);
  if (!parsed.ok) return parsed;

  let address = parsed.address;
  const maxPrefix = isIPv6(address) ? 128 : 32;
  let prefix = maxPrefix;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]*)$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      return fail(`The prefix length after / must be a whole number from 0 to ${maxPrefix}.`);
    }
    prefix = Number(prefixText);
  }
  // A mapped range shorter than /96 also covers real IPv6 addresses, so only /96 and longer unmap.
  if (isIPv6(address) && address.isIPv4MappedAddress() && prefix >= 96) {
    address = address.toIPv4Address();
    prefix -= 96;
  }

  const network = networkOf(address, prefix);
  if (toText(network) !== toText(address)) {
    return fail(`${text} has host bits set; did you mean ${toText(network)}/${prefix}?`);
  }
  return { ok: true, cidr: `${toText(address)}/${prefix}` };
}

const EVERYTHING: Record<string, string> = {
  "0.0.0.0/0": "0.0.0.0/0 allows every address (all of IPv4).",
  "::/0": "::/0 allows every address (all of IPv6).",
};

/** Validates and canonicalises a whole allowlist: blank lines dropped, duplicates merged, at most 100 entries. */
export function parseAllowlist(
  inputs: string[],
): { ok: true; cidrs: string[]; warnings: string[] } | { ok: false; errors: EntryError[] } {
  const cidrs: string[] = [];
  const errors: EntryError[] = [];
  let overLimit = false;
  inputs.forEach((input, index) => {
    if (input.trim() === "") return;
    const entry = parseAllowlistEntry(input);
    if (!entry.ok) {
      errors.push({ index, input, reason: entry.reason });
    } else if (cidrs.includes(entry.cidr)) {
      return; // a duplicate once canonical, e.g. 10.0.0.1 and ::ffff:10.0.0.1/128
    } else if (cidrs.length < MAX_ALLOWLIST_ENTRIES) {
      cidrs.push(entry.cidr);
    } else if (!overLimit) {
      overLimit = true; // reported once, on the first entry past the limit
      errors.push({
        index,
        input,
        reason: `At most ${MAX_ALLOWLIST_ENTRIES} entries are allowed; use CIDR ranges to cover more.`,
      });
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, cidrs, warnings: cidrs.flatMap((cidr) => EVERYTHING[cidr] ?? []) };
}

/** A client address in canonical form (IPv4-mapped IPv6 unmapped), or null if it is not a plain IP address. */
export function normalizeIpAddress(input: string | null | undefined): string | null {
  const address = parseClientAddress(input);
  return address && toText(address);
}

function parseClientAddress(input: string | null | undefined): Address | null {
  if (!input || input.length > MAX_ENTRY_LENGTH) return null;
  const parsed = parseAddress(input);
  return parsed.ok ? unmap(parsed.address) : null;
}

// Allowlists are few and change rarely, while this runs on every API request: parse each CIDR once.
const rangeCache = new Map<string, Range | null>();
const RANGE_CACHE_LIMIT = 10_000;

function cachedRange(cidr: string): Range | null {
  let range = rangeCache.get(cidr);
  if (range === undefined) {
    // Through the same strict parser, so a corrupt stored entry matches nothing rather than something unexpected.
    const entry = parseAllowlistEntry(cidr);
    range = entry.ok ? ipaddr.parseCIDR(entry.cidr) : null;
    if (rangeCache.size >= RANGE_CACHE_LIMIT) rangeCache.clear();
    rangeCache.set(cidr, range);
  }
  return range;
}

/** Whether the client may call: an empty list allows everyone; otherwise an unknown client address is denied. */
export function isIpAllowed(clientIp: string | null | undefined, cidrs: string[]): boolean {
  if (cidrs.length === 0) return true;
  const client = parseClientAddress(clientIp);
  if (!client) return false;
  return cidrs.some((cidr) => {
    const range = cachedRange(cidr);
    // IPv4 clients match IPv4 entries only: `::/0` means "all of IPv6", not "everyone".
    return range !== null && range[0].kind() === client.kind() && client.match(range);
  });
}
