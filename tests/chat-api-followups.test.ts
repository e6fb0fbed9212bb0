/**
 * Follow-ups and thanks through the whole Chat API pipeline (issue 17, items 5 and 8): the built-in engine
 * resolves a follow-up from the conversation's memory and never sends the same reply twice in a row; with a
 * model, the follow-up is first condensed into a standalone question (one short call to the OpenAI-compatible
 * fixture server) that retrieval searches, and a condensation that hangs falls back to the raw question.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { bots } from "@/db/schema";
import { generateReply } from "@/lib/chat/reply";
import { CONDENSE_SYSTEM } from "@/lib/engine/condense";
import { fullTextRetriever, type Retriever } from "@/lib/knowledge/retrieve";
import { setLogSink } from "@/lib/log";
import { eq } from "drizzle-orm";
import { openTestDb } from "./db";
import { createTenant, postChat, startApiServer, type ApiServer, type Tenant } from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";

let h: DbHandle;
let api: ApiServer;
let model: OpenAiServer;
let builtin: Tenant;
let llm: Tenant;
const savedEnv: Record<string, string | undefined> = {};
const ENV = ["PARLEY_PLAN_LIMITS", "LLM_BASE_URL", "LLM_MODEL", "LLM_TIMEOUT_MS", "LLM_API_KEY"] as const;

beforeAll(async () => {
  setLogSink(() => {});
  for (const name of ENV) savedEnv[name] = process.env[name];
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({ starter: { requestsPerMinute: 100_000, messagesPerMonth: 1e6 } });
  model = await startOpenAiServer();
  process.env.LLM_BASE_URL = model.url;
  process.env.LLM_MODEL = "fixture";
  process.env.LLM_TIMEOUT_MS = "2000";
  delete process.env.LLM_API_KEY;
  h = await openTestDb();
  api = await startApiServer();
  builtin = await createTenant(h.db);
  llm = await createTenant(h.db, { engine: "llm" });
});
afterEach(() => {
  model.setMode("ok");
  model.setCondenseMode("ok");
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

const chat = (t: Tenant, body: Record<string, unknown>) => postChat(api.url, t.integrationId, t.apiKey, body);

describe("follow-ups with the built-in engine", () => {
  it("answers 'How much does it cost?' from the subject of the previous turn", async () => {
    const first = await chat(builtin, { message: "Tell me about the Pro plan" });
    expect(first.status).toBe(200);
    const next = await chat(builtin, {
      message: "How much does it cost?",
      conversation_id: first.body.conversation_id,
    });
    expect(next.body.reply).toMatch(/\$149 per month/);
    expect(next.body.reply).not.toMatch(/\$19 |\$49 |\$499/);
  });

  it("resolves ellipsis ('And on Saturdays?') and never sends the previous reply again word for word", async () => {
    const first = await chat(builtin, { message: "What are your support hours?" });
    expect(first.body.reply).toMatch(/Monday to Friday from 8am to 8pm/);
    const next = await chat(builtin, { message: "And on Saturdays?", conversation_id: first.body.conversation_id });
    expect(next.body.reply).toMatch(/Saturdays from 10am to 4pm/);
    expect(next.body.reply).not.toBe(first.body.reply);
    const again = await chat(builtin, { message: "And on Saturdays?", conversation_id: first.body.conversation_id });
    expect(again.body.reply).not.toBe(next.body.reply);
  });

  it("thanks a customer who shares contact details by name, before the answer", async () => {
    const r = await chat(builtin, { message: "I'm Ada Lovelace, ada@example.com. How much is the Pro plan?" });
    expect(r.status).toBe(200);
    expect(r.body.reply).toMatch(/^Thank you, Ada! Pro costs \$149 per month/);
  });
});

describe("follow-ups with a model: condensed into a standalone question first", () => {
  it("sends one condensation call with the conversation, and retrieval searches its standalone question", async () => {
    const first = await chat(llm, { message: "Tell me about returns" });
    expect(first.status).toBe(200);
    const calls = model.requests.length;
    const next = await chat(llm, { message: "How long does it take?", conversation_id: first.body.conversation_id });
    expect(next.status).toBe(200);
    const [condense, answer] = model.requests.slice(calls);
    expect(model.requests.length - calls).toBe(2);
    expect(condense!.body.messages[0]).toEqual({ role: "system", content: CONDENSE_SYSTEM });
    expect(condense!.body.messages[1].content).toContain("Customer: Tell me about returns");
    expect(condense!.body.messages[1].content).toMatch(/Last message: How long does it take\?$/);
    // The model answers the customer's own words, with the knowledge found for the standalone question.
    expect(next.body.reply).toMatch(/^Echo: How long does it take\? \| context: \[1\] Returns and refunds/);
    expect(answer!.body.messages.at(-1)).toEqual({ role: "user", content: "How long does it take?" });
  });

  it("a condensation that hangs falls back to the raw question, and the reply still comes", async () => {
    const first = await chat(llm, { message: "Tell me about returns" });
    model.setCondenseMode("hang");
    const next = await chat(llm, { message: "What about refunds?", conversation_id: first.body.conversation_id });
    expect(next.status).toBe(200);
    expect(next.body.reply).toMatch(/^Echo: What about refunds\? \| context: /);
  });

  it("a later message that names its own subject is searched as written, without a condensation call", async () => {
    const first = await chat(llm, { message: "Tell me about returns" });
    const calls = model.requests.length;
    const next = await chat(llm, {
      message: "What does the Pro plan cost per month?",
      conversation_id: first.body.conversation_id,
    });
    expect(next.status).toBe(200);
    expect(model.requests.length - calls).toBe(1);
    expect(model.requests.at(-1)!.body.messages[0].content).not.toBe(CONDENSE_SYSTEM);
  });

  it("a new conversation makes no condensation call", async () => {
    const calls = model.requests.length;
    await chat(llm, { message: "What does Pro cost?" });
    expect(model.requests.length - calls).toBe(1);
  });

  it("generateReply hands retrieval the standalone question", async () => {
    const [bot] = await h.db.select().from(bots).where(eq(bots.id, llm.botId));
    const queries: string[] = [];
    const retriever: Retriever = {
      retrieve(db, query) {
        queries.push(query.query);
        return fullTextRetriever.retrieve(db, query);
      },
    };
    await generateReply(h.db, {
      bot: bot!,
      message: "And on Saturdays?",
      history: [
        { role: "user", content: "When is support available?" },
        { role: "assistant", content: "Monday to Friday from 8am to 8pm." },
      ],
      retriever,
    });
    expect(queries).toEqual(["And on Saturdays? (When is support available?)"]);
  });
});
