import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import ipaddr from "ipaddr.js";

/**
 * The one way Parley calls a URL someone typed (knowledge import, webhook delivery): the host's
 * addresses are resolved once and vetted (no private, loopback, link-local or reserved ones), the
 * connection is pinned to exactly those addresses, and the body is read under a size cap.
 */

export type Address = { address: string; family: number };

/** Which addresses a caller may reach: public only, public and loopback (tests), or any (a receiver on your own network). */
export type AddressPolicy = "public" | "loopback" | "any";

const RANGE_NAMES: Record<string, string> = {
  private: "a private address",
  uniqueLocal: "a private address",
  loopback: "a loopback address",
  linkLocal: "a link-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
};

/** How an address is described when it may not be reached ("a private address"), or undefined for public unicast. */
export function blockedAddressKind(address: string, allowLoopback = false): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address); // unmaps ::ffff:10.0.0.1 so it is judged as 10.0.0.1
  } catch {
    return "an invalid address";
  }
  const range = ip.range();
  if (range === "loopback" && allowLoopback) return undefined;
  if (range !== "unicast") return RANGE_NAMES[range] ?? "a reserved address";
  // ipaddr calls all of ::/8 "unicast" (e.g. IPv4-compatible ::a00:1); only 2000::/3 is global unicast.
  if (ip.kind() === "ipv6" && ((ip as ipaddr.IPv6).parts[0]! & 0xe000) !== 0x2000) return "a reserved address";
  return undefined;
}

export type ResolvedHost =
  | { ok: true; host: string; addresses: Address[] }
  | { ok: false; host: string; problem: "unresolved" }
  /** `literal`: the URL named the address itself rather than a host name. */
  | { ok: false; host: string; problem: "blocked"; address: string; kind: string; literal: boolean };

/**
 * The URL's host and the addresses to connect to, each vetted under `policy`: one blocked answer
 * refuses the host, since it could be the one picked on connect. `signal` bounds the DNS lookup.
 */
export async function resolveHost(url: URL, policy: AddressPolicy, signal?: AbortSignal): Promise<ResolvedHost> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1"); // IPv6 literals keep their brackets in URL.hostname
  const literal = isIP(host) !== 0;
  let addresses: Address[];
  if (literal) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      const answer = lookup(host, { all: true, verbatim: true });
      addresses = signal ? await withAbort(answer, signal) : await answer;
    } catch (error) {
      if (signal?.aborted) throw error;
      return { ok: false, host, problem: "unresolved" };
    }
    if (!addresses.length) return { ok: false, host, problem: "unresolved" };
  }
  if (policy !== "any") {
    for (const { address } of addresses) {
      const kind = blockedAddressKind(address, policy === "loopback");
      if (kind) return { ok: false, host, problem: "blocked", address, kind, literal };
    }
  }
  return { ok: true, host, addresses };
}

export type PinnedRequest = {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
};

/** Sends one request to the vetted addresses only (a second DNS answer could rebind to a private one); Host and SNI still come from the URL. */
export function requestPinned(url: URL, addresses: Address[], init: PinnedRequest): Promise<http.IncomingMessage> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const matching = addresses.filter((a) => !family || a.family === family);
    const usable = matching.length ? matching : addresses;
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: init.method,
        agent: false, // a pooled socket could belong to another host's vetted address
        lookup: pinned,
        signal: init.signal,
        headers,
      },
      resolve,
    );
    request.on("error", reject);
    request.end(init.body);
  });
}

/** The response body decoded per Content-Encoding (gzip, deflate, br), or null for an encoding it does not know. */
export function decodedBody(response: http.IncomingMessage): Readable | null {
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return encoding === "identity" || encoding === "" ? response : null;
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/**
 * Reads a body, giving up as soon as it passes `maxBytes` rather than after buffering it all (a
 * compression bomb included): `{ ok: false }` then, with what was read so far.
 */
export async function readBodyCapped(
  body: Readable,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; head: Buffer }> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      chunks.push(chunk);
      if (total > maxBytes) return { ok: false, head: Buffer.concat(chunks) };
    }
  } finally {
    body.destroy();
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** A sentence for a failed connection ("example.com refused the connection."), or undefined when the error says nothing familiar. */
export function networkErrorReason(error: unknown, host: string): string | undefined {
  const code = networkErrorCode(error);
  if (code === "ECONNREFUSED") return `${host} refused the connection.`;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET")
    return `${host} closed the connection unexpectedly.`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${host} could not be reached.`;
  if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO/.test(code))
    return `The secure connection to ${host} failed (${code}).`;
  if (code && /^Z_|^ERR__ERROR/.test(code)) return `${host} sent a corrupt compressed response.`; // zlib, brotli
  return undefined;
}

/** The error's code (`ECONNREFUSED`), also when fetch wraps it as the cause. */
export function networkErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

/** Rejects with the signal's reason when it aborts first. */
export function withAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
