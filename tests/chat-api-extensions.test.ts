/**
 * The Chat API's extensions and its failure paths with a real model endpoint (the OpenAI-compatible
 * fixture server): generation_failed and generation_timeout refund the quota, Idempotency-Key
 * charges a retried request once, and `"stream": true` sends start, deltas and end (or error).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { conversations, messages, usage } from "@/db/schema";
import { newId } from "@/lib/ids";
import { setLogSink } from "@/lib/log";
import { openTestDb } from "./db";
import {
  createTenant,
  postChat,
  startApiServer,
  usedThisMonth,
  type ApiReply,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";

let h: DbHandle;
let api: ApiServer;
let model: OpenAiServer;
let builtin: Tenant;
let llm: Tenant;
const savedEnv: Record<string, string | undefined> = {};
const ENV = ["PARLEY_PLAN_LIMITS", "LLM_BASE_URL", "LLM_MODEL", "LLM_TIMEOUT_MS", "LLM_API_KEY"] as const;

beforeAll(async () => {
  setLogSink(() => {}); // a line per request would bury the test report
  for (const name of ENV) savedEnv[name] = process.env[name];
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({
    starter: { requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 },
    core: { requestsPerMinute: 100_000, messagesPerMonth: 1 },
  });
  model = await startOpenAiServer();
  process.env.LLM_BASE_URL = model.url;
  process.env.LLM_MODEL = "fixture";
  process.env.LLM_TIMEOUT_MS = "400";
  delete process.env.LLM_API_KEY;
  h = await openTestDb();
  api = await startApiServer();
  builtin = await createTenant(h.db);
  llm = await createTenant(h.db, { engine: "llm" });
});
afterEach(() => {
  model.setMode("ok");
  process.env.LLM_TIMEOUT_MS = "400";
});
afterAll(async () => {
  setLogSink(null);
  await api?.close();
  await model?.close();
  await h?.close();
  for (const name of ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

const chat = (
  t: Pick<Tenant, "integrationId" | "apiKey">,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) => postChat(api.url, t.integrationId, t.apiKey, body, headers);
const messagesIn = (conversationId: string) => h.db.$count(messages, eq(messages.conversationId, conversationId));
const conversationsOf = (t: Tenant) => h.db.$count(conversations, eq(conversations.integrationId, t.integrationId));

function expectError(r: ApiReply, status: number, code: string) {
  expect({ status: r.status, body: r.body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(r.headers.get("x-request-id")).toMatch(/^req_/);
}

type SseEvent = { event: string; data: any };
/** Parses a text/event-stream body; comment lines (pings) are dropped. */
function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() && !block.startsWith(":"))
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))!.slice(7);
      const data = lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      return { event, data: JSON.parse(data) };
    });
}

describe("failed generation refunds the quota", () => {
  it("the model engine answers when it works (the baseline)", async () => {
    const used = await usedThisMonth(h.db, llm.workspaceId);
    const r = await chat(llm, { message: "What does Pro cost?" });
    expect(r.status).toBe(200);
    expect(r.body.reply).toMatch(/^Echo: What does Pro cost\? \| context: /);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used + 1);
  });

  it("a model that fails is 500 generation_failed, with the usage unchanged and nothing stored", async () => {
    model.setMode("fail");
    const used = await usedThisMonth(h.db, llm.workspaceId);
    const conversationsBefore = await conversationsOf(llm);
    const calls = model.requests.length;
    const r = await chat(llm, { message: "Hello" });
    expectError(r, 500, "generation_failed");
    expect(model.requests.length - calls).toBe(2); // one retry, then give up
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
    expect(await conversationsOf(llm)).toBe(conversationsBefore);
  });

  it("a model that fails in an existing conversation stores nothing in it", async () => {
    const first = await chat(llm, { message: "Hello" });
    model.setMode("fail");
    const used = await usedThisMonth(h.db, llm.workspaceId);
    expectError(
      await chat(llm, { message: "And then?", conversation_id: first.body.conversation_id }),
      500,
      "generation_failed",
    );
    expect(await messagesIn(first.body.conversation_id)).toBe(2);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
  });

  it("a model that hangs past LLM_TIMEOUT_MS is 500 generation_timeout, refunded", async () => {
    model.setMode("hang");
    process.env.LLM_TIMEOUT_MS = "300";
    const used = await usedThisMonth(h.db, llm.workspaceId);
    const started = performance.now();
    const r = await chat(llm, { message: "Hello" });
    expectError(r, 500, "generation_timeout");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
  });

  it("an empty model reply is generation_failed; a model that fails once is retried and charged once", async () => {
    model.setMode("empty");
    const used = await usedThisMonth(h.db, llm.workspaceId);
    expectError(await chat(llm, { message: "Hello" }), 500, "generation_failed");
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
    model.setMode("fail-once");
    expect((await chat(llm, { message: "Hello" })).status).toBe(200);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used + 1);
  });

  it("a refused conversation (404) is refunded too", async () => {
    const used = await usedThisMonth(h.db, builtin.workspaceId);
    expectError(await chat(builtin, { message: "hi", conversation_id: newId("conv") }), 404, "conversation_not_found");
    expect(await usedThisMonth(h.db, builtin.workspaceId)).toBe(used);
  });

  it("with the last message of the quota, a failure gives it back so the next request can use it", async () => {
    const t = await createTenant(h.db, { plan: "core", engine: "llm", knowledge: false }); // 1 message a month
    model.setMode("fail");
    expectError(await chat(t, { message: "Hello" }), 500, "generation_failed");
    model.setMode("ok");
    expect((await chat(t, { message: "Hello" })).status).toBe(200);
    expectError(await chat(t, { message: "Hello" }), 429, "quota_exceeded");
  });
});

describe("Idempotency-Key", () => {
  it("the same key and body return the first response, charged once, marked as replayed", async () => {
    const used = await usedThisMonth(h.db, builtin.workspaceId);
    const body = { message: "Do you ship to Canada?", user_id: "idem-1" };
    const first = await chat(builtin, body, { "Idempotency-Key": "order-42" });
    const second = await chat(builtin, body, { "Idempotency-Key": "order-42" });
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    // a replay spends no rate limit, and still says where the limit stands
    expect(second.headers.get("x-ratelimit-limit")).toBe(first.headers.get("x-ratelimit-limit"));
    expect(Number(second.headers.get("x-ratelimit-remaining"))).toBeGreaterThanOrEqual(
      Number(first.headers.get("x-ratelimit-remaining")),
    );
    expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(await usedThisMonth(h.db, builtin.workspaceId)).toBe(used + 1);
    expect(await messagesIn(first.body.conversation_id)).toBe(2);
  });

  it("the same key with a different body is 422 idempotency_key_reused, charged nothing", async () => {
    await chat(builtin, { message: "first" }, { "Idempotency-Key": "reuse-1" });
    const used = await usedThisMonth(h.db, builtin.workspaceId);
    expectError(
      await chat(builtin, { message: "second" }, { "Idempotency-Key": "reuse-1" }),
      422,
      "idempotency_key_reused",
    );
    expectError(
      await chat(builtin, { message: "first", user_id: "x" }, { "Idempotency-Key": "reuse-1" }),
      422,
      "idempotency_key_reused",
    );
    expect(await usedThisMonth(h.db, builtin.workspaceId)).toBe(used);
  });

  it("keys are per integration, and a malformed key is a 400", async () => {
    const other = await createTenant(h.db, { knowledge: false });
    const a = await chat(builtin, { message: "hi" }, { "Idempotency-Key": "shared" });
    const b = await chat(other, { message: "hi" }, { "Idempotency-Key": "shared" });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    expect(b.body.conversation_id).not.toBe(a.body.conversation_id);
    expectError(
      await chat(builtin, { message: "hi" }, { "Idempotency-Key": "k".repeat(256) }),
      400,
      "invalid_idempotency_key",
    );
    expectError(
      await chat(builtin, { message: "hi" }, { "Idempotency-Key": "has space" }),
      400,
      "invalid_idempotency_key",
    );
  });

  it("concurrent duplicates run exactly one generation", async () => {
    model.setMode("slow");
    model.setDelayMs(300);
    const used = await usedThisMonth(h.db, llm.workspaceId);
    const conversationsBefore = await conversationsOf(llm);
    const calls = model.requests.length;
    const body = { message: "Concurrent hello" };
    const rs = await Promise.all(Array.from({ length: 20 }, () => chat(llm, body, { "Idempotency-Key": "dup-1" })));
    const ok = rs.filter((r) => r.status === 200);
    const busy = rs.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) {
      expect(r.body.error.code).toBe("idempotency_in_progress");
      expect(r.headers.get("retry-after")).toBe("1");
    }
    expect(new Set(ok.map((r) => r.body.conversation_id)).size).toBe(1);
    expect(model.requests.length - calls).toBe(1);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used + 1);
    expect(await conversationsOf(llm)).toBe(conversationsBefore + 1);
    // once it is done, a retry is a replay of the one answer
    const later = await chat(llm, body, { "Idempotency-Key": "dup-1" });
    expect(later.headers.get("idempotent-replayed")).toBe("true");
    expect(later.body.conversation_id).toBe(ok[0]!.body.conversation_id);
  });

  it("a failed generation frees the key: the retry runs (and is charged) once", async () => {
    model.setMode("fail");
    const used = await usedThisMonth(h.db, llm.workspaceId);
    expectError(await chat(llm, { message: "retry me" }, { "Idempotency-Key": "retry-1" }), 500, "generation_failed");
    model.setMode("ok");
    const retried = await chat(llm, { message: "retry me" }, { "Idempotency-Key": "retry-1" });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used + 1);
  });

  it("a definite refusal (404) is remembered; a 429 is not", async () => {
    const missing = { message: "hi", conversation_id: newId("conv") };
    expectError(await chat(builtin, missing, { "Idempotency-Key": "gone-1" }), 404, "conversation_not_found");
    const replay = await chat(builtin, missing, { "Idempotency-Key": "gone-1" });
    expectError(replay, 404, "conversation_not_found");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");

    const capped = await createTenant(h.db, { plan: "core", knowledge: false });
    expect((await chat(capped, { message: "use it up" })).status).toBe(200);
    expectError(await chat(capped, { message: "hi" }, { "Idempotency-Key": "later-1" }), 429, "quota_exceeded");
    await h.db.update(usage).set({ used: 0 }).where(eq(usage.workspaceId, capped.workspaceId));
    const after = await chat(capped, { message: "hi" }, { "Idempotency-Key": "later-1" });
    expect(after.status).toBe(200);
    expect(after.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe('"stream": true', () => {
  it("sends start, deltas and end, where end is the JSON response's object", async () => {
    const used = await usedThisMonth(h.db, builtin.workspaceId);
    const r = await chat(builtin, { message: "What are your support hours?", stream: true });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
    expect(r.headers.get("x-ratelimit-limit")).toBe("100000");
    const events = parseSse(r.text);
    expect(events[0]!.event).toBe("start");
    expect(events.at(-1)!.event).toBe("end");
    const deltas = events.filter((e) => e.event === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.slice(1, -1).every((e) => e.event === "delta")).toBe(true);
    const end = events.at(-1)!.data;
    expect(end).toEqual({
      reply: expect.stringMatching(/8am to 8pm/),
      conversation_id: events[0]!.data.conversation_id,
      message_id: expect.stringMatching(/^msg_/),
      handoff: false,
    });
    expect(deltas.map((d) => d.data.text).join("")).toBe(end.reply);
    expect(await usedThisMonth(h.db, builtin.workspaceId)).toBe(used + 1);
    expect(await messagesIn(end.conversation_id)).toBe(2);
    // the streamed conversation resumes like any other
    const next = await chat(builtin, { message: "And on Saturdays?", conversation_id: end.conversation_id });
    expect(next.body.conversation_id).toBe(end.conversation_id);
  });

  it("streams the model's deltas as they come", async () => {
    const r = await chat(llm, { message: "Stream please", stream: true });
    const events = parseSse(r.text);
    const deltas = events.filter((e) => e.event === "delta").map((e) => e.data.text as string);
    const end = events.at(-1)!;
    expect(end.event).toBe("end");
    expect(end.data.reply).toMatch(/^Echo: Stream please \| context: /);
    expect(deltas.join("").trim()).toBe(end.data.reply);
    expect(deltas.length).toBeGreaterThan(3); // the fixture sends 8 characters at a time
  });

  it("refusals before the stream starts are ordinary JSON errors", async () => {
    expectError(
      await chat(builtin, { message: "hi", stream: true, conversation_id: newId("conv") }),
      404,
      "conversation_not_found",
    );
    expectError(
      await postChat(api.url, builtin.integrationId, "sk-bad", { message: "hi", stream: true }),
      401,
      "invalid_api_key",
    );
  });

  it("a model failure after the stream started is an error event, and the quota is refunded", async () => {
    for (const [mode, code] of [
      ["fail", "generation_failed"],
      ["empty", "generation_failed"],
      ["hang", "generation_timeout"],
    ] as const) {
      model.setMode(mode);
      const used = await usedThisMonth(h.db, llm.workspaceId);
      const conversationsBefore = await conversationsOf(llm);
      const r = await chat(llm, { message: "Hello", stream: true });
      expect(r.status).toBe(200);
      const events = parseSse(r.text);
      expect(events.map((e) => e.event)).toEqual(["start", "error"]);
      expect(events[1]!.data).toEqual({ error: { code, message: expect.any(String) } });
      expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
      expect(await conversationsOf(llm)).toBe(conversationsBefore);
    }
  });

  it("a model that breaks off mid-reply: deltas, then an error event, a refund and nothing stored", async () => {
    const broken = await startBreakingModel();
    process.env.LLM_BASE_URL = broken.url;
    try {
      const used = await usedThisMonth(h.db, llm.workspaceId);
      const conversationsBefore = await conversationsOf(llm);
      const r = await chat(llm, { message: "Hello", stream: true });
      const events = parseSse(r.text);
      expect(events[0]!.event).toBe("start");
      expect(
        events
          .filter((e) => e.event === "delta")
          .map((e) => e.data.text)
          .join(""),
      ).toBe("The first half ");
      expect(events.at(-1)).toEqual({
        event: "error",
        data: { error: { code: "generation_failed", message: expect.any(String) } },
      });
      expect(events.some((e) => e.event === "end")).toBe(false);
      expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used);
      expect(await conversationsOf(llm)).toBe(conversationsBefore);
    } finally {
      process.env.LLM_BASE_URL = model.url;
      await broken.close();
    }
  });

  it("a client that hangs up mid-stream stops the model, and its message is refunded", async () => {
    model.setMode("hang");
    process.env.LLM_TIMEOUT_MS = "20000"; // the hang-up, not the deadline, must end it
    const used = await usedThisMonth(h.db, llm.workspaceId);
    const calls = model.requests.length;
    const abort = new AbortController();
    const res = await fetch(`${api.url}/chat/custom/${llm.integrationId}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": llm.apiKey },
      body: JSON.stringify({ message: "Hello", stream: true }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^event: start\n/);
    expect(await usedThisMonth(h.db, llm.workspaceId)).toBe(used + 1); // charged while it runs
    await expect.poll(() => model.requests.length - calls).toBe(1);
    abort.abort();
    await expect.poll(() => usedThisMonth(h.db, llm.workspaceId), { timeout: 5_000 }).toBe(used);
  });

  it("an idempotent stream is replayed as a stream with the same end object, charged once", async () => {
    const used = await usedThisMonth(h.db, builtin.workspaceId);
    const body = { message: "Do you ship to Canada?", stream: true };
    const first = await chat(builtin, body, { "Idempotency-Key": "stream-1" });
    const second = await chat(builtin, body, { "Idempotency-Key": "stream-1" });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(parseSse(second.text).at(-1)).toEqual(parseSse(first.text).at(-1));
    expect(await usedThisMonth(h.db, builtin.workspaceId)).toBe(used + 1);
  });

  it("a handoff answered as a stream completes its Idempotency-Key like any other answer", async () => {
    const started = await chat(builtin, { message: "I need a person" });
    const id = started.body.conversation_id;
    await h.db.update(conversations).set({ status: "human_active" }).where(eq(conversations.id, id));
    const body = { message: "Hello?", conversation_id: id, stream: true };
    const first = await chat(builtin, body, { "Idempotency-Key": "handoff-stream-1" });
    expect(parseSse(first.text).at(-1)!.data).toMatchObject({ handoff: true, conversation_id: id });
    const retry = await chat(builtin, body, { "Idempotency-Key": "handoff-stream-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(parseSse(retry.text).at(-1)).toEqual(parseSse(first.text).at(-1));
    expect(await messagesIn(id)).toBe(3); // the user's message is stored once
  });
});

/** An OpenAI-compatible endpoint that streams "The first half " and then drops the connection. */
async function startBreakingModel(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (content: string) =>
        `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "fixture", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
      res.write(chunk("The first "));
      res.write(chunk("half "));
      setTimeout(() => res.destroy(), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("Idempotency-Key after a crash", () => {
  it("a claim left running by a process that died is taken over after two minutes", async () => {
    const { sql } = await import("drizzle-orm");
    const body = { message: "Do you ship to Canada?" };
    // what a crash mid-request leaves behind: a claim with no outcome
    const { createHash } = await import("node:crypto");
    await h.db.execute(sql`insert into idempotency_keys (integration_id, key, request_hash, created_at)
      values (${builtin.integrationId}, 'crashed-1', ${createHash("sha256").update(JSON.stringify(body)).digest("hex")}, now() - interval '10 seconds')`);
    expect((await chat(builtin, body, { "Idempotency-Key": "crashed-1" })).status).toBe(409);
    await h.db.execute(
      sql`update idempotency_keys set created_at = now() - interval '3 minutes' where key = 'crashed-1'`,
    );
    const retried = await chat(builtin, body, { "Idempotency-Key": "crashed-1" });
    expect(retried.status).toBe(200);
    expect(retried.body.reply).toMatch(/Canada/);
  });
});
