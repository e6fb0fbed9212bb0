import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { invalidateApiAuth } from "@/db/queries/api-auth-cache";
import { bots } from "@/db/schema";
import { safeForConsole, setLogSink } from "@/lib/log";
import { createTenant, postChat, startApiServer, type ApiServer, type Tenant } from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";
import { setEnv } from "./fixtures/env";
import { openTestDb } from "./db";

/**
 * Issue 13, finding 6: an end user's message reached the logs inside a failed statement's parameters
 * (drizzle puts them in its error's message). Every request here carries a marker in its message and
 * keys in its headers; the captured log lines (and what Next would print through console.error) are
 * searched for the markers and for anything shaped like a key. Finding 8's aborted bodies are logged
 * as aborted (499), not as 500.
 */

const MARKERS = ["aurora-7731-kumquat", "zephyr-0042-quince", "nimbus-9911-loquat"];
const KEY_SHAPE = /sk-[a-z]{1,16}_[0-9A-Za-z]{38}/;
const LLM_KEY = "llm-secret-key-do-not-log-5150";

let h: DbHandle;
let server: ApiServer;
let model: OpenAiServer;
let tenant: Tenant;
const lines: string[] = [];
let restoreEnv: () => void;

beforeAll(async () => {
  setLogSink((line) => lines.push(line));
  model = await startOpenAiServer();
  restoreEnv = setEnv({
    PARLEY_LOG: undefined,
    LLM_BASE_URL: model.url,
    LLM_MODEL: "test-model",
    LLM_API_KEY: LLM_KEY,
  });
  h = await openTestDb();
  tenant = await createTenant(h.db);
  server = await startApiServer();
  // A statement that fails with the customer's message among its parameters, as one did in the outage.
  await h.db.execute(sql`create function parley_test_refuse() returns trigger language plpgsql as $$
    begin
      if new.content like '%refuse-me%' then raise exception 'refused by a test trigger'; end if;
      return new;
    end $$`);
  await h.db.execute(
    sql`create trigger parley_test_refuse before insert on messages for each row execute function parley_test_refuse()`,
  );
});

afterAll(async () => {
  await server?.close();
  await h?.close();
  await model?.close();
  setLogSink(null);
  restoreEnv?.();
});

/** Sends headers and part of a body, then goes away. */
function abortMidBody(url: string, path: string, apiKey: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nx-api-key: ${apiKey}\r\nContent-Length: 5000\r\n\r\n{"message":"${MARKERS[2]}`,
      );
      setTimeout(() => socket.destroy(), 200);
    });
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
}

async function until(done: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const events = (event: string) =>
  lines
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === event);

describe("logs carry no message text and no keys (issue 13, findings 6 and 8)", () => {
  it("a failed statement, refusals, a failed model and an aborted body are logged without the customer's words or keys", async () => {
    const { integrationId, apiKey } = tenant;
    // A reply, and a failed statement whose parameters hold the message.
    expect(
      (await postChat(server.url, integrationId, apiKey, { message: `${MARKERS[0]} when are you open?` })).status,
    ).toBe(200);
    const failed = await postChat(server.url, integrationId, apiKey, { message: `refuse-me ${MARKERS[0]}` });
    expect(failed.status).toBe(500);
    // Keys: another integration's well-formed key, a key typed into a message, the model's key.
    const wrongKey = `sk-parley_${"A".repeat(38)}`;
    expect((await postChat(server.url, integrationId, wrongKey, { message: MARKERS[1] })).status).toBe(401);
    expect(
      (await postChat(server.url, integrationId, apiKey, { message: `my key is ${apiKey} ${MARKERS[1]}` })).status,
    ).toBe(200);
    // The model fails, streamed and not.
    await h.db.update(bots).set({ engine: "llm" }).where(eq(bots.id, tenant.botId));
    invalidateApiAuth(integrationId);
    model.setMode("fail");
    try {
      expect((await postChat(server.url, integrationId, apiKey, { message: MARKERS[1] })).status).toBe(500);
      const streamed = await postChat(server.url, integrationId, apiKey, { message: MARKERS[1], stream: true });
      expect(streamed.text).toContain("event: error");
    } finally {
      model.setMode("ok");
      await h.db.update(bots).set({ engine: "builtin" }).where(eq(bots.id, tenant.botId));
    }
    // A client that goes away mid-body.
    await abortMidBody(server.url, `/chat/custom/${integrationId}`, apiKey);
    await until(() => events("chat_api").some((l) => l.code === "client_aborted"), "the aborted request's line");
    // What Next would print for a failed statement in a server action.
    let thrown: unknown;
    try {
      await h.db.execute(
        sql`insert into messages (id, conversation_id, role, content) values ('msg_x', 'conv_x', 'user', ${`refuse-me ${MARKERS[2]}`})`,
      );
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).toContain(MARKERS[2]); // drizzle's own message does carry it…
    const printed = safeForConsole(thrown) as Error;
    lines.push(`${printed.message}\n${printed.stack}`); // …what is printed does not

    const all = lines.join("\n");
    expect(lines.length).toBeGreaterThan(8);
    for (const marker of MARKERS) expect(all, marker).not.toContain(marker);
    expect(all).not.toContain("refuse-me");
    expect(all).not.toMatch(KEY_SHAPE);
    expect(all).not.toContain(LLM_KEY);

    // And the lines still say what happened.
    const chat = events("chat_api");
    expect(chat.find((l) => l.status === 500 && l.error_code === "P0001")).toMatchObject({ code: "internal_error" });
    expect(chat.find((l) => l.code === "client_aborted")).toMatchObject({ status: 499 });
    expect(chat.some((l) => l.status === 500 && l.code === "generation_failed")).toBe(true);
    expect(events("chat_api_stream_error").some((l) => l.code === "generation_failed")).toBe(true);
    expect(printed.message).toContain("refused by a test trigger");
  });
});
