/**
 * The IP allowlist at the Chat API (API.md "IP allowlist", SECURITY.md): the socket peer decides,
 * X-Forwarded-For only counts through TRUSTED_PROXIES, a forged x-parley-peer-ip is overwritten,
 * IPv4-mapped IPv6 matches IPv4 entries, and a denied caller spends no rate limit or quota.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { setAllowedIps } from "@/db/queries/integrations";
import { handleChatRequest, handleListMessages } from "@/lib/chat/handle-chat-request";
import { PEER_IP_HEADER } from "@/lib/client-ip";
import { stampPeerAddress } from "@/lib/http/stamp-peer";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, postChat, rawExchange, usedThisMonth, type ApiServer, type Tenant } from "./fixtures/api-server";

let h: DbHandle;
let api: ApiServer;
let tenant: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  delete process.env.TRUSTED_PROXIES;
  suite = await openApiSuite();
  ({ h, api } = suite);
  tenant = await createTenant(h.db, { allowedIps: ["10.0.0.0/8"], knowledge: false });
});
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
});
afterAll(async () => {
  await suite?.close();
});

const BODY = { message: "hi" };
const allow = (cidrs: string[]) =>
  setAllowedIps(h.db, {
    workspaceId: tenant.workspaceId,
    integrationId: tenant.integrationId,
    actorUserId: null,
    cidrs,
  });

/** The handler driven directly, as if our server had stamped `peer` as the socket address. */
function fromPeer(peer: string, headers: Record<string, string> = {}) {
  const req = new Request(`http://api.test/chat/custom/${tenant.integrationId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": tenant.apiKey, [PEER_IP_HEADER]: peer, ...headers },
    body: JSON.stringify(BODY),
  });
  return handleChatRequest({ req, integrationId: tenant.integrationId });
}

async function code(res: Response): Promise<string | number> {
  if (res.status === 200) return 200;
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe("over HTTP: the socket peer (127.0.0.1) decides", () => {
  it("without TRUSTED_PROXIES a spoofed X-Forwarded-For, X-Real-IP or peer header is ignored", async () => {
    await allow(["10.0.0.0/8"]);
    const spoofs: Record<string, string>[] = [
      { "x-forwarded-for": "10.1.2.3" },
      { "x-forwarded-for": "10.1.2.3, 10.9.9.9" },
      { "x-real-ip": "10.1.2.3" },
      { "cf-connecting-ip": "10.1.2.3" },
      { "true-client-ip": "10.1.2.3" },
      { forwarded: "for=10.1.2.3" },
      { [PEER_IP_HEADER]: "10.1.2.3" }, // the private header is overwritten with the real peer
    ];
    for (const headers of spoofs) {
      const r = await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY, headers);
      expect({ headers, status: r.status, code: r.body.error?.code }).toEqual({
        headers,
        status: 403,
        code: "ip_not_allowed",
      });
    }
  });

  it("the peer itself is allowed when listed, as an address or a range", async () => {
    for (const cidrs of [["127.0.0.1/32"], ["127.0.0.0/8"], ["10.0.0.0/8", "127.0.0.1/32"], []]) {
      await allow(cidrs);
      expect((await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY)).status).toBe(200);
    }
    await allow(["::1/128"]); // IPv6 loopback is another address
    expect((await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY)).status).toBe(403);
  });

  it("the 403 says which address the server saw", async () => {
    await allow(["10.0.0.0/8"]);
    const r = await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY);
    expect(r.status).toBe(403);
    expect(r.body.error?.message).toContain("127.0.0.1");
  });

  it("with TRUSTED_PROXIES=127.0.0.1/32 the rightmost untrusted X-Forwarded-For hop is the client", async () => {
    await allow(["10.0.0.0/8"]);
    process.env.TRUSTED_PROXIES = "127.0.0.1/32";
    const post = (xff?: string) =>
      postChat(api.url, tenant.integrationId, tenant.apiKey, BODY, xff === undefined ? {} : { "x-forwarded-for": xff });
    expect((await post("10.1.2.3")).status).toBe(200);
    expect((await post("8.8.8.8, 10.1.2.3")).status).toBe(200); // the client's own claim, left of our hop, is not read
    expect((await post("10.1.2.3, 8.8.8.8")).status).toBe(403); // the hop our proxy saw is 8.8.8.8
    expect((await post("::ffff:10.1.2.3")).status).toBe(200);
    expect((await post()).status).toBe(403); // no header: the proxy itself, 127.0.0.1
    expect((await post("10.1.2.3")).headers.get("x-request-id")).toMatch(/^req_/);
    const spoofedPeer = await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY, {
      [PEER_IP_HEADER]: "10.1.2.3",
    });
    expect(spoofedPeer.status).toBe(403);
  });

  it("a trusted-proxy setting that does not cover the peer leaves X-Forwarded-For unread", async () => {
    await allow(["10.0.0.0/8"]);
    process.env.TRUSTED_PROXIES = "192.168.0.0/16";
    const r = await postChat(api.url, tenant.integrationId, tenant.apiKey, BODY, { "x-forwarded-for": "10.1.2.3" });
    expect(r.status).toBe(403);
  });
});

describe("stampPeerAddress (shared by server.ts and the fixture server)", () => {
  it("replaces every client-sent copy of the private header, in headers and rawHeaders", async () => {
    let seen: { header: unknown; raw: string[] } | undefined;
    const server = createServer((req, res) => {
      stampPeerAddress(req);
      seen = { header: req.headers[PEER_IP_HEADER], raw: req.rawHeaders };
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await rawExchange(
        `http://127.0.0.1:${port}`,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Parley-Peer-IP: 10.1.2.3\r\nx-parley-peer-ip: 10.4.5.6\r\nConnection: close\r\n\r\n`,
      );
    } finally {
      server.close();
    }
    expect(seen!.header).toBe("127.0.0.1");
    expect(seen!.raw.join("\n")).not.toMatch(/10\.1\.2\.3|10\.4\.5\.6|x-parley-peer-ip/i);
  });
});

describe("the handler with a stamped peer address", () => {
  it("IPv4-mapped IPv6 peers match IPv4 entries", async () => {
    await allow(["10.0.0.0/8"]);
    expect(await code(await fromPeer("::ffff:10.1.2.3"))).toBe(200);
    expect(await code(await fromPeer("::FFFF:10.255.255.255"))).toBe(200);
    expect(await code(await fromPeer("::ffff:a01:203"))).toBe(200); // the same address in hex
    expect(await code(await fromPeer("10.1.2.3"))).toBe(200);
    expect(await code(await fromPeer("::ffff:11.1.2.3"))).toBe("ip_not_allowed");
    expect(await code(await fromPeer("::10.1.2.3"))).toBe("ip_not_allowed"); // IPv4-compatible is not IPv4-mapped
    expect(await code(await fromPeer("2001:db8::1"))).toBe("ip_not_allowed");
  });

  it("IPv6 entries match IPv6 peers; an unparseable or empty peer is denied", async () => {
    await allow(["2001:db8::/32"]);
    expect(await code(await fromPeer("2001:db8:1::5"))).toBe(200);
    expect(await code(await fromPeer("2001:db9::1"))).toBe("ip_not_allowed");
    for (const peer of ["", "garbage", "10.1.2.3:443", "fe80::1%eth0", "2001:db8::1%1"]) {
      expect(await code(await fromPeer(peer))).toBe("ip_not_allowed");
    }
  });

  it("the messages endpoint applies the same allowlist", async () => {
    await allow(["10.0.0.0/8"]);
    const first = await fromPeer("10.0.0.1");
    const { conversation_id } = (await first.json()) as { conversation_id: string };
    const list = (peer: string) =>
      handleListMessages({
        req: new Request(
          `http://api.test/chat/custom/${tenant.integrationId}/conversations/${conversation_id}/messages`,
          {
            headers: { "x-api-key": tenant.apiKey, [PEER_IP_HEADER]: peer },
          },
        ),
        integrationId: tenant.integrationId,
        conversationId: conversation_id,
      });
    expect(await code(await list("::ffff:10.0.0.1"))).toBe(200);
    expect(await code(await list("192.168.1.1"))).toBe("ip_not_allowed");
  });

  it("a denied caller spends no rate limit and no quota", async () => {
    const fenced = await createTenant(h.db, { allowedIps: ["10.0.0.0/8"], knowledge: false });
    const post = (peer: string) =>
      handleChatRequest({
        req: new Request(`http://api.test/chat/custom/${fenced.integrationId}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": fenced.apiKey, [PEER_IP_HEADER]: peer },
          body: JSON.stringify(BODY),
        }),
        integrationId: fenced.integrationId,
      });
    const denied = await Promise.all(Array.from({ length: 25 }, () => post("192.0.2.1")));
    expect(denied.map((r) => r.status)).toEqual(Array(25).fill(403));
    const limiter = await queryRows(h.db, sql`select 1 from rate_limits where key = ${`int:${fenced.integrationId}`}`);
    expect(limiter).toHaveLength(0);
    expect(await usedThisMonth(h.db, fenced.workspaceId)).toBe(0);
    expect((await post("10.0.0.9")).status).toBe(200);
    expect(await usedThisMonth(h.db, fenced.workspaceId)).toBe(1);
  });
});
