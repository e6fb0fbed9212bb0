/**
 * The Chat API's error contract (API.md "Errors"): every row of the table with its status, code and
 * body shape, `x-request-id` on every response, the order of checks, and SECURITY.md's bad bodies and
 * odd unicode, through the fixture HTTP server against a real database.
 * generation_failed and generation_timeout need a model: they are in chat-api-extensions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { deleteIntegration } from "@/db/queries/integrations";
import { conversations, messages } from "@/db/schema";
import { generateApiKey } from "@/lib/api-keys";
import { API_ERRORS } from "@/lib/chat/api-error";
import { newId } from "@/lib/ids";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import {
  createTenant,
  nodeRequest,
  postChat,
  usedThisMonth,
  type ApiReply,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";

// starter: effectively unlimited; core: 1 request a minute; pro: 1 message a month.
const LIMITS = {
  starter: { requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 },
  core: { requestsPerMinute: 1, messagesPerMonth: 1_000_000 },
  pro: { requestsPerMinute: 100_000, messagesPerMonth: 1 },
};

let h: DbHandle;
let api: ApiServer;
let main: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite(LIMITS);
  ({ h, api } = suite);
  main = await createTenant(h.db);
});
afterAll(async () => {
  await suite?.close();
});

/** The exact error contract: status, `{ error: { code, message } }` and nothing else, a request id. */
function expectError(r: ApiReply, status: number, code: string) {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(r.body)).toEqual(["error"]);
  expect(Object.keys(r.body.error).sort()).toEqual(["code", "message"]);
  expect(typeof r.body.error.message).toBe("string");
  expect(r.body.error.message.length).toBeGreaterThan(0);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  expect(r.headers.get("x-request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
}

const chat = (t: Pick<Tenant, "integrationId" | "apiKey">, body: unknown, headers?: Record<string, string>) =>
  postChat(api.url, t.integrationId, t.apiKey, body, headers);

describe("every row of the error table", () => {
  it("400 invalid_json: the body is not a JSON object", async () => {
    for (const body of [
      "not json",
      "",
      "[]",
      '[{"message":"hi"}]',
      "null",
      '"hello"',
      "42",
      "true",
      '{"message":"hi"',
    ]) {
      expectError(await chat(main, body), 400, "invalid_json");
    }
  });

  it("400 message_required: missing, not a string, or only whitespace", async () => {
    for (const message of [
      undefined,
      null,
      42,
      true,
      ["hi"],
      { text: "hi" },
      "",
      " ",
      " \n\t\r ",
      "\u00a0\u2003\u3000",
    ]) {
      expectError(await chat(main, { message }), 400, "message_required");
    }
  });

  it("400 message_too_long: over 8,000 characters, counted as a person counts them", async () => {
    expectError(await chat(main, { message: "a".repeat(8001) }), 400, "message_too_long");
    expectError(await chat(main, { message: "😀".repeat(8001) }), 400, "message_too_long");
    // exactly 8,000 is fine, also when each character takes two UTF-16 units
    expect((await chat(main, { message: "a".repeat(8000) })).status).toBe(200);
    expect((await chat(main, { message: "😀".repeat(8000) })).status).toBe(200);
  });

  it("400 invalid_field: user_id or conversation_id of the wrong type or length", async () => {
    const bad = [
      { user_id: 42 },
      { user_id: "" },
      { user_id: "u".repeat(129) },
      { user_id: "line\nbreak" },
      { user_id: "nul\u0000" },
      { user_id: ["u"] },
      { conversation_id: 7 },
      { conversation_id: "" },
      { conversation_id: "c".repeat(65) },
      { conversation_id: { id: "conv_x" } },
      { stream: "yes" },
    ];
    for (const fields of bad) expectError(await chat(main, { message: "hi", ...fields }), 400, "invalid_field");
    expect((await chat(main, { message: "hi", user_id: "u".repeat(128) })).status).toBe(200);
  });

  it("401 missing_api_key: no x-api-key header", async () => {
    expectError(await postChat(api.url, main.integrationId, null, { message: "hi" }), 401, "missing_api_key");
  });

  it("401 invalid_api_key: a key that is not a live key of this integration", async () => {
    expectError(await chat({ ...main, apiKey: generateApiKey().key }, { message: "hi" }), 401, "invalid_api_key");
  });

  it("403 ip_not_allowed: the caller (127.0.0.1) is not in the allowlist", async () => {
    const fenced = await createTenant(h.db, { allowedIps: ["203.0.113.0/24"], knowledge: false });
    expectError(await chat(fenced, { message: "hi" }), 403, "ip_not_allowed");
  });

  it("404 integration_not_found: never existed, malformed, or deleted", async () => {
    const key = generateApiKey().key;
    expectError(await postChat(api.url, newId("int"), key, { message: "hi" }), 404, "integration_not_found");
    expectError(await postChat(api.url, "int_short", key, { message: "hi" }), 404, "integration_not_found");
    expectError(await postChat(api.url, "%F0%9F%98%80", key, { message: "hi" }), 404, "integration_not_found");
    const doomed = await createTenant(h.db, { knowledge: false });
    expect((await chat(doomed, { message: "hi" })).status).toBe(200);
    await deleteIntegration(h.db, {
      workspaceId: doomed.workspaceId,
      integrationId: doomed.integrationId,
      actorUserId: null,
    });
    expectError(await chat(doomed, { message: "hi" }), 404, "integration_not_found");
  });

  it("404 conversation_not_found: an id this integration never issued", async () => {
    expectError(await chat(main, { message: "hi", conversation_id: newId("conv") }), 404, "conversation_not_found");
  });

  it("413 payload_too_large: a body over 64 KiB, with or without Content-Length", async () => {
    const padded = (bytes: number) => {
      const head = '{"message":"hi","pad":"';
      return head + "x".repeat(bytes - head.length - 2) + '"}';
    };
    expect(Buffer.byteLength(padded(64 * 1024))).toBe(65_536);
    expect((await chat(main, padded(64 * 1024))).status).toBe(200); // exactly 64 KiB is allowed
    expectError(await chat(main, padded(64 * 1024 + 1)), 413, "payload_too_large");
    expectError(await chat(main, padded(65 * 1024)), 413, "payload_too_large");
    expectError(await chat(main, { message: "a".repeat(65 * 1024) }), 413, "payload_too_large");
    // chunked: no Content-Length to refuse early, so the cap must hold while reading
    const chunked = await nodeRequest(`${api.url}/chat/custom/${main.integrationId}`, {
      headers: { "content-type": "application/json", "x-api-key": main.apiKey, "transfer-encoding": "chunked" },
      chunks: Array.from({ length: 17 }, () => Buffer.alloc(4096, "x")),
    });
    expectError(chunked, 413, "payload_too_large");
    // a lying Content-Length is refused before the body is read
    const lying = await nodeRequest(`${api.url}/chat/custom/${main.integrationId}`, {
      headers: { "content-type": "application/json", "x-api-key": main.apiKey, "content-length": "10485760" },
      body: "",
    }).catch((error: unknown) => ({ status: -1, error }));
    if (lying.status !== -1) expectError(lying as ApiReply, 413, "payload_too_large");
  });

  it("429 rate_limited: the integration's per-minute limit, with Retry-After", async () => {
    const limited = await createTenant(h.db, { plan: "core", knowledge: false });
    expect((await chat(limited, { message: "hi" })).status).toBe(200);
    const r = await chat(limited, { message: "hi" });
    expectError(r, 429, "rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("429 quota_exceeded: the workspace's monthly quota, with Retry-After", async () => {
    const capped = await createTenant(h.db, { plan: "pro", knowledge: false });
    expect((await chat(capped, { message: "hi" })).status).toBe(200);
    const r = await chat(capped, { message: "hi" });
    expectError(r, 429, "quota_exceeded");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("500 internal_error: a server-side failure, with a generic message, and the quota given back", async () => {
    const t = await createTenant(h.db, { knowledge: false });
    expect((await chat(t, { message: "hi" })).status).toBe(200);
    const used = await usedThisMonth(h.db, t.workspaceId);
    await h.db.execute(sql`alter table messages rename to messages_away`);
    let r: ApiReply;
    try {
      r = await chat(t, { message: "hi" });
    } finally {
      await h.db.execute(sql`alter table messages_away rename to messages`);
    }
    expectError(r, 500, "internal_error");
    expect(r.body.error.message).toBe(API_ERRORS.internal_error[1]); // nothing of the database error leaks
    expect(await usedThisMonth(h.db, t.workspaceId)).toBe(used);
  });

  it("405 for other methods, still with the error shape and a request id", async () => {
    const r = await nodeRequest(`${api.url}/chat/custom/${main.integrationId}`, {
      method: "GET",
      headers: { "x-api-key": main.apiKey },
    });
    expectError(r, 405, "method_not_allowed");
    expect(r.headers.get("allow")).toBe("POST");
  });

  it("every success carries x-request-id too, a different one each time", async () => {
    const a = await chat(main, { message: "hi" });
    const b = await chat(main, { message: "hi" });
    expect(a.status).toBe(200);
    expect(a.headers.get("x-request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect(b.headers.get("x-request-id")).not.toBe(a.headers.get("x-request-id"));
  });
});

describe("order of checks: integration, key, IP, body, rate limit, quota, conversation", () => {
  it("a missing integration is 404 whatever the key and body", async () => {
    const missing = newId("int");
    expectError(await postChat(api.url, missing, "sk-bad", "not json"), 404, "integration_not_found");
    expectError(await postChat(api.url, missing, null, "not json"), 404, "integration_not_found");
    expectError(await postChat(api.url, missing, main.apiKey, { message: "hi" }), 404, "integration_not_found");
  });

  it("a bad body with a bad or missing key is 401", async () => {
    expectError(await chat({ ...main, apiKey: generateApiKey().key }, "not json"), 401, "invalid_api_key");
    expectError(await postChat(api.url, main.integrationId, null, { message: 5 }), 401, "missing_api_key");
    expectError(await chat({ ...main, apiKey: "sk-bad" }, { message: "a".repeat(65 * 1024) }), 401, "invalid_api_key");
  });

  it("a bad key from a disallowed IP is 401; a bad body from a disallowed IP is 403", async () => {
    const fenced = await createTenant(h.db, { allowedIps: ["203.0.113.7"], knowledge: false });
    expectError(await chat({ ...fenced, apiKey: generateApiKey().key }, "not json"), 401, "invalid_api_key");
    expectError(await chat(fenced, "not json"), 403, "ip_not_allowed");
    expectError(await chat(fenced, { message: "a".repeat(65 * 1024) }), 403, "ip_not_allowed");
  });

  it("a bad body is 400 before the rate limit is looked at, and spends none of it", async () => {
    const limited = await createTenant(h.db, { plan: "core", knowledge: false });
    for (let i = 0; i < 3; i++) expectError(await chat(limited, { message: " " }), 400, "message_required");
    expect((await chat(limited, { message: "hi" })).status).toBe(200);
    expectError(await chat(limited, "not json"), 400, "invalid_json"); // still 400 while rate-limited
    expectError(await chat(limited, { message: "hi" }), 429, "rate_limited");
  });

  it("a rate-limited request with an unknown conversation is 429, as is one over quota", async () => {
    const limited = await createTenant(h.db, { plan: "core", knowledge: false });
    expect((await chat(limited, { message: "hi" })).status).toBe(200);
    expectError(await chat(limited, { message: "hi", conversation_id: newId("conv") }), 429, "rate_limited");

    const capped = await createTenant(h.db, { plan: "pro", knowledge: false });
    expect((await chat(capped, { message: "hi" })).status).toBe(200);
    expectError(await chat(capped, { message: "hi", conversation_id: newId("conv") }), 429, "quota_exceeded");
  });

  it("rate limit comes before quota: over both is rate_limited", async () => {
    const t = await createTenant(h.db, { plan: "core", knowledge: false });
    expect((await chat(t, { message: "hi" })).status).toBe(200);
    await h.db.execute(
      sql`update usage set used = ${LIMITS.core.messagesPerMonth} where workspace_id = ${t.workspaceId}`,
    );
    expectError(await chat(t, { message: "hi" }), 429, "rate_limited");
  });
});

describe("bad bodies and odd unicode never cause a 5xx", () => {
  const texts = [
    "👋🏽 Hello 🇺🇸 👨‍👩‍👧‍👦",
    "مرحبا، كم سعر خطة Pro؟",
    "שלום \u202Egnp.exe\u202C",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "\u200B\u200D\u2060",
    "\uFFFF\uFFFE\uFDD0",
    "\u0007\u001b[31mred\u001b[0m",
    "' OR 1=1; -- \\ % _ $1 ${x}",
    "<script>alert(1)</script>",
    "\ud800 lone \udfff surrogates \udbff",
    "a\u0000b",
  ];

  it.each(texts.map((t) => [JSON.stringify(t), t]))("message %s is answered", async (_label, message) => {
    const r = await chat(main, { message, user_id: "u-unicode" });
    expect(r.status).toBe(200);
    expect(typeof r.body.reply).toBe("string");
  });

  it("NUL characters are dropped, and a message of nothing else is message_required", async () => {
    const r = await chat(main, { message: "a\u0000b" });
    const [saved] = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, r.body.conversation_id))
      .limit(1);
    expect(saved!.content).toBe("ab");
    expectError(await chat(main, { message: "\u0000\u0000" }), 400, "message_required");
    expectError(await chat(main, { message: " \u0000 " }), 400, "message_required");
  });

  it("lone surrogates and invalid UTF-8 in the raw body are survived", async () => {
    expect((await chat(main, '{"message":"\\ud83d"}')).status).toBe(200);
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"message":"caf'),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const r = await nodeRequest(`${api.url}/chat/custom/${main.integrationId}`, {
      headers: { "content-type": "application/json", "x-api-key": main.apiKey },
      body: invalidUtf8,
    });
    expect(r.status).toBe(200);
    const bom = await chat(main, '\uFEFF{"message":"hi"}');
    expect(bom.status).toBeLessThan(500);
  });

  it("a user_id of emoji counts characters, and one with a lone surrogate can resume its conversation", async () => {
    expect((await chat(main, { message: "hi", user_id: "😀".repeat(128) })).status).toBe(200);
    expectError(await chat(main, { message: "hi", user_id: "😀".repeat(129) }), 400, "invalid_field");

    const first = await chat(main, { message: "hi", user_id: "user-\ud800" });
    expect(first.status).toBe(200);
    const again = await chat(main, {
      message: "hi again",
      user_id: "user-\ud800",
      conversation_id: first.body.conversation_id,
    });
    expect(again.status).toBe(200);
    expect(again.body.conversation_id).toBe(first.body.conversation_id);
  });

  it("odd conversation ids are 404, never 5xx, and mint nothing", async () => {
    const before = await h.db.$count(conversations, eq(conversations.integrationId, main.integrationId));
    for (const conversation_id of [
      "conv_😀",
      "conv_\u0000",
      "../../etc/passwd",
      "conv_" + "A".repeat(22) + "'",
      "\ud800",
    ]) {
      expectError(await chat(main, { message: "hi", conversation_id }), 404, "conversation_not_found");
    }
    expect(await h.db.$count(conversations, eq(conversations.integrationId, main.integrationId))).toBe(before);
  });

  it("deeply nested or huge-number JSON is an ordinary 400 or 200", async () => {
    expectError(await chat(main, "[".repeat(5000) + "]".repeat(5000)), 400, "invalid_json");
    expectError(await chat(main, `{"message":${"1".repeat(400)}}`), 400, "message_required");
    expect((await chat(main, `{"message":"hi","extra":${"[".repeat(3000)}${"]".repeat(3000)}}`)).status).toBe(200);
    expect((await chat(main, '{"message":"first","message":"hi"}')).status).toBe(200);
    expect((await chat(main, '{"__proto__":{"message":"x"},"message":"hi"}')).status).toBe(200);
  });
});
