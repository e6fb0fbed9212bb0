import { isIpAllowed, normalizeIpAddress, parseAllowlistEntry } from "./ip-allowlist";

/** Set by our own server from the socket on every request, overwriting whatever the client sent. */
export const PEER_IP_HEADER = "x-parley-peer-ip";

/** Parses TRUSTED_PROXIES (comma-separated addresses or CIDRs); throws on a bad entry, since that is a config bug. */
export function parseTrustedProxies(value: string | undefined): string[] {
  const cidrs = new Set<string>();
  for (const entry of (value ?? "").split(",")) {
    if (entry.trim() === "") continue;
    const parsed = parseAllowlistEntry(entry);
    if (!parsed.ok)
      throw new Error(`TRUSTED_PROXIES: "${entry.trim()}" is not a valid address or CIDR range. ${parsed.reason}`);
    cidrs.add(parsed.cidr);
  }
  return [...cidrs];
}

/** The caller's address: the socket peer, or with trusted proxies the rightmost untrusted X-Forwarded-For hop. */
export function resolveClientIp(headers: Headers, trustedProxies: string[]): string | null {
  const peer = normalizeIpAddress(headers.get(PEER_IP_HEADER));
  if (peer === null || trustedProxies.length === 0 || !isIpAllowed(peer, trustedProxies)) return peer;

  // Headers.get joins repeated X-Forwarded-For headers with ", ", in order.
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded === null || forwarded.trim() === "") return peer;

  // Only hops appended by our own proxies can be believed; everything left of the first untrusted one is client-supplied.
  let lastTrusted = peer;
  for (const hop of forwarded.split(",").reverse()) {
    const address = normalizeIpAddress(hop.trim());
    if (address === null) return lastTrusted;
    if (!isIpAllowed(address, trustedProxies)) return address;
    lastTrusted = address;
  }
  return lastTrusted;
}

let trustedProxiesCache: { raw: string | undefined; cidrs: string[] } | undefined;

/** The configured TRUSTED_PROXIES, parsed once per value (server.ts refuses to start on a bad one). */
function trustedProxies(): string[] {
  const raw = process.env.TRUSTED_PROXIES;
  if (!trustedProxiesCache || trustedProxiesCache.raw !== raw)
    trustedProxiesCache = { raw, cidrs: parseTrustedProxies(raw) };
  return trustedProxiesCache.cidrs;
}

/** The address of whoever sent this request to Parley, by the deployment's TRUSTED_PROXIES: what limits and allowlists key on. */
export function clientAddress(headers: Headers): string | null {
  return resolveClientIp(headers, trustedProxies());
}
