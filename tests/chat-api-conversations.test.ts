/**
 * Conversation rules of the Chat API (API.md "Conversation rules"): a conversation belongs to one
 * integration and keeps its user_id, ids are never minted silently, replies remember earlier turns,
 * a human-owned conversation is not answered by the bot, and the messages endpoint lists it all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { deleteIntegration } from "@/db/queries/integrations";
import { conversations, messages } from "@/db/schema";
import { newId } from "@/lib/ids";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import {
  addIntegration,
  createTenant,
  postChat,
  usedThisMonth,
  type ApiServer,
  type Tenant,
} from "./fixtures/api-server";

let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let other: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
  other = await createTenant(h.db, { knowledge: false });
});
afterAll(async () => {
  await suite?.close();
});

const chat = (t: Pick<Tenant, "integrationId" | "apiKey">, body: Record<string, unknown>) =>
  postChat(api.url, t.integrationId, t.apiKey, body);
const countConversations = () => h.db.$count(conversations);

/** A team member's message, stamped after the conversation's latest (clocks can tick in whole milliseconds). */
async function teamReply(conversationId: string, content: string) {
  await h.db.insert(messages).values({
    id: newId("msg"),
    conversationId,
    role: "agent",
    content,
    createdAt: sql`(select max(created_at) + interval '1 millisecond' from messages where conversation_id = ${conversationId})`,
  });
}

function expectNotFound(r: { status: number; body: any }) {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 404, code: "conversation_not_found" });
}

describe("conversation ownership", () => {
  it("a new conversation is returned on every success, the same id when resumed", async () => {
    const first = await chat(acme, { message: "Do you ship to Canada?" });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      reply: expect.stringMatching(/Canada/),
      conversation_id: expect.stringMatching(/^conv_[0-9A-Za-z]{22}$/),
      message_id: expect.stringMatching(/^msg_[0-9A-Za-z]{22}$/),
      handoff: false,
    });
    const second = await chat(acme, {
      message: "How long does express delivery take?",
      conversation_id: first.body.conversation_id,
    });
    expect(second.status).toBe(200);
    expect(second.body.conversation_id).toBe(first.body.conversation_id);
    expect(second.body.message_id).not.toBe(first.body.message_id);
    const [row] = await h.db.select().from(conversations).where(eq(conversations.id, first.body.conversation_id));
    expect(row).toMatchObject({
      integrationId: acme.integrationId,
      workspaceId: acme.workspaceId,
      channel: "api",
      externalUserId: null,
    });
  });

  it("null optional fields mean 'not given'; unknown fields are ignored", async () => {
    const r = await chat(acme, {
      message: "Hello!",
      user_id: null,
      conversation_id: null,
      stream: null,
      colour: "blue",
      metadata: { a: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.body.conversation_id).toMatch(/^conv_/);
    const resumed = await chat(acme, {
      message: "And returns?",
      conversation_id: r.body.conversation_id,
      user_id: null,
    });
    expect(resumed.body.conversation_id).toBe(r.body.conversation_id);
  });

  it("an unknown conversation_id is 404 and no conversation is minted", async () => {
    const before = await countConversations();
    for (const conversation_id of [newId("conv"), "conv_doesnotexist", "anything", "c"]) {
      expectNotFound(await chat(acme, { message: "hi", conversation_id }));
    }
    expect(await countConversations()).toBe(before);
  });

  it("another integration's conversation is 404, also within the same workspace", async () => {
    const theirs = await chat(other, { message: "hi" });
    expectNotFound(await chat(acme, { message: "hi", conversation_id: theirs.body.conversation_id }));
    const sibling = await addIntegration(h.db, acme);
    const mine = await chat(acme, { message: "hi" });
    expectNotFound(await chat(sibling, { message: "hi", conversation_id: mine.body.conversation_id }));
    // and the refusals stored nothing in either conversation
    expect(await h.db.$count(messages, eq(messages.conversationId, theirs.body.conversation_id))).toBe(2);
    expect(await h.db.$count(messages, eq(messages.conversationId, mine.body.conversation_id))).toBe(2);
  });

  it("a conversation of a deleted and recreated integration is not reachable from the new one", async () => {
    const doomed = await addIntegration(h.db, acme);
    const r = await chat(doomed, { message: "hi" });
    await deleteIntegration(h.db, {
      workspaceId: acme.workspaceId,
      integrationId: doomed.integrationId,
      actorUserId: null,
    });
    const fresh = await addIntegration(h.db, acme);
    expectNotFound(await chat(fresh, { message: "hi", conversation_id: r.body.conversation_id }));
  });

  it("a conversation keeps its user_id: another one is 404, none is fine", async () => {
    const started = await chat(acme, { message: "hi", user_id: "user_123" });
    const id = started.body.conversation_id;
    const [row] = await h.db.select().from(conversations).where(eq(conversations.id, id));
    expect(row!.externalUserId).toBe("user_123");
    expectNotFound(await chat(acme, { message: "hi", conversation_id: id, user_id: "user_456" }));
    expectNotFound(await chat(acme, { message: "hi", conversation_id: id, user_id: "USER_123" }));
    expect((await chat(acme, { message: "hi", conversation_id: id, user_id: "user_123" })).status).toBe(200);
    expect((await chat(acme, { message: "hi", conversation_id: id })).status).toBe(200);
    expect((await chat(acme, { message: "hi", conversation_id: id, user_id: null })).status).toBe(200);
    const [after] = await h.db.select().from(conversations).where(eq(conversations.id, id));
    expect(after!.externalUserId).toBe("user_123"); // resuming without one did not clear it
    expectNotFound(await chat(acme, { message: "hi", conversation_id: id, user_id: "user_456" }));
  });

  it("a conversation started without a user_id cannot be claimed by one", async () => {
    const started = await chat(acme, { message: "hi" });
    expectNotFound(
      await chat(acme, { message: "hi", conversation_id: started.body.conversation_id, user_id: "user_123" }),
    );
  });

  it("a refused resume spends no quota", async () => {
    const used = await usedThisMonth(h.db, acme.workspaceId);
    expectNotFound(await chat(acme, { message: "hi", conversation_id: newId("conv") }));
    expect(await usedThisMonth(h.db, acme.workspaceId)).toBe(used);
  });
});

describe("memory", () => {
  it("a follow-up about cost, after asking about the Pro plan, answers with Pro pricing", async () => {
    const first = await chat(acme, { message: "Tell me about the Pro plan" });
    expect(first.body.reply).toMatch(/Pro/);
    const followUp = await chat(acme, {
      message: "How much does it cost?",
      conversation_id: first.body.conversation_id,
    });
    expect(followUp.status).toBe(200);
    expect(followUp.body.reply).toContain("$149");
    expect(followUp.body.reply).not.toContain("$19 ");
    expect(followUp.body.reply).not.toContain("$499");
    // the same question in a fresh conversation has no subject to borrow
    const cold = await chat(acme, { message: "How much does it cost?" });
    expect(cold.body.reply).not.toBe(followUp.body.reply);
  });

  it("the subject follows the conversation, not the integration: two interleaved conversations", async () => {
    const scale = await chat(acme, { message: "What does the Scale plan include?" });
    const starter = await chat(acme, { message: "What does the Starter plan include?" });
    const a = await chat(acme, { message: "How much does it cost?", conversation_id: scale.body.conversation_id });
    const b = await chat(acme, { message: "How much does it cost?", conversation_id: starter.body.conversation_id });
    expect(a.body.reply).toContain("$499");
    expect(b.body.reply).toContain("$19");
    expect(b.body.reply).not.toContain("$499");
  });

  it("every exchange is stored in order: user, assistant, user, assistant", async () => {
    const first = await chat(acme, { message: "What are your support hours?" });
    await chat(acme, { message: "Can I return an item?", conversation_id: first.body.conversation_id });
    const rows = await h.db
      .select({ role: messages.role, content: messages.content })
      .from(messages)
      .where(eq(messages.conversationId, first.body.conversation_id))
      .orderBy(messages.createdAt, messages.id);
    expect(rows.map((r) => r.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(rows[0]!.content).toBe("What are your support hours?");
    expect(rows[2]!.content).toBe("Can I return an item?");
    expect(rows[3]!.content).toMatch(/30 days/);
  });
});

describe("handoff: while a person owns the conversation the bot is silent", () => {
  it("stores the message, returns the team's undelivered replies once, and charges nothing", async () => {
    const started = await chat(acme, { message: "I need a human" });
    const id = started.body.conversation_id;
    await h.db.update(conversations).set({ status: "human_active" }).where(eq(conversations.id, id));
    const used = await usedThisMonth(h.db, acme.workspaceId);

    const quiet = await chat(acme, { message: "Hello?" });
    expect(quiet.body.handoff).toBe(false); // other conversations are unaffected

    const waiting = await chat(acme, { message: "Anyone there?", conversation_id: id });
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ handoff: true, reply: "", conversation_id: id });

    await teamReply(id, "Hi, this is Sam.");
    await teamReply(id, "How can I help?");
    const answered = await chat(acme, { message: "My order is late", conversation_id: id });
    expect(answered.body).toMatchObject({ handoff: true, reply: "Hi, this is Sam.\n\nHow can I help?" });
    const again = await chat(acme, { message: "Thanks", conversation_id: id });
    expect(again.body).toMatchObject({ handoff: true, reply: "" }); // delivered once

    // one bot reply charged (the "Hello?" in another conversation), none for the handoff turns
    expect(await usedThisMonth(h.db, acme.workspaceId)).toBe(used + 1);
    const roles = await h.db
      .select({ role: messages.role })
      .from(messages)
      .where(eq(messages.conversationId, id))
      .orderBy(messages.createdAt, messages.id);
    expect(roles.map((r) => r.role)).toEqual(["user", "assistant", "user", "agent", "agent", "user", "user"]);
  });
});

describe("GET …/conversations/:conversationId/messages", () => {
  const list = (
    t: Pick<Tenant, "integrationId">,
    conversationId: string,
    headers: Record<string, string>,
    query = "",
  ) => fetch(`${api.url}/chat/custom/${t.integrationId}/conversations/${conversationId}/messages${query}`, { headers });

  it("returns the conversation's messages in order", async () => {
    const first = await chat(acme, { message: "Do you ship to the UK?", user_id: "reader" });
    const id = first.body.conversation_id;
    await chat(acme, { message: "What does express cost?", conversation_id: id });
    await teamReply(id, "Sam here.");
    const res = await list(acme, id, { "x-api-key": acme.apiKey });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = (await res.json()) as {
      conversation_id: string;
      messages: { id: string; role: string; content: string; created_at: string }[];
    };
    expect(body.conversation_id).toBe(id);
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "agent"]);
    expect(body.messages[0]!.content).toBe("Do you ship to the UK?");
    expect(body.messages[1]!.id).toBe(first.body.message_id);
    expect(body.messages[2]!.content).toBe("What does express cost?");
    expect(body.messages[3]!.content).toContain("$18");
    const times = body.messages.map((m) => Date.parse(m.created_at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // user_id filter: the owner's id works, another is 404
    expect((await list(acme, id, { "x-api-key": acme.apiKey }, "?user_id=reader")).status).toBe(200);
    expect((await list(acme, id, { "x-api-key": acme.apiKey }, "?user_id=someone")).status).toBe(404);
  });

  it("follows the same key rules, and 404s another integration's or an unknown conversation", async () => {
    const mine = await chat(acme, { message: "hi" });
    const id = mine.body.conversation_id;
    const theirs = await chat(other, { message: "hi" });
    const expectCode = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("x-request-id")).toMatch(/^req_/);
      expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
    };
    await expectCode(await list(acme, id, {}), 401, "missing_api_key");
    await expectCode(await list(acme, id, { "x-api-key": other.apiKey }), 401, "invalid_api_key");
    await expectCode(
      await list({ integrationId: newId("int") }, id, { "x-api-key": acme.apiKey }),
      404,
      "integration_not_found",
    );
    await expectCode(
      await list(acme, theirs.body.conversation_id, { "x-api-key": acme.apiKey }),
      404,
      "conversation_not_found",
    );
    await expectCode(await list(acme, newId("conv"), { "x-api-key": acme.apiKey }), 404, "conversation_not_found");
    await expectCode(await list(other, id, { "x-api-key": other.apiKey }), 404, "conversation_not_found");
    const post = await fetch(`${api.url}/chat/custom/${acme.integrationId}/conversations/${id}/messages`, {
      method: "POST",
      headers: { "x-api-key": acme.apiKey },
    });
    expect(post.status).toBe(405);
    // nothing above touched the conversation
    expect(await h.db.$count(messages, eq(messages.conversationId, id))).toBe(2);
  });
});
