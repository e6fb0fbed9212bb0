/**
 * The team inbox: what it lists and in which order, the filters, the "waiting" count of the sidebar
 * badge, the fingerprint the pages poll, the transcript, and the handoff transitions the dashboard
 * actions run (db/queries/handoff.ts), including that another workspace's ids change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import {
  countWaitingConversations,
  getConversationDetail,
  inboxStamp,
  listFilterOptions,
  listInboxConversations,
} from "@/db/queries/inbox";
import { createIntegration } from "@/db/queries/integrations";
import { captureLead } from "@/db/queries/leads";
import { createWebhook } from "@/db/queries/webhooks";
import { auditLog, bots, conversations, messages, webhookDeliveries, type Conversation } from "@/db/schema";
import {
  replyAsTeamMember,
  requestHandoff,
  resolveConversation,
  returnToBot,
  takeOverConversation,
} from "@/db/queries/handoff";
import { newId } from "@/lib/ids";
import { parseInboxFilters } from "@/lib/validations/inbox";
import { openTestDb } from "./db";

type Tenant = { workspaceId: string; userId: string; botId: string; otherBotId: string; integrationId: string };

let h: DbHandle;
let mine: Tenant;
let theirs: Tenant;

async function tenant(label: string): Promise<Tenant> {
  const made = (await createUserWithWorkspace(h.db, {
    email: `${label}-${newId("usr").slice(4, 12).toLowerCase()}@example.com`,
    name: `${label} person`,
    passwordHash: "x",
    workspaceName: label,
  }))!;
  const [bot, otherBot] = await h.db
    .insert(bots)
    .values([
      { id: newId("bot"), workspaceId: made.workspace.id, name: `${label} support` },
      { id: newId("bot"), workspaceId: made.workspace.id, name: `${label} sales` },
    ])
    .returning();
  const integration = (await createIntegration(h.db, {
    workspaceId: made.workspace.id,
    botId: bot!.id,
    name: `${label} website`,
    actorUserId: made.user.id,
  }))!;
  return {
    workspaceId: made.workspace.id,
    userId: made.user.id,
    botId: bot!.id,
    otherBotId: otherBot!.id,
    integrationId: integration.integration.id,
  };
}

/** A conversation with messages, its last activity `minutesAgo` in the past. */
async function conversation(
  t: Tenant,
  opts: {
    status?: Conversation["status"];
    minutesAgo: number;
    roles?: ("user" | "assistant" | "agent")[];
    botId?: string;
    channel?: "api" | "test";
    userId?: string;
  },
) {
  const id = newId("conv");
  const at = new Date(Date.now() - opts.minutesAgo * 60_000);
  await h.db.insert(conversations).values({
    id,
    workspaceId: t.workspaceId,
    botId: opts.botId ?? t.botId,
    integrationId: opts.channel === "test" ? null : t.integrationId,
    channel: opts.channel ?? "api",
    externalUserId: opts.userId ?? null,
    status: opts.status ?? "bot",
    createdAt: at,
    lastMessageAt: at,
  });
  const roles = opts.roles ?? ["user", "assistant"];
  for (const [i, role] of roles.entries()) {
    await h.db.insert(messages).values({
      id: newId("msg"),
      conversationId: id,
      role,
      content: `${role} message ${i}`,
      sources: role === "assistant" ? [{ sourceId: "src_1", title: "Pricing", chunkId: 1, score: 0.9 }] : null,
      createdAt: new Date(at.getTime() - (roles.length - i) * 1000),
    });
  }
  return id;
}

beforeAll(async () => {
  h = await openTestDb();
  mine = await tenant("mine");
  theirs = await tenant("theirs");
});
afterAll(async () => {
  await h?.close();
});

describe("the inbox list", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {
      recentBot: await conversation(mine, { minutesAgo: 1, userId: "user_recent" }),
      resolved: await conversation(mine, { status: "resolved", minutesAgo: 2 }),
      waitingOld: await conversation(mine, {
        status: "handoff_requested",
        minutesAgo: 90,
        roles: ["user", "assistant", "user"],
      }),
      activeCustomerLast: await conversation(mine, {
        status: "human_active",
        minutesAgo: 30,
        roles: ["user", "agent", "user"],
      }),
      activeTeamLast: await conversation(mine, { status: "human_active", minutesAgo: 20, roles: ["user", "agent"] }),
      waitingNew: await conversation(mine, { status: "handoff_requested", minutesAgo: 10, botId: mine.otherBotId }),
      testChat: await conversation(mine, { minutesAgo: 3 * 24 * 60, channel: "test" }),
      theirsWaiting: await conversation(theirs, { status: "handoff_requested", minutesAgo: 0 }),
    };
  });

  it("lists only the workspace's conversations, those with the team first, then by latest activity", async () => {
    const rows = await listInboxConversations(h.db, { workspaceId: mine.workspaceId });
    expect(rows.map((r) => r.id)).toEqual([
      ids.waitingNew,
      ids.waitingOld,
      ids.activeTeamLast,
      ids.activeCustomerLast,
      ids.recentBot,
      ids.resolved,
      ids.testChat,
    ]);
    const recent = rows.find((r) => r.id === ids.recentBot)!;
    expect(recent).toMatchObject({
      externalUserId: "user_recent",
      integrationName: "mine website",
      botName: "mine support",
      messageCount: 2,
      waiting: false,
    });
    expect(recent.lastMessage).toEqual({ role: "assistant", content: "assistant message 1" });
  });

  it("counts as waiting: handed off and not taken, or taken with the customer writing last", async () => {
    const rows = await listInboxConversations(h.db, { workspaceId: mine.workspaceId });
    expect(
      rows
        .filter((r) => r.waiting)
        .map((r) => r.id)
        .sort(),
    ).toEqual([ids.waitingNew, ids.waitingOld, ids.activeCustomerLast].sort());
    expect(await countWaitingConversations(h.db, mine.workspaceId)).toBe(3);
    expect(await countWaitingConversations(h.db, theirs.workspaceId)).toBe(1);
  });

  it("filters by status, bot, integration, test chat, lead and date, from the URL's search params", async () => {
    const list = async (params: Record<string, string>) =>
      (await listInboxConversations(h.db, { workspaceId: mine.workspaceId, filters: parseInboxFilters(params) })).map(
        (r) => r.id,
      );
    expect(await list({ status: "handed_off" })).toEqual([
      ids.waitingNew,
      ids.waitingOld,
      ids.activeTeamLast,
      ids.activeCustomerLast,
    ]);
    expect(await list({ status: "resolved" })).toEqual([ids.resolved]);
    expect(await list({ bot: mine.otherBotId })).toEqual([ids.waitingNew]);
    expect(await list({ integration: "test" })).toEqual([ids.testChat]);
    expect((await list({ integration: mine.integrationId })).length).toBe(6);
    expect(await list({ integration: theirs.integrationId })).toEqual([]); // another workspace's integration: nothing
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(await list({ from: yesterday })).not.toContain(ids.testChat);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    expect(await list({ to: threeDaysAgo })).toEqual([ids.testChat]);

    expect(await list({ lead: "yes" })).toEqual([]);
    await captureLead(h.db, {
      workspaceId: mine.workspaceId,
      conversationId: ids.recentBot!,
      botId: mine.botId,
      integrationId: mine.integrationId,
      details: { email: "ada@example.com", name: "Ada Lovelace" },
    });
    expect(await list({ lead: "yes" })).toEqual([ids.recentBot]);
    expect(await list({ lead: "no" })).not.toContain(ids.recentBot);
    const [withLead] = await listInboxConversations(h.db, {
      workspaceId: mine.workspaceId,
      filters: { hasLead: true },
    });
    expect(withLead).toMatchObject({ leadName: "Ada Lovelace", leadEmail: "ada@example.com" });
  });

  it("ignores malformed filters instead of failing", () => {
    expect(
      parseInboxFilters({
        status: "deleted",
        bot: "x' or 1=1",
        integration: "int_short",
        lead: "maybe",
        from: "2026-02-30",
        to: "yesterday",
      }),
    ).toEqual({
      from: undefined,
      to: undefined,
    });
    expect(parseInboxFilters({ status: ["resolved", "bot"], from: "2026-02-28" })).toMatchObject({
      status: "resolved",
      from: "2026-02-28",
    });
  });

  it("offers the workspace's own bots and integrations as filters", async () => {
    const options = await listFilterOptions(h.db, mine.workspaceId);
    expect(options.bots.map((b) => b.name)).toEqual(["mine sales", "mine support"]);
    expect(options.integrations).toEqual([{ id: mine.integrationId, name: "mine website", deleted: false }]);
  });
});

describe("the transcript and its live fingerprint", () => {
  it("shows the conversation with messages in order, sources, authors and the lead; another workspace's id is missing", async () => {
    const id = await conversation(mine, {
      status: "handoff_requested",
      minutesAgo: 5,
      roles: ["user", "assistant", "user"],
    });
    await replyAsTeamMember(h.db, {
      workspaceId: mine.workspaceId,
      conversationId: id,
      userId: mine.userId,
      content: "Hi, this is the team.",
    });
    const detail = (await getConversationDetail(h.db, { workspaceId: mine.workspaceId, conversationId: id }))!;
    expect(detail.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "agent"]);
    expect(detail.messages[1]!.sources).toEqual([{ sourceId: "src_1", title: "Pricing", chunkId: 1, score: 0.9 }]);
    expect(detail.messages[3]).toMatchObject({
      content: "Hi, this is the team.",
      authorName: "mine person",
      deliveredAt: null,
    });
    expect(detail).toMatchObject({
      status: "human_active",
      assignedUserName: "mine person",
      integrationName: "mine website",
      botName: "mine support",
      lead: null,
    });
    expect(await getConversationDetail(h.db, { workspaceId: theirs.workspaceId, conversationId: id })).toBeUndefined();
  });

  it("the fingerprint changes with a new message or a status change, and not otherwise", async () => {
    const id = await conversation(mine, { minutesAgo: 4 });
    const stamp = async () => inboxStamp(h.db, { workspaceId: mine.workspaceId, conversationId: id });
    const a = await stamp();
    expect(await stamp()).toEqual(a);
    await takeOverConversation(h.db, { workspaceId: mine.workspaceId, conversationId: id, userId: mine.userId });
    const b = await stamp();
    expect(b.stamp).not.toBe(a.stamp);
    await h.db.insert(messages).values({ id: newId("msg"), conversationId: id, role: "user", content: "Still there?" });
    await h.db
      .update(conversations)
      .set({ lastMessageAt: sql`now()` })
      .where(eq(conversations.id, id));
    const c = await stamp();
    expect(c.stamp).not.toBe(b.stamp);
    expect(c.waiting).toBe(b.waiting + 1); // taken, and the customer wrote last
    // Another workspace's conversation id tells nothing about it.
    const theirsStamp = await inboxStamp(h.db, { workspaceId: theirs.workspaceId, conversationId: id });
    expect(theirsStamp.stamp.endsWith("|missing")).toBe(true);
  });
});

describe("handoff transitions the dashboard runs", () => {
  it("take over, reply, return to bot, resolve: states, messages, audit and webhook events", async () => {
    await createWebhook(h.db, {
      workspaceId: mine.workspaceId,
      url: "https://hooks.example.com/x",
      events: ["handoff.requested", "message.created"],
      max: 10,
      actorUserId: mine.userId,
    });
    const id = await conversation(mine, { minutesAgo: 1 });
    const scope = { workspaceId: mine.workspaceId, conversationId: id, userId: mine.userId };
    const status = async () => (await h.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;

    expect(await requestHandoff(h.db, { ...scope, reason: "user_request" })).toBe(true);
    expect(await requestHandoff(h.db, { ...scope, reason: "user_request" })).toBe(false); // already with the team
    expect((await status()).status).toBe("handoff_requested");
    expect((await takeOverConversation(h.db, scope))!.status).toBe("human_active");
    expect((await status()).assignedUserId).toBe(mine.userId);
    const reply = (await replyAsTeamMember(h.db, { ...scope, content: "Happy to help!" }))!;
    const [agent] = await h.db.select().from(messages).where(eq(messages.id, reply.messageId));
    expect(agent).toMatchObject({
      role: "agent",
      content: "Happy to help!",
      authorUserId: mine.userId,
      deliveredAt: null,
    });
    expect((await returnToBot(h.db, scope))!.status).toBe("bot");
    expect((await resolveConversation(h.db, scope))!.status).toBe("resolved");
    expect((await status()).resolvedAt).not.toBeNull();

    const audit = await h.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.targetId, id))
      .orderBy(auditLog.id);
    expect(audit.map((a) => a.action)).toEqual([
      "conversation.taken_over",
      "conversation.returned_to_bot",
      "conversation.resolved",
    ]);
    const events = await h.db
      .select({ event: webhookDeliveries.event })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.orderingKey, id))
      .orderBy(webhookDeliveries.id);
    expect(events.map((e) => e.event)).toEqual(["handoff.requested", "message.created"]);
  });

  it("another workspace's conversation id changes nothing, for every transition", async () => {
    const target = await conversation(theirs, { status: "handoff_requested", minutesAgo: 1 });
    const scope = { workspaceId: mine.workspaceId, conversationId: target, userId: mine.userId };
    const snapshot = async () => ({
      conversation: await h.db.select().from(conversations).where(eq(conversations.id, target)),
      messages: await h.db.select().from(messages).where(eq(messages.conversationId, target)),
      audit: await h.db.$count(auditLog, eq(auditLog.targetId, target)),
      deliveries: await h.db.$count(webhookDeliveries, eq(webhookDeliveries.orderingKey, target)),
    });
    const before = await snapshot();

    expect(await takeOverConversation(h.db, scope)).toBeNull();
    expect(await replyAsTeamMember(h.db, { ...scope, content: "Not my customer" })).toBeNull();
    expect(await returnToBot(h.db, scope)).toBeNull();
    expect(await resolveConversation(h.db, scope)).toBeNull();
    await h.db
      .update(conversations)
      .set({ status: "bot" })
      .where(and(eq(conversations.id, target), eq(conversations.workspaceId, mine.workspaceId)));
    expect(await requestHandoff(h.db, { ...scope, reason: "team" })).toBe(false);

    expect(await snapshot()).toEqual(before);
    expect((await listInboxConversations(h.db, { workspaceId: mine.workspaceId })).map((r) => r.id)).not.toContain(
      target,
    );
  });
});
