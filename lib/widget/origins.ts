/**
 * The websites a chat widget may run on: origins such as `https://www.example.com`, or a wildcard for
 * subdomains (`https://*.example.com`). Parsed and canonicalised on save like the IP allowlist, with one
 * reason per bad entry; matched against the browser's `Origin` header on every widget request.
 */

export const MAX_ORIGIN_ENTRIES = 100;
const MAX_ENTRY_LENGTH = 300;

type EntryError = { index: number; input: string; reason: string };
const fail = (reason: string) => ({ ok: false as const, reason });

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Canonical form of one allowed website: lower-case `scheme://host[:port]`, the scheme's default port left out. */
export function parseOriginEntry(input: string): { ok: true; origin: string } | { ok: false; reason: string } {
  const text = input.trim();
  if (text.length > MAX_ENTRY_LENGTH) return fail(`Use at most ${MAX_ENTRY_LENGTH} characters.`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) return fail("Start with https:// (or http://), like https://www.example.com.");
  if (scheme !== "https" && scheme !== "http") return fail("Only http:// and https:// websites can show the widget.");
  const rest = text.slice(scheme.length + 3);
  if (/[/?#]/.test(rest.replace(/\/$/, "")))
    return fail("Enter just the website, without a path, ? or #: like https://www.example.com.");
  const hostPort = rest.replace(/\/$/, "");
  if (hostPort.includes("@")) return fail("Remove the user name and password; enter just the website.");
  const wildcard = hostPort.startsWith("*.");
  if (hostPort.slice(wildcard ? 2 : 0).includes("*"))
    return fail("A * can only stand for the first part of the name, like https://*.example.com.");
  let url: URL;
  try {
    url = new URL(`${scheme}://${wildcard ? `wildcard-${hostPort.slice(2)}` : hostPort}`);
  } catch {
    return fail("This is not a website address. Write it like https://www.example.com.");
  }
  const host = wildcard ? url.hostname.replace(/^wildcard-/, "") : url.hostname;
  if (!host.startsWith("[")) {
    const labels = host.split(".");
    if (labels.some((label) => !LABEL.test(label)))
      return fail("This is not a valid host name. Write it like https://www.example.com.");
    if (wildcard && labels.length < 2)
      return fail("A wildcard needs a domain after it, like https://*.example.com (not https://*.com).");
    if (!wildcard && labels.length < 2 && host !== "localhost")
      return fail("Enter a full domain name, like https://www.example.com.");
  } else if (wildcard) {
    return fail("A wildcard needs a domain name after it, not an address.");
  }
  const port = url.port ? `:${url.port}` : "";
  return { ok: true, origin: `${scheme}://${wildcard ? "*." : ""}${host}${port}` };
}

/** Validates and canonicalises a whole list: blank lines dropped, duplicates merged, at most 100 entries. */
export function parseAllowedOrigins(
  inputs: string[],
): { ok: true; origins: string[]; warnings: string[] } | { ok: false; errors: EntryError[] } {
  const origins: string[] = [];
  const errors: EntryError[] = [];
  inputs.forEach((input, index) => {
    if (input.trim() === "") return;
    const entry = parseOriginEntry(input);
    if (!entry.ok) errors.push({ index, input, reason: entry.reason });
    else if (origins.includes(entry.origin)) return;
    else if (origins.length < MAX_ORIGIN_ENTRIES) origins.push(entry.origin);
    else if (!errors.some((e) => e.reason.startsWith("At most")))
      errors.push({ index, input, reason: `At most ${MAX_ORIGIN_ENTRIES} websites are allowed; use a wildcard.` });
  });
  if (errors.length > 0) return { ok: false, errors };
  const warnings = origins
    .filter((o) => o.startsWith("http://") && !LOCAL_HOSTS.test(new URL(o.replace("*.", "")).hostname))
    .map((o) => `${o} is not encrypted (http://); visitors' messages could be read on the way.`);
  return { ok: true, origins, warnings };
}

/**
 * Whether a browser's `Origin` header names an allowed website. Only a serialised origin counts
 * (`scheme://host[:port]`, nothing after it); `null`, a missing header and anything else are refused.
 * `https://*.example.com` matches every subdomain of example.com, not example.com itself.
 */
export function isOriginAllowed(origin: string | null | undefined, allowed: string[]): boolean {
  if (!origin || origin.length > MAX_ENTRY_LENGTH || allowed.length === 0) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin.toLowerCase() || url.origin === "null") return false;
  const scheme = url.protocol.slice(0, -1);
  const port = url.port ? `:${url.port}` : "";
  return allowed.some((entry) => {
    if (entry === url.origin) return true;
    const wildcard = /^(https?):\/\/\*\.([^:]+)(:\d+)?$/.exec(entry);
    if (!wildcard || wildcard[1] !== scheme || (wildcard[3] ?? "") !== port) return false;
    return url.hostname.endsWith(`.${wildcard[2]}`);
  });
}
