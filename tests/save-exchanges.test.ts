/**
 * saveExchange straight, without HTTP: exchanges that finish while a save is in flight are stored
 * together by one save_exchanges call (migration 0005). Every one must land exactly as the
 * single-exchange statement would store it: new and resumed conversations, state patches, both
 * messages in order after the conversation's latest; and one that cannot be stored fails alone.
 */
import { randomBytes } from "node:crypto";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DbHandle } from "@/db";
import { findApiConversationWithTurns, nextMessageTimestamp, saveExchange } from "@/db/queries/conversations";
import { conversations, messages } from "@/db/schema";
import { newId } from "@/lib/ids";
import { openTestDb } from "./db";
import { addIntegration, createTenant, type Tenant } from "./fixtures/api-server";
import { groupedCounter } from "./fixtures/grouped-count";

const saves = groupedCounter("exchanges");
/** save_exchanges calls made; fallbacks: grouped calls that failed and were stored one by one. */
const exchangeStats = {
  get calls() {
    return saves.statements;
  },
  get fallbacks() {
    return saves.retries;
  },
};

let h: DbHandle;
let t: Tenant;

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  t = await createTenant(h.db, { knowledge: false });
});
afterAll(async () => {
  await h.close();
});

const reply = (content: string) => ({
  content,
  sources: [{ sourceId: "src_x", title: "Plans", chunkId: 1, score: 1.5 }],
  engine: "builtin",
  kind: "answer" as const,
  latencyMs: 3,
});
const fresh = (userId: string | null = null) => ({
  id: newId("conv"),
  workspaceId: t.workspaceId,
  botId: t.botId,
  integrationId: t.integrationId,
  externalUserId: userId,
  channel: "api" as const,
});

describe("exchanges saved together", () => {
  it("40 simultaneous exchanges (new conversations, several turns of one, patches) land as if saved one by one", async () => {
    // A conversation with an earlier exchange, to resume several times at once.
    const resumed = fresh("u-resume");
    await saveExchange(h.db, { conversation: resumed, userMessage: "first", reply: reply("first answer") });

    const { calls, fallbacks } = exchangeStats;
    const asked = new Date("2027-01-02T03:04:05.000Z");
    const news = Array.from({ length: 30 }, (_, i) => fresh(`u-${i}`));
    const jobs = [
      ...news.map((c, i) =>
        saveExchange(h.db, {
          conversation: c,
          userMessage: `hello ${i}`,
          reply: reply(`answer ${i}`),
          patch: i === 0 ? { leadAskedAt: asked, consecutiveFallbacks: 2 } : {},
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        saveExchange(h.db, {
          conversation: { id: resumed.id },
          userMessage: `turn ${i}`,
          reply: { ...reply(`reply ${i}`), sources: null },
          patch: i === 9 ? { status: "bot", handoffOfferedAt: null, consecutiveFallbacks: 1 } : {},
        }),
      ),
    ];
    const saved = await Promise.all(jobs);
    expect(exchangeStats.calls - calls).toBeLessThan(jobs.length);
    expect(exchangeStats.fallbacks).toBe(fallbacks); // stored by save_exchanges, not one by one after a failure
    expect(new Set(saved.flatMap((s) => [s.userMessageId, s.replyMessageId])).size).toBe(80);

    // Every new conversation, with its two messages, ids as returned, the reply's sources kept.
    const rows = await h.db
      .select()
      .from(conversations)
      .where(
        inArray(
          conversations.id,
          news.map((c) => c.id),
        ),
      );
    expect(rows).toHaveLength(30);
    const first = rows.find((r) => r.id === news[0]!.id)!;
    expect(first.leadAskedAt?.toISOString()).toBe(asked.toISOString());
    expect(first.consecutiveFallbacks).toBe(2);
    expect(rows.find((r) => r.id === news[1]!.id)).toMatchObject({
      consecutiveFallbacks: 0,
      leadAskedAt: null,
      externalUserId: "u-1",
      status: "bot",
    });
    const firstMessages = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, news[0]!.id))
      .orderBy(asc(messages.createdAt));
    expect(firstMessages.map((m) => [m.id, m.role, m.content])).toEqual([
      [saved[0]!.userMessageId, "user", "hello 0"],
      [saved[0]!.replyMessageId, "assistant", "answer 0"],
    ]);
    expect(firstMessages[1]!.sources).toEqual([{ sourceId: "src_x", title: "Plans", chunkId: 1, score: 1.5 }]);
    expect(firstMessages[1]).toMatchObject({ engine: "builtin", latencyMs: 3 });

    // The resumed conversation: 11 exchanges, each user message followed by its own reply, strictly in time order.
    const turns = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, resumed.id))
      .orderBy(asc(messages.createdAt));
    expect(turns).toHaveLength(22);
    for (let i = 0; i < turns.length; i += 2) {
      expect(turns[i]!.role).toBe("user");
      expect(turns[i + 1]!.role).toBe("assistant");
      expect(turns[i + 1]!.content.replace("reply", "turn").replace("first answer", "first")).toBe(turns[i]!.content);
    }
    // Microsecond-distinct stamps (a JavaScript Date keeps only milliseconds, so count in SQL).
    const [distinct] = await queryRows<{ n: number }>(
      h.db,
      sql`select count(distinct created_at)::int as n from messages where conversation_id = ${resumed.id}`,
    );
    expect(Number(distinct!.n)).toBe(22);
    expect(
      turns
        .slice(2)
        .filter((m) => m.role === "assistant")
        .every((m) => m.sources === null),
    ).toBe(true);
    const [after] = await h.db.select().from(conversations).where(eq(conversations.id, resumed.id));
    expect(after).toMatchObject({ status: "bot", handoffOfferedAt: null, consecutiveFallbacks: 1 });
  });

  it("an exchange that cannot be stored fails alone; the others of its call are stored", async () => {
    const fallbacks = exchangeStats.fallbacks;
    const good = Array.from({ length: 6 }, () => fresh());
    const bad = { ...fresh(), botId: `bot_${randomBytes(8).toString("hex")}` }; // no such bot: a foreign key violation
    // The first save goes alone; the rest wait for it and go together, the bad one among them.
    const results = await Promise.allSettled([
      saveExchange(h.db, { conversation: good[0]!, userMessage: "a", reply: reply("b") }),
      ...good.slice(1, 3).map((c) => saveExchange(h.db, { conversation: c, userMessage: "a", reply: reply("b") })),
      saveExchange(h.db, { conversation: bad, userMessage: "a", reply: reply("b") }),
      ...good.slice(3).map((c) => saveExchange(h.db, { conversation: c, userMessage: "a", reply: reply("b") })),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(exchangeStats.fallbacks).toBe(fallbacks + 1);
    const stored = await h.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        inArray(
          conversations.id,
          [...good, bad].map((c) => c.id),
        ),
      );
    expect(stored.map((r) => r.id).sort()).toEqual(good.map((c) => c.id).sort());
    const stray = await h.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, bad.id));
    expect(stray).toHaveLength(0);
  });

  it("resuming a conversation deleted meanwhile stores nothing, grouped or not", async () => {
    const gone = fresh();
    await saveExchange(h.db, { conversation: gone, userMessage: "x", reply: reply("y") });
    await h.db.delete(conversations).where(eq(conversations.id, gone.id));
    const others = Array.from({ length: 3 }, () => fresh());
    await Promise.all([
      saveExchange(h.db, { conversation: others[0]!, userMessage: "a", reply: reply("b") }),
      saveExchange(h.db, { conversation: { id: gone.id }, userMessage: "late", reply: reply("late reply") }),
      ...others.slice(1).map((c) => saveExchange(h.db, { conversation: c, userMessage: "a", reply: reply("b") })),
    ]);
    expect(await h.db.select().from(messages).where(eq(messages.conversationId, gone.id))).toHaveLength(0);
    expect(
      await h.db
        .select()
        .from(conversations)
        .where(
          inArray(
            conversations.id,
            others.map((c) => c.id),
          ),
        ),
    ).toHaveLength(3);
  });
});

describe("one way to store an exchange", () => {
  it("a lone exchange goes through save_exchanges as a batch of one, patch and all", async () => {
    const c = fresh("u-lone");
    const before = { statements: saves.statements, calls: saves.calls };
    const asked = new Date("2027-04-05T06:07:08.000Z");
    const saved = await saveExchange(h.db, {
      conversation: c,
      userMessage: "alone",
      reply: reply("answer alone"),
      patch: { leadAskedAt: asked, consecutiveFallbacks: 3 },
    });
    expect(saves.statements - before.statements).toBe(1);
    expect(saves.calls - before.calls).toBe(1);
    const rows = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, c.id))
      .orderBy(asc(messages.createdAt));
    expect(rows.map((m) => [m.id, m.role, m.content])).toEqual([
      [saved.userMessageId, "user", "alone"],
      [saved.replyMessageId, "assistant", "answer alone"],
    ]);
    const [conversation] = await h.db.select().from(conversations).where(eq(conversations.id, c.id));
    expect(conversation).toMatchObject({ leadAskedAt: asked, consecutiveFallbacks: 3, externalUserId: "u-lone" });
  });

  it("an exchange without a reply stores the user's message and marks the team's messages delivered", async () => {
    const c = fresh("u-team");
    await saveExchange(h.db, { conversation: c, userMessage: "hi", reply: reply("hello") });
    const agentId = newId("msg");
    // As the inbox writes it (db/queries/handoff.ts): after the conversation's last message, whatever the clock's
    // resolution (PGlite's now() can equal the reply's time).
    await h.db.insert(messages).values({
      id: agentId,
      conversationId: c.id,
      role: "agent",
      content: "A person here",
      createdAt: nextMessageTimestamp(c.id),
    });
    const saved = await saveExchange(h.db, {
      conversation: { id: c.id },
      userMessage: "thanks",
      reply: null,
      deliveredIds: [agentId],
    });
    expect(saved.replyMessageId).toBeNull();
    const rows = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, c.id))
      .orderBy(asc(messages.createdAt));
    expect(rows.map((m) => m.role)).toEqual(["user", "assistant", "agent", "user"]);
    expect(rows.find((m) => m.id === agentId)!.deliveredAt).not.toBeNull();
    expect(rows.at(-1)!.id).toBe(saved.userMessageId);
  });
});

describe("conversation lookups grouped", () => {
  it("simultaneous lookups each get their own conversation and recent turns; another integration's or a missing one is undefined", async () => {
    const convs = Array.from({ length: 5 }, (_, i) => fresh(`look-${i}`));
    for (const [i, c] of convs.entries()) {
      await saveExchange(h.db, { conversation: c, userMessage: `q${i}`, reply: reply(`a${i}`) });
      if (i === 0)
        for (let turn = 1; turn <= 7; turn++)
          await saveExchange(h.db, {
            conversation: { id: c.id },
            userMessage: `q0.${turn}`,
            reply: reply(`a0.${turn}`),
          });
    }
    const elsewhere = await addIntegration(h.db, t);
    const found = await Promise.all([
      ...convs.map((c) => findApiConversationWithTurns(h.db, { conversationId: c.id, integrationId: t.integrationId })),
      findApiConversationWithTurns(h.db, { conversationId: convs[1]!.id, integrationId: elsewhere.integrationId }),
      findApiConversationWithTurns(h.db, { conversationId: newId("conv"), integrationId: t.integrationId }),
    ]);
    expect(found.slice(0, 5).map((f) => f?.conversation.id)).toEqual(convs.map((c) => c.id));
    expect(found.slice(0, 5).map((f) => f?.conversation.externalUserId)).toEqual(convs.map((c) => c.externalUserId));
    expect(found[1]!.turns).toEqual([
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
    ]);
    // The 12 most recent of the first conversation's 16 messages, oldest first.
    expect(found[0]!.turns).toHaveLength(12);
    expect(found[0]!.turns[0]).toEqual({ role: "user", content: "q0.2" });
    expect(found[0]!.turns.at(-1)).toEqual({ role: "assistant", content: "a0.7" });
    expect(found[5]).toBeUndefined();
    expect(found[6]).toBeUndefined();
  });
});
