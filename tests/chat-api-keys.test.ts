/**
 * API keys at the Chat API (SECURITY.md "API keys"): every bad key is refused with one identical 401
 * body, headers that fetch refuses are sent over raw sockets, and the plaintext of a key appears
 * nowhere in the database nor in the log lines of requests made with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { createIntegration, rollApiKey } from "@/db/queries/integrations";
import { apiKeys } from "@/db/schema";
import { API_KEY_PREFIX, generateApiKey } from "@/lib/api-keys";
import { newId } from "@/lib/ids";
import { invalidateApiAuth } from "@/db/queries/api-auth-cache";
import { setLogSink } from "@/lib/log";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import {
  addIntegration,
  createTenant,
  nodeRequest,
  postChat,
  rawExchange,
  type ApiReply,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";

let h: DbHandle;
let api: ApiServer;
let a: Tenant;
let b: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  a = await createTenant(h.db, { knowledge: false });
  b = await createTenant(h.db, { knowledge: false });
});
afterAll(async () => {
  await suite?.close();
});

const endpoint = (t: Pick<Tenant, "integrationId">) => `${api.url}/chat/custom/${t.integrationId}`;
const JSON_HEADERS = { "content-type": "application/json" };
const BODY = JSON.stringify({ message: "What are your opening hours?" });

/** The 401 for a bad key: status, code and the body byte for byte, the same for every kind of bad key. */
let invalidBody: string | undefined;
function expectInvalidKey(r: ApiReply) {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 401, code: "invalid_api_key" });
  expect(r.headers.get("x-request-id")).toMatch(/^req_/);
  invalidBody ??= r.text;
  expect(r.text).toBe(invalidBody);
}

/** A key that passes the format and checksum check but was never issued. */
function wellFormedUnknownKey(): string {
  return generateApiKey().key;
}

/** A key of the right shape whose checksum does not match its body. */
function wrongChecksum(key: string): string {
  const last = key.at(-1)!;
  return key.slice(0, -1) + (last === "A" ? "B" : "A");
}

describe("bad keys: one identical 401 for all of them", () => {
  it("the live key works (the baseline the rest are measured against)", async () => {
    expect((await postChat(api.url, a.integrationId, a.apiKey, BODY)).status).toBe(200);
  });

  it("no key is missing_api_key, and a key in the query string does not count", async () => {
    const none = await postChat(api.url, a.integrationId, null, BODY);
    expect({ status: none.status, code: none.body.error.code }).toEqual({ status: 401, code: "missing_api_key" });
    for (const query of [`x-api-key=${a.apiKey}`, `api_key=${a.apiKey}`, `key=${a.apiKey}`, `apiKey=${a.apiKey}`]) {
      const r = await fetch(`${endpoint(a)}?${query}`, { method: "POST", headers: JSON_HEADERS, body: BODY });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe("missing_api_key");
    }
    // Nor does Authorization: Bearer, which the contract does not offer.
    const bearer = await postChat(api.url, a.integrationId, null, BODY, { authorization: `Bearer ${a.apiKey}` });
    expect(bearer.body.error.code).toBe("missing_api_key");
  });

  it("an empty or blank key is refused as missing", async () => {
    for (const value of ["", "   "]) {
      const r = await nodeRequest(endpoint(a), { headers: { ...JSON_HEADERS, "x-api-key": value }, body: BODY });
      expect({ status: r.status, code: r.body.error.code }).toEqual({ status: 401, code: "missing_api_key" });
    }
  });

  it("malformed, wrong-checksum, unknown, oversized and other integrations' keys", async () => {
    const keys = [
      "sk-bad",
      "x",
      API_KEY_PREFIX,
      a.apiKey.slice(0, -1),
      a.apiKey + "0",
      a.apiKey.toLowerCase(),
      a.apiKey.replace("sk-", "pk-"),
      wrongChecksum(a.apiKey),
      wellFormedUnknownKey(),
      b.apiKey,
      "k".repeat(10 * 1024),
      ` ${a.apiKey}x`,
      `${a.apiKey}\t${a.apiKey}`,
      `Bearer ${a.apiKey}`,
    ];
    for (const key of keys) expectInvalidKey(await postChat(api.url, a.integrationId, key, BODY));
    // the same body on another integration: nothing tells the integrations apart
    expectInvalidKey(await postChat(api.url, b.integrationId, a.apiKey, BODY));
  });

  it("a key with bytes outside ASCII is refused like any other", async () => {
    const latin1 = Buffer.from(`x-api-key: ${a.apiKey.slice(0, -2)}\u00e9\u00ff\r\n`, "latin1");
    const raw = Buffer.concat([
      Buffer.from(
        `POST /chat/custom/${a.integrationId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n`,
      ),
      latin1,
      Buffer.from(`Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`),
    ]);
    const r = await rawExchange(api.url, raw);
    expect(r.status).toBe(401);
    expect(r.text).toContain('"code":"invalid_api_key"');
  });

  it("a key with NUL or a line break never reaches the handler as a key, and never causes a 5xx", async () => {
    // fetch refuses these headers outright
    await expect(postChat(api.url, a.integrationId, `${a.apiKey}\u0000`, BODY)).rejects.toThrow();
    await expect(postChat(api.url, a.integrationId, `${a.apiKey}\nx-injected: 1`, BODY)).rejects.toThrow();
    const head = `POST /chat/custom/${a.integrationId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n`;
    const tail = `Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
    for (const keyLine of [
      `x-api-key: ${a.apiKey}\u0000\r\n`,
      `x-api-key: \u0000${a.apiKey}\r\n`,
      `x-api-key: ${a.apiKey}\rx\r\n`,
      `x-api-key: ${a.apiKey}\nx-evil: 1\r\n`,
      `x-api-key: sk-\u0000\r\n`,
    ]) {
      const r = await rawExchange(api.url, head + keyLine + tail);
      // Node's HTTP parser (the same in server.ts) refuses the request outright, or the key is simply wrong.
      expect([400, 401]).toContain(r.status);
      if (r.status === 401) expect(r.text).toContain("invalid_api_key");
      else expect(r.text).not.toContain('"reply"');
    }
  });

  it("two x-api-key headers are refused, even when both hold the live key", async () => {
    for (const pair of [
      [a.apiKey, a.apiKey],
      [a.apiKey, wellFormedUnknownKey()],
      [wellFormedUnknownKey(), a.apiKey],
      [b.apiKey, a.apiKey],
    ]) {
      expectInvalidKey(await nodeRequest(endpoint(a), { headers: { ...JSON_HEADERS, "x-api-key": pair }, body: BODY }));
    }
    // raw, in case a client library merged them: two header lines on the wire
    const r = await rawExchange(
      api.url,
      `POST /chat/custom/${a.integrationId} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n` +
        `x-api-key: ${a.apiKey}\r\nX-API-KEY: ${a.apiKey}\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
    );
    expect(r.status).toBe(401);
    expect(r.text).toContain("invalid_api_key");
  });

  it("revoked and expired keys, after a roll, are refused with the same body; the new key works", async () => {
    const t = await addIntegration(h.db, a);
    const scope = { workspaceId: a.workspaceId, integrationId: t.integrationId, actorUserId: a.userId };
    const rolled = await rollApiKey(h.db, { ...scope, grace: "none" });
    expectInvalidKey(await postChat(api.url, t.integrationId, t.apiKey, BODY)); // revoked at once
    expect((await postChat(api.url, t.integrationId, rolled!.apiKey, BODY)).status).toBe(200);

    const rolledAgain = await rollApiKey(h.db, { ...scope, grace: "1h" });
    expect((await postChat(api.url, t.integrationId, rolled!.apiKey, BODY)).status).toBe(200); // in its grace period
    // Let the grace period run out by moving it back in the database; the in-process cache still holds
    // the old expiry (time, not a write, normally ends a grace period), so it is cleared as a restart would.
    await h.db.execute(
      sql`update api_keys set expires_at = now() - interval '1 second' where integration_id = ${t.integrationId} and expires_at is not null`,
    );
    invalidateApiAuth(t.integrationId);
    expectInvalidKey(await postChat(api.url, t.integrationId, rolled!.apiKey, BODY)); // expired
    expect((await postChat(api.url, t.integrationId, rolledAgain!.apiKey, BODY)).status).toBe(200);
  });

  it("an unknown integration is 404 whatever the key; an existing one with any bad key is the same 401", async () => {
    for (const key of [null, "sk-bad", a.apiKey, wellFormedUnknownKey()]) {
      const r = await postChat(api.url, newId("int"), key, BODY);
      expect({ status: r.status, code: r.body.error.code }).toEqual({ status: 404, code: "integration_not_found" });
    }
    expectInvalidKey(await postChat(api.url, a.integrationId, wellFormedUnknownKey(), BODY));
    expectInvalidKey(await postChat(api.url, b.integrationId, wellFormedUnknownKey(), BODY));
  });
});

describe("the plaintext key is shown once and stored nowhere", () => {
  /** Every row of every table in the public schema, as text (bytea appears as hex, jsonb and arrays as text). */
  async function dumpDatabase(): Promise<string> {
    const tables = await queryRows<{ table_name: string }>(
      h.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["api_keys", "integrations", "audit_log", "messages"]),
    );
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const rows = await queryRows<{ row: string }>(h.db, sql.raw(`select t::text as row from "${table_name}" t`));
      parts.push(...rows.map((r) => `${table_name}: ${r.row}`));
    }
    return parts.join("\n");
  }

  /** The forms in which a leaked key could sit in a dump: as is, its random part, and its bytes in hex. */
  function needles(key: string): string[] {
    const body = key.slice(API_KEY_PREFIX.length);
    return [key, body, body.slice(0, 16), Buffer.from(key).toString("hex"), Buffer.from(body).toString("hex")];
  }

  it("after createIntegration and requests with the key, neither the database nor the log holds it", async () => {
    const lines: string[] = [];
    const savedLog = process.env.PARLEY_LOG;
    delete process.env.PARLEY_LOG; // "silent" would hide the very lines under test
    setLogSink((line) => lines.push(line));
    const made = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: a.botId,
      name: "Leak check",
      actorUserId: a.userId,
    });
    const key = made!.apiKey;
    const id = made!.integration.id;
    expect(key).toMatch(/^sk-parley_[0-9A-Za-z]{38}$/);

    // requests that succeed, fail on the body, on the conversation, and by a key one character off
    const ok = await postChat(api.url, id, key, { message: "Hello", user_id: "leak-test" });
    expect(ok.status).toBe(200);
    await postChat(api.url, id, key, "not json");
    await postChat(api.url, id, key, { message: "hi", conversation_id: newId("conv") });
    await postChat(api.url, id, wrongChecksum(key), BODY);
    await postChat(api.url, id, key, BODY, { "idempotency-key": "leak-check-1" });
    await fetch(`${api.url}/chat/custom/${id}/conversations/${ok.body.conversation_id}/messages`, {
      headers: { "x-api-key": key },
    });
    setLogSink(() => {});
    if (savedLog !== undefined) process.env.PARLEY_LOG = savedLog;

    const dump = await dumpDatabase();
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.integrationId, id));
    expect(dump).toContain(row!.keyHash.toString("hex")); // the dump does include bytea columns: the hash is there
    for (const needle of needles(key)) expect(dump).not.toContain(needle);

    expect(lines.filter((l) => l.includes('"chat_api"')).length).toBeGreaterThanOrEqual(5);
    const log = lines.join("\n");
    for (const needle of needles(key)) expect(log).not.toContain(needle);
    expect(log).not.toContain(wrongChecksum(key));
  });
});
