/**
 * The three clients of API.md, as separate processes, against the fixture server: cURL (the documented
 * flags), JavaScript (the documented `chat` function under plain `node`) and Python (the documented
 * `chat` with `requests`). Each asks a question and a follow-up in the conversation it got back.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { conversations, messages } from "@/db/schema";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, usedThisMonth, type ApiServer, type Tenant } from "./fixtures/api-server";

const run = promisify(execFile);
const CLIENTS = path.join(import.meta.dirname, "clients");

let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
});
afterAll(async () => {
  await suite?.close();
});

type ChatResponse = { reply: string; conversation_id: string; message_id: string; handoff: boolean };

/** Runs a client with ENDPOINT and API_KEY (async: the server answering it lives in this process). */
async function runClient(command: string, args: string[], apiKey = acme.apiKey) {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ENDPOINT: `${api.url}/chat/custom/${acme.integrationId}`,
    API_KEY: apiKey,
    NO_PROXY: "127.0.0.1,localhost", // a developer's proxy settings must not route loopback away
    no_proxy: "127.0.0.1,localhost",
  };
  return run(command, args, { env, cwd: CLIENTS, timeout: 30_000 });
}

/** Two JSON lines, one per call: both successes, in one conversation, which the database holds in full. */
async function expectConversation(stdout: string): Promise<[ChatResponse, ChatResponse]> {
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(2);
  const [first, second] = lines.map((l) => JSON.parse(l) as ChatResponse) as [ChatResponse, ChatResponse];
  for (const r of [first, second]) {
    expect(r).toMatchObject({
      conversation_id: expect.stringMatching(/^conv_/),
      message_id: expect.stringMatching(/^msg_/),
      handoff: false,
    });
    expect(r.reply.length).toBeGreaterThan(0);
  }
  expect(second.conversation_id).toBe(first.conversation_id);
  const rows = await h.db
    .select({ role: messages.role })
    .from(messages)
    .where(eq(messages.conversationId, first.conversation_id));
  expect(rows).toHaveLength(4);
  return [first, second];
}

describe("the documented clients, unchanged", () => {
  it("cURL: the exact documented command, then a follow-up with the conversation_id", async () => {
    const used = await usedThisMonth(h.db, acme.workspaceId);
    const { stdout } = await runClient("sh", ["curl.sh"]);
    const [first, second] = await expectConversation(stdout);
    expect(first.reply).toMatch(/Acme's assistant|help/i); // "Hello!" gets the greeting
    expect(second.reply).toMatch(/8am to 8pm/);
    const [row] = await h.db.select().from(conversations).where(eq(conversations.id, first.conversation_id));
    expect(row!.externalUserId).toBe("user_123");
    expect(await usedThisMonth(h.db, acme.workspaceId)).toBe(used + 2);
  });

  it("JavaScript: the documented chat() under plain node; the follow-up remembers the plan", async () => {
    const { stdout } = await runClient("node", ["node-client.mjs"]);
    const [first, second] = await expectConversation(stdout);
    expect(first.reply).toMatch(/Pro/);
    expect(second.reply).toContain("$149");
  });

  it("JavaScript: a bad key makes chat() throw the documented error", async () => {
    const failed = await runClient("node", ["node-client.mjs"], "sk-parley_wrong").catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect("code" in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain("error: 401");
  });

  it("Python: the documented chat() with requests, conversation_id None on the first call", async () => {
    const { stdout } = await runClient("python3", ["python-client.py"]);
    const [first, second] = await expectConversation(stdout);
    expect(first.reply).toMatch(/Canada/);
    expect(second.reply).toMatch(/1 to 2 business days/);
  });

  it("Python: raise_for_status() raises on a bad key", async () => {
    const failed = await runClient("python3", ["python-client.py"], "sk-parley_wrong").catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect("code" in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/HTTPError: 401/);
  });
});
