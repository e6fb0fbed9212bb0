import { gunzipSync } from "node:zlib";
import type http from "node:http";
import {
  decodedBody,
  networkErrorCode,
  networkErrorReason,
  readBodyCapped,
  requestPinned,
  resolveHost,
  type Address,
} from "@/lib/http/outbound";

/** Limits for {@link fetchPublicUrl}; allowLoopback admits 127.0.0.0/8 and ::1 (tests only) and nothing else private. */
export type FetchOptions = { maxBytes?: number; timeoutMs?: number; maxRedirects?: number; allowLoopback?: boolean };

/** Outcome of {@link fetchPublicUrl}: the body of the final page, or a sentence a user can act on. */
export type FetchResult =
  { ok: true; finalUrl: string; contentType: string; bytes: Uint8Array } | { ok: false; reason: string };

const USER_AGENT = "ParleyBot/1.0 (knowledge import)";
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Bounds the work one sitemap import can cause, whatever the sitemaps nest. */
const MAX_SITEMAP_FETCHES = 20;
const ONLY_PUBLIC = "only public web pages can be imported.";

/** Thrown inside this module for an expected refusal; fetchPublicUrl turns it into { ok: false, reason }. */
class Refusal extends Error {}

/** GETs a public http(s) URL: every hop's resolved addresses vetted, connection pinned to them, size and time bounded. */
export async function fetchPublicUrl(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const { maxBytes = 5 * 1024 * 1024, timeoutMs = 15_000, maxRedirects = 5, allowLoopback = false } = opts;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let host = "";
  let response: http.IncomingMessage | undefined;
  try {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const target = parseHttpUrl(current);
      host = target.hostname;
      const addresses = await vetHost(target, allowLoopback, controller.signal);
      response = await requestPinned(target, addresses, {
        method: "GET",
        headers: REQUEST_HEADERS,
        signal: controller.signal,
      });
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        const location = response.headers.location;
        response.destroy();
        if (!location) throw new Refusal(`The page returned HTTP ${status} without saying where it moved.`);
        if (redirects >= maxRedirects)
          throw new Refusal(`The page redirected too many times (more than ${maxRedirects}).`);
        current = new URL(location, target).href;
        continue;
      }
      if (status < 200 || status > 299) {
        throw new Refusal(
          `The page returned HTTP ${status}${response.statusMessage ? ` (${response.statusMessage})` : ""}.`,
        );
      }
      const bytes = await readBody(response, maxBytes);
      return { ok: true, finalUrl: target.href, contentType: response.headers["content-type"] ?? "", bytes };
    }
  } catch (error) {
    if (controller.signal.aborted)
      return { ok: false, reason: `The page did not load within ${timeoutMs / 1000} seconds.` };
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    return { ok: false, reason: networkReason(error, host) };
  } finally {
    clearTimeout(timer);
    response?.destroy();
  }
}

const REQUEST_HEADERS = {
  "user-agent": USER_AGENT,
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
  "accept-encoding": "gzip, deflate, br",
};

function parseHttpUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim()); // also canonicalises odd IPv4 spellings such as 0x7f.1 or 2130706433
  } catch {
    throw new Refusal("That is not a valid web address.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Refusal("Only http and https addresses can be imported.");
  if (url.username || url.password) throw new Refusal("Addresses with a user name or password cannot be imported.");
  url.hash = "";
  return url;
}

/** The host's addresses if every one is public; one private answer refuses the host (it could be picked on connect). */
async function vetHost(url: URL, allowLoopback: boolean, signal: AbortSignal): Promise<Address[]> {
  const resolved = await resolveHost(url, allowLoopback ? "loopback" : "public", signal);
  if (resolved.ok) return resolved.addresses;
  const { host } = resolved;
  if (resolved.problem === "unresolved") throw new Refusal(`${host} could not be found; check the address.`);
  if (resolved.literal) throw new Refusal(`${host} is ${resolved.kind}; ${ONLY_PUBLIC}`);
  throw new Refusal(`${host} resolves to ${resolved.kind} (${resolved.address}); ${ONLY_PUBLIC}`);
}

/** Reads the (decoded) body, giving up as soon as it passes maxBytes rather than after buffering it all. */
async function readBody(response: http.IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = new Refusal(`The page is larger than ${formatBytes(maxBytes)}.`);
  if (Number(response.headers["content-length"]) > maxBytes) throw tooLarge;
  const body = decodedBody(response);
  if (!body)
    throw new Refusal(
      `The page uses an unsupported encoding (${response.headers["content-encoding"]?.trim().toLowerCase()}).`,
    );
  const read = await readBodyCapped(body, maxBytes);
  if (!read.ok) throw tooLarge;
  return new Uint8Array(read.bytes);
}

function formatBytes(bytes: number): string {
  const MB = 1024 * 1024;
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function networkReason(error: unknown, host: string): string {
  const code = networkErrorCode(error);
  return networkErrorReason(error, host) ?? `The page at ${host} could not be fetched${code ? ` (${code})` : ""}.`;
}

// ---------------------------------------------------------------- sitemaps

/** Page and nested-sitemap URLs in a sitemap (urlset, sitemapindex, or one URL per line), absolute, http(s) only. */
export function parseSitemap(xml: string, baseUrl: string): { urls: string[]; sitemaps: string[] } {
  const urls: string[] = [];
  const sitemaps: string[] = [];
  if (!xml.includes("<")) {
    for (const line of xml.split(/\r?\n/)) if (/^\s*https?:\/\//i.test(line)) pushAbsolute(urls, line, baseUrl);
    return { urls, sitemaps };
  }
  // <loc> without a prefix only: <image:loc> and friends inside a <url> are not pages.
  for (const [, kind, body = ""] of xml.matchAll(/<(url|sitemap)\b[^>]*>([\s\S]*?)<\/\1\s*>/g)) {
    const loc = /<loc\b[^>]*>([\s\S]*?)<\/loc\s*>/.exec(body)?.[1];
    if (loc !== undefined) pushAbsolute(kind === "sitemap" ? sitemaps : urls, decodeXmlText(loc), baseUrl);
  }
  return { urls, sitemaps };
}

function pushAbsolute(list: string[], candidate: string, baseUrl: string) {
  if (!candidate.trim()) return;
  try {
    const url = new URL(candidate.trim(), baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    url.hash = "";
    list.push(url.href);
  } catch {
    // not a URL: skip the entry, keep the rest of the sitemap
  }
}

function decodeXmlText(text: string): string {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(text);
  if (cdata) return cdata[1]!;
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (match, entity: string) => {
    if (entity[0] !== "#") return named[entity.toLowerCase()] ?? match;
    const code = entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}

/** Page URLs from a sitemap, following nested sitemap indexes (at most 20 fetches), deduplicated, at most maxPages. */
export async function collectSitemapUrls(
  sitemapUrl: string,
  opts: FetchOptions & { maxPages?: number } = {},
): Promise<{ ok: true; urls: string[] } | { ok: false; reason: string }> {
  const { maxPages = 50, ...fetchOptions } = opts;
  const maxBytes = fetchOptions.maxBytes ?? 5 * 1024 * 1024;
  const pages = new Set<string>();
  const queue = [sitemapUrl];
  const seen = new Set<string>();
  for (let fetches = 0; queue.length && pages.size < maxPages && fetches < MAX_SITEMAP_FETCHES; fetches++) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const result = await fetchPublicUrl(next, fetchOptions);
    if (!result.ok) {
      if (next === sitemapUrl) return { ok: false, reason: `The sitemap could not be fetched: ${result.reason}` };
      continue; // one broken child sitemap should not sink the others
    }
    const text = sitemapText(result.bytes, maxBytes);
    if ("reason" in text) {
      if (next === sitemapUrl) return { ok: false, reason: text.reason };
      continue;
    }
    const { urls, sitemaps } = parseSitemap(text.text, result.finalUrl);
    for (const url of urls) {
      if (pages.size >= maxPages) break;
      pages.add(url);
    }
    queue.push(...sitemaps);
  }
  if (!pages.size) return { ok: false, reason: "No page addresses were found in the sitemap." };
  return { ok: true, urls: [...pages] };
}

/** Sitemaps are often served as .xml.gz files (not Content-Encoding), so a gzip body is inflated here, bounded. */
function sitemapText(bytes: Uint8Array, maxBytes: number): { text: string } | { reason: string } {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return { text: new TextDecoder().decode(bytes) };
  try {
    return { text: new TextDecoder().decode(gunzipSync(bytes, { maxOutputLength: maxBytes })) };
  } catch (error) {
    const tooLarge = (error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE";
    return {
      reason: tooLarge
        ? `The sitemap is larger than ${formatBytes(maxBytes)} uncompressed.`
        : "The compressed sitemap is damaged.",
    };
  }
}
