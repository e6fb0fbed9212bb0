/**
 * Every step of a handoff is an event (issue 15): handoff.requested, handoff.accepted,
 * handoff.returned and handoff.resolved webhooks, in order per conversation, and an email to the
 * workspace's inbox workers when a conversation waits for a person (SMTP configured), sent by the
 * background notifier to a real local SMTP sink.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { replyAsTeamMember, resolveConversation, returnToBot, takeOverConversation } from "@/db/queries/handoff";
import { conversations, users, webhookDeliveries, webhooks } from "@/db/schema";
import { notifyWaitingConversations, startHandoffNotifier } from "@/lib/handoff/notify";
import { newId } from "@/lib/ids";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, postChat, type ApiServer, type Tenant } from "./fixtures/api-server";
import { startSmtpSink } from "./fixtures/smtp-sink";
import { addMember, createUser } from "./workspace-fixtures";

let h: DbHandle;
let api: ApiServer;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
});
afterEach(() => {
  delete process.env.SMTP_URL;
  delete process.env.PUBLIC_BASE_URL;
});
afterAll(async () => {
  await suite?.close();
});

const chat = (t: Tenant, body: Record<string, unknown>) => postChat(api.url, t.integrationId, t.apiKey, body);

async function tenantWithWebhook() {
  const t = await createTenant(h.db, { knowledge: false });
  await h.db.insert(webhooks).values({
    id: newId("wh"),
    workspaceId: t.workspaceId,
    url: "https://hooks.example.com/parley",
    secret: "s",
    events: [...WEBHOOK_EVENTS],
  });
  return t;
}

/** The conversation's queued events, in the order they will be delivered. */
async function events(conversationId: string) {
  const rows = await h.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.orderingKey, conversationId))
    .orderBy(asc(webhookDeliveries.id));
  return rows.map((r) => ({ event: r.event, data: (r.payload as { data: Record<string, unknown> }).data }));
}

describe("handoff webhooks", () => {
  it("requested, accepted, returned, requested again, resolved: one event per step, in order, each with its conversation", async () => {
    const t = await tenantWithWebhook();
    const scope = (conversationId: string) => ({ workspaceId: t.workspaceId, conversationId, userId: t.userId });
    const id = (await chat(t, { message: "I want to talk to a human", user_id: "cust-7" })).body.conversation_id;

    await takeOverConversation(h.db, scope(id));
    await takeOverConversation(h.db, scope(id)); // already theirs: nothing happens
    await returnToBot(h.db, scope(id));
    await returnToBot(h.db, scope(id)); // already the bot's: nothing happens
    await chat(t, { message: "agent please", conversation_id: id, user_id: "cust-7" });
    await resolveConversation(h.db, scope(id));

    const got = await events(id);
    expect(got.map((e) => e.event)).toEqual([
      "handoff.requested",
      "handoff.accepted",
      "handoff.returned",
      "handoff.requested",
      "handoff.resolved",
    ]);
    const about = { conversation_id: id, integration_id: t.integrationId, bot_id: t.botId, user_id: "cust-7" };
    expect(got[0]!.data).toEqual({ ...about, reason: "user_request" });
    expect(got[1]!.data).toEqual({ ...about, member_user_id: t.userId, previous_status: "handoff_requested" });
    expect(got[2]!.data).toEqual({ ...about, member_user_id: t.userId, previous_status: "human_active" });
    expect(got[4]!.data).toEqual({ ...about, member_user_id: t.userId, previous_status: "handoff_requested" });
  });

  it("a reply in a conversation the bot had accepts it first; a colleague's reply in a taken conversation does not", async () => {
    const t = await tenantWithWebhook();
    const colleague = await createUser(h.db, "colleague");
    await addMember(h.db, t.workspaceId, colleague.id, "member");
    const id = (await chat(t, { message: "Do you ship to Canada?" })).body.conversation_id;

    await replyAsTeamMember(h.db, { workspaceId: t.workspaceId, conversationId: id, userId: t.userId, content: "Hi!" });
    await replyAsTeamMember(h.db, {
      workspaceId: t.workspaceId,
      conversationId: id,
      userId: colleague.id,
      content: "Me too",
    });
    // Taking over from a colleague is a new acceptance, by the one who took it.
    await takeOverConversation(h.db, { workspaceId: t.workspaceId, conversationId: id, userId: colleague.id });

    const got = await events(id);
    expect(got.map((e) => e.event)).toEqual([
      "handoff.accepted",
      "message.created",
      "message.created",
      "handoff.accepted",
    ]);
    expect(got[0]!.data).toMatchObject({ member_user_id: t.userId, previous_status: "bot" });
    expect(got[3]!.data).toMatchObject({ member_user_id: colleague.id, previous_status: "human_active" });
  });

  it("another workspace's conversation id changes nothing and queues nothing", async () => {
    const t = await tenantWithWebhook();
    const other = await tenantWithWebhook();
    const id = (await chat(t, { message: "agent please" })).body.conversation_id;
    const foreign = { workspaceId: other.workspaceId, conversationId: id, userId: other.userId };
    expect(await takeOverConversation(h.db, foreign)).toBeNull();
    expect(await returnToBot(h.db, foreign)).toBeNull();
    expect(await resolveConversation(h.db, foreign)).toBeNull();
    expect((await events(id)).map((e) => e.event)).toEqual(["handoff.requested"]);
  });
});

describe("email to the team when a conversation waits for a person", () => {
  async function teamTenant() {
    const t = await createTenant(h.db, { knowledge: false });
    const member = await createUser(h.db, "agent");
    const viewer = await createUser(h.db, "viewer");
    await addMember(h.db, t.workspaceId, member.id, "member");
    await addMember(h.db, t.workspaceId, viewer.id, "viewer");
    const [owner] = await h.db.select().from(users).where(eq(users.id, t.userId));
    return { t, ownerEmail: owner!.email, member, viewer };
  }

  it("mails each member who works the inbox once, with a link to the conversation and the customer's words", async () => {
    const sink = await startSmtpSink();
    try {
      process.env.SMTP_URL = sink.url;
      process.env.PUBLIC_BASE_URL = "https://chat.example.com";
      await notifyWaitingConversations(h.db); // whatever other tests left waiting is mailed now
      sink.messages.length = 0;

      const { t, ownerEmail, member, viewer } = await teamTenant();
      const id = (await chat(t, { message: "Can I speak to a person about my <b>invoice</b>?", user_id: "cust-9" }))
        .body.conversation_id;

      const run = await notifyWaitingConversations(h.db);
      expect(run).toEqual({ conversations: 1, sent: 2, failed: 0 });
      expect(sink.messages.map((m) => m.to[0]).sort()).toEqual([ownerEmail, member.email].sort());
      expect(sink.messages.some((m) => m.to.includes(viewer.email))).toBe(false);
      for (const mail of sink.messages) {
        expect(mail.subject).toBe("A customer is waiting for a person: Acme Support");
        expect(mail.text).toContain(`https://chat.example.com/conversations/${id}`);
        expect(mail.text).toContain("Can I speak to a person about my <b>invoice</b>?");
        expect(mail.text).toContain("cust-9");
        expect(mail.html).toContain(`href="https://chat.example.com/conversations/${id}"`);
        expect(mail.html).toContain("&#60;b&#62;invoice&#60;/b&#62;"); // the customer's words are text, not markup
      }

      // Once per request: the next run sends nothing; a new request after it was resolved is mailed again.
      expect(await notifyWaitingConversations(h.db)).toEqual({ conversations: 0, sent: 0, failed: 0 });
      await resolveConversation(h.db, { workspaceId: t.workspaceId, conversationId: id, userId: t.userId });
      await chat(t, { message: "human please", conversation_id: id });
      expect((await notifyWaitingConversations(h.db)).sent).toBe(2);
      expect(sink.messages).toHaveLength(4);
    } finally {
      await sink.close();
    }
  });

  it("without SMTP nothing is sent or marked; an SMTP server that refuses is retried until one accepts", async () => {
    const { t } = await teamTenant();
    const id = (await chat(t, { message: "talk to a human" })).body.conversation_id;
    const notified = async () =>
      (await h.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.handoffNotifiedAt;

    expect(await notifyWaitingConversations(h.db)).toEqual({ conversations: 0, sent: 0, failed: 0 });
    expect(await notified()).toBeNull();

    process.env.SMTP_URL = "smtp://127.0.0.1:9"; // the discard port: nothing answers SMTP there
    await expect(notifyWaitingConversations(h.db)).rejects.toThrow(/could not be sent/);
    expect(await notified()).toBeNull(); // given back for the next try

    const sink = await startSmtpSink();
    try {
      process.env.SMTP_URL = sink.url;
      // The background loop (as lib/background.ts starts it) picks it up by itself.
      const stop = startHandoffNotifier({ getDb: async () => h.db, pollMs: 50 });
      try {
        const mails = await sink.waitFor(2, (m) => m.text.includes(`/conversations/${id}`));
        expect(mails).toHaveLength(2);
      } finally {
        await stop();
      }
      expect(await notified()).not.toBeNull();
    } finally {
      await sink.close();
    }
  });
});
