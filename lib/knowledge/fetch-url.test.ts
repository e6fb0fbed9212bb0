import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { allowLoopbackConnectionsOnly } from "@/tests/fixtures/knowledge/loopback-only";

// No real DNS: a query would leave the machine. Names resolve from this table only.
const dnsTable = vi.hoisted(() => new Map<string, string[] | (() => string[])>());
vi.mock("node:dns/promises", () => {
  const lookup = async (hostname: string) => {
    const entry = dnsTable.get(hostname);
    const addresses = typeof entry === "function" ? entry() : entry;
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, default: { lookup } };
});

const { collectSitemapUrls, fetchPublicUrl, parseSitemap } = await import("./fetch-url");
const { blockedAddressKind } = await import("@/lib/http/outbound");

const guard = allowLoopbackConnectionsOnly();
let server: Server;
let base: string;
let port: number;
const hits: string[] = [];
const open = new Set<ServerResponse>();

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/ok": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>hello</p>"),
  "/host": (req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(req.headers.host),
  "/to-private": (_req, res) => res.writeHead(302, { location: "http://10.0.0.1/admin" }).end(),
  "/to-metadata": (_req, res) => res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
  "/to-ftp": (_req, res) => res.writeHead(301, { location: "ftp://example.com/file" }).end(),
  "/missing": (_req, res) => res.writeHead(404, "Not Found").end("nope"),
  "/big": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }); // chunked: no Content-Length to refuse early on
    for (let i = 0; i < 50; i++) res.write("x".repeat(1000));
    res.end();
  },
  "/huge-declared": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(6 * 1024 * 1024) });
    res.write("x".repeat(1000)); // then stall; the client must not wait for the rest
  },
  "/gzip": (_req, res) =>
    res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(gzipSync("compressed hello")),
  "/gzip-bomb": (_req, res) =>
    res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(20 * 1024 * 1024))),
  "/hang": () => {}, // accepts the request and never answers
  "/slow-body": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).write("partial"),
  "/sitemap.xml": (_req, res) =>
    xml(
      res,
      `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>${base}/sitemap-pages.xml</loc></sitemap>
      <sitemap><loc>/nested-index.xml</loc></sitemap>
      <sitemap><loc>${base}/sitemap.xml</loc></sitemap>
    </sitemapindex>`,
    ),
  "/sitemap-pages.xml": (_req, res) =>
    xml(
      res,
      `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
      <url><loc>${base}/pricing</loc><image:image><image:loc>${base}/logo.png</image:loc></image:image></url>
      <url><loc> ${base}/about </loc><lastmod>2024-01-01</lastmod></url>
      <url><loc>${base}/search?q=a&amp;page=2</loc></url>
    </urlset>`,
    ),
  "/nested-index.xml": (_req, res) =>
    xml(
      res,
      `<sitemapindex><sitemap><loc>${base}/more.xml.gz</loc></sitemap><sitemap><loc>${base}/gone.xml</loc></sitemap></sitemapindex>`,
    ),
  "/more.xml.gz": (_req, res) =>
    res
      .writeHead(200, { "content-type": "application/gzip" })
      .end(gzipSync(`<urlset><url><loc>${base}/about</loc></url><url><loc>${base}/contact#form</loc></url></urlset>`)),
  "/sitemap-empty.xml": (_req, res) => xml(res, "<urlset></urlset>"),
};

function xml(res: ServerResponse, body: string) {
  res.writeHead(200, { "content-type": "application/xml" }).end(body);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push(path);
    open.add(res);
    res.on("close", () => open.delete(res));
    res.on("error", () => {});
    const chain = /^\/chain\/(\d+)$/.exec(path);
    if (chain) {
      const left = Number(chain[1]);
      return void (left === 0 ? res.end("arrived") : res.writeHead(302, { location: `/chain/${left - 1}` }).end());
    }
    const route = routes[path];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  guard.restore();
  expect(guard.blocked).toEqual([]); // nothing ever tried to connect beyond loopback
});

beforeEach(() => {
  hits.length = 0;
  dnsTable.clear();
});

const loopback = { allowLoopback: true };

describe("fetchPublicUrl: addresses", () => {
  it("refuses loopback by default, before any request", async () => {
    expect(await fetchPublicUrl(`${base}/ok`)).toEqual({
      ok: false,
      reason: "127.0.0.1 is a loopback address; only public web pages can be imported.",
    });
    expect(hits).toEqual([]);
  });

  it("fetches loopback when allowed", async () => {
    const result = await fetchPublicUrl(`${base}/ok`, loopback);
    expect(result).toMatchObject({ ok: true, finalUrl: `${base}/ok`, contentType: "text/html; charset=utf-8" });
    if (result.ok) expect(new TextDecoder().decode(result.bytes)).toBe("<p>hello</p>");
  });

  it.each([
    ["http://10.0.0.1/", "10.0.0.1 is a private address"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://[::1]/", "::1 is a loopback address"],
    ["http://[fe80::1]/", "fe80::1 is a link-local address"],
    ["http://0.0.0.0/", "0.0.0.0 is an unspecified address"],
    ["http://[::ffff:10.0.0.1]/", "is a private address"],
    ["http://[::ffff:127.0.0.1]:8080/", "is a loopback address"],
    ["http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address"],
    ["http://192.168.1.1/", "192.168.1.1 is a private address"],
    ["http://172.16.5.4/", "172.16.5.4 is a private address"],
    ["http://[fd00::1]/", "fd00::1 is a private address"],
    ["http://224.0.0.1/", "224.0.0.1 is a multicast address"],
    ["http://0x7f.1/", "127.0.0.1 is a loopback address"],
    ["http://2130706433/", "127.0.0.1 is a loopback address"],
    ["http://[::a00:1]/", "is a reserved address"],
    ["http://[64:ff9b::a00:1]/", "is a reserved address"],
  ])("refuses %s without connecting", async (url, reason) => {
    const result = await fetchPublicUrl(url, { timeoutMs: 2000 });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it("with allowLoopback still refuses every other private range", async () => {
    for (const url of [
      "http://10.0.0.1/",
      "http://169.254.169.254/",
      "http://[fe80::1]/",
      "http://192.168.0.1/",
      "http://0.0.0.0/",
    ]) {
      expect(await fetchPublicUrl(url, loopback)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^\S+ is an? .*address; only public/),
      });
    }
  });

  it("refuses a name that resolves to a private address", async () => {
    dnsTable.set("example.internal", ["10.0.0.5"]);
    expect(await fetchPublicUrl("https://example.internal/docs")).toEqual({
      ok: false,
      reason: "example.internal resolves to a private address (10.0.0.5); only public web pages can be imported.",
    });
  });

  it("refuses a name when any one of its addresses is private", async () => {
    dnsTable.set("mixed.example", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:192.168.1.1"]);
    expect(await fetchPublicUrl("http://mixed.example/")).toEqual({
      ok: false,
      reason:
        "mixed.example resolves to a private address (::ffff:192.168.1.1); only public web pages can be imported.",
    });
  });

  it("connects to the vetted address even if DNS changes its answer, keeping the Host header", async () => {
    let calls = 0;
    dnsTable.set("rebind.example", () => (calls++ === 0 ? ["127.0.0.1"] : ["10.0.0.1"]));
    const result = await fetchPublicUrl(`http://rebind.example:${port}/host`, loopback);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) expect(new TextDecoder().decode(result.bytes)).toBe(`rebind.example:${port}`);
    expect(calls).toBe(1);
  });

  it("tries each vetted address of a name (::1 then 127.0.0.1)", async () => {
    dnsTable.set("localhost", ["::1", "127.0.0.1"]);
    expect(await fetchPublicUrl(`http://localhost:${port}/ok`, loopback)).toMatchObject({ ok: true });
  });

  it("explains a name that does not resolve", async () => {
    expect(await fetchPublicUrl("https://no-such-host.example/")).toEqual({
      ok: false,
      reason: "no-such-host.example could not be found; check the address.",
    });
  });

  it.each([
    ["ftp://example.com/file", "Only http and https addresses can be imported."],
    ["file:///etc/passwd", "Only http and https addresses can be imported."],
    ["http://user:secret@example.com/", "Addresses with a user name or password cannot be imported."],
    ["not a url", "That is not a valid web address."],
  ])("refuses %s", async (url, reason) => {
    expect(await fetchPublicUrl(url)).toEqual({ ok: false, reason });
  });

  it("classifies addresses", () => {
    expect(blockedAddressKind("8.8.8.8")).toBeUndefined();
    expect(blockedAddressKind("2001:4860:4860::8888")).toBeUndefined();
    expect(blockedAddressKind("127.0.0.2")).toBe("a loopback address");
    expect(blockedAddressKind("127.0.0.2", true)).toBeUndefined();
    expect(blockedAddressKind("::1", true)).toBeUndefined();
    expect(blockedAddressKind("10.1.1.1", true)).toBe("a private address");
    expect(blockedAddressKind("255.255.255.255")).toBe("a broadcast address");
    expect(blockedAddressKind("192.0.2.1")).toBe("a reserved address");
    expect(blockedAddressKind("2001:db8::1")).toBe("a reserved address");
    expect(blockedAddressKind("nonsense")).toBe("an invalid address");
  });
});

describe("fetchPublicUrl: redirects, limits, errors", () => {
  it("refuses a redirect to a private address before connecting to it", async () => {
    expect(await fetchPublicUrl(`${base}/to-private`, loopback)).toEqual({
      ok: false,
      reason: "10.0.0.1 is a private address; only public web pages can be imported.",
    });
    expect(await fetchPublicUrl(`${base}/to-metadata`, loopback)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("link-local"),
    });
    expect(await fetchPublicUrl(`${base}/to-ftp`, loopback)).toEqual({
      ok: false,
      reason: "Only http and https addresses can be imported.",
    });
  });

  it("follows up to maxRedirects hops and refuses one more", async () => {
    expect(await fetchPublicUrl(`${base}/chain/5`, loopback)).toMatchObject({ ok: true, finalUrl: `${base}/chain/0` });
    hits.length = 0;
    expect(await fetchPublicUrl(`${base}/chain/6`, loopback)).toEqual({
      ok: false,
      reason: "The page redirected too many times (more than 5).",
    });
    expect(hits).toEqual(["/chain/6", "/chain/5", "/chain/4", "/chain/3", "/chain/2", "/chain/1"]); // the hop past the limit is never requested
    expect(await fetchPublicUrl(`${base}/chain/2`, { ...loopback, maxRedirects: 1 })).toEqual({
      ok: false,
      reason: "The page redirected too many times (more than 1).",
    });
  });

  it("reports a non-2xx status", async () => {
    expect(await fetchPublicUrl(`${base}/missing`, loopback)).toEqual({
      ok: false,
      reason: "The page returned HTTP 404 (Not Found).",
    });
  });

  it("stops reading a streamed body that passes maxBytes", async () => {
    expect(await fetchPublicUrl(`${base}/big`, { ...loopback, maxBytes: 10_000 })).toEqual({
      ok: false,
      reason: "The page is larger than 10000 bytes.",
    });
    expect(await fetchPublicUrl(`${base}/big`, { ...loopback, maxBytes: 100_000 })).toMatchObject({ ok: true });
  });

  it("refuses a declared Content-Length over the default 5 MB at once", async () => {
    expect(await fetchPublicUrl(`${base}/huge-declared`, { ...loopback, timeoutMs: 5000 })).toEqual({
      ok: false,
      reason: "The page is larger than 5 MB.",
    });
  });

  it("decodes gzip and counts the decoded size", async () => {
    const result = await fetchPublicUrl(`${base}/gzip`, loopback);
    expect(result.ok && new TextDecoder().decode(result.bytes)).toBe("compressed hello");
    expect(await fetchPublicUrl(`${base}/gzip-bomb`, { ...loopback, maxBytes: 1024 * 1024 })).toEqual({
      ok: false,
      reason: "The page is larger than 1 MB.",
    });
  });

  it("gives up when the server never answers", async () => {
    expect(await fetchPublicUrl(`${base}/hang`, { ...loopback, timeoutMs: 200 })).toEqual({
      ok: false,
      reason: "The page did not load within 0.2 seconds.",
    });
  });

  it("gives up when the body stalls", async () => {
    expect(await fetchPublicUrl(`${base}/slow-body`, { ...loopback, timeoutMs: 200 })).toEqual({
      ok: false,
      reason: "The page did not load within 0.2 seconds.",
    });
  });

  it("explains a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await fetchPublicUrl(`http://127.0.0.1:${closedPort}/`, loopback)).toEqual({
      ok: false,
      reason: "127.0.0.1 refused the connection.",
    });
  });
});

describe("sitemaps", () => {
  it("parses urlset and sitemapindex, resolving relative locations and entities", () => {
    expect(
      parseSitemap(
        `<urlset><url><loc>/a</loc></url><url><loc><![CDATA[https://x.example/b?x=1&y=2]]></loc></url><url><loc>javascript:alert(1)</loc></url></urlset>`,
        "https://x.example/sitemap.xml",
      ),
    ).toEqual({ urls: ["https://x.example/a", "https://x.example/b?x=1&y=2"], sitemaps: [] });
    expect(
      parseSitemap(
        `<sitemapindex><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>`,
        "https://x.example/",
      ),
    ).toEqual({
      urls: [],
      sitemaps: ["https://x.example/s1.xml"],
    });
    expect(parseSitemap("https://x.example/one\nhttps://x.example/two\n", "https://x.example/")).toEqual({
      urls: ["https://x.example/one", "https://x.example/two"],
      sitemaps: [],
    });
  });

  it("follows nested indexes (including gzip and a loop), dedupes, skips broken children", async () => {
    expect(await collectSitemapUrls(`${base}/sitemap.xml`, loopback)).toEqual({
      ok: true,
      urls: [`${base}/pricing`, `${base}/about`, `${base}/search?q=a&page=2`, `${base}/contact`],
    });
    expect(hits.filter((h) => h === "/sitemap.xml")).toHaveLength(1);
  });

  it("caps the number of pages", async () => {
    expect(await collectSitemapUrls(`${base}/sitemap.xml`, { ...loopback, maxPages: 2 })).toEqual({
      ok: true,
      urls: [`${base}/pricing`, `${base}/about`],
    });
  });

  it("sends every sitemap fetch through the same address checks", async () => {
    expect(await collectSitemapUrls(`${base}/sitemap.xml`)).toEqual({
      ok: false,
      reason:
        "The sitemap could not be fetched: 127.0.0.1 is a loopback address; only public web pages can be imported.",
    });
    expect(hits).toEqual([]);
  });

  it("reports an empty sitemap", async () => {
    expect(await collectSitemapUrls(`${base}/sitemap-empty.xml`, loopback)).toEqual({
      ok: false,
      reason: "No page addresses were found in the sitemap.",
    });
  });
});
