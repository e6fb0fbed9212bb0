/**
 * Unanswered questions (issue 15): the replies that did not answer are recorded with the exchange, grouped
 * into topics of near-duplicate questions, and the owner answers (a curated answer the bot then uses for the
 * topic's questions and their rewordings), dismisses or snoozes each topic. Through the Chat API, on a real
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { conversations, knowledgeChunks, knowledgeSources, messages, unansweredQuestions } from "@/db/schema";
import {
  countTopics,
  decideTopic,
  deleteEmptyTopics,
  flagUnanswered,
  getTopic,
  listTopics,
} from "@/db/queries/unanswered";
import { getCuratedAnswer } from "@/db/queries/knowledge";
import { editCuratedAnswer } from "@/lib/knowledge/curated";
import { answerTopic } from "@/lib/unanswered/answer";
import { groupUnanswered } from "@/lib/unanswered/sync";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, postChat, type ApiServer, type Tenant } from "./fixtures/api-server";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";

let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let other: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
  other = await createTenant(h.db);
});
afterAll(async () => {
  await suite?.close();
});

const ask = async (message: string, t: Tenant = acme) => {
  const res = await postChat(api.url, t.integrationId, t.apiKey, { message, user_id: "u-1" });
  expect(res.status).toBe(200);
  return res.body as { reply: string; conversation_id: string; message_id: string };
};
const scope = (t: Tenant = acme) => ({ workspaceId: t.workspaceId });
const open = (t: Tenant = acme) => listTopics(h.db, { ...scope(t), view: "open" });
const labelsOf = (topics: { questions: { text: string }[] }[]) =>
  topics.map((topic) => topic.questions.map((q) => q.text).sort());

const GIFT_CARDS = ["Do you sell gift cards?", "Can I buy a gift card for my brother?", "gift cards available??"];
const ANSWER = "Yes! Acme gift cards come in amounts from $10 to $200 and never expire. Buy them at checkout.";

describe("recording", () => {
  it("stores each reply's kind and confidence, and lists fallbacks with their question, never answers", async () => {
    const answered = await ask("What does the Pro plan cost?");
    const fallback = await ask(GIFT_CARDS[0]!);
    const rows = await h.db
      .select({ id: messages.id, kind: messages.replyKind, confidence: messages.confidence })
      .from(messages)
      .where(sql`${messages.id} in (${answered.message_id}, ${fallback.message_id})`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(answered.message_id)).toMatchObject({ kind: "answer" });
    expect(byId.get(answered.message_id)!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(byId.get(fallback.message_id)).toMatchObject({ kind: "fallback" });

    const listed = await h.db
      .select()
      .from(unansweredQuestions)
      .where(eq(unansweredQuestions.workspaceId, acme.workspaceId));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      replyMessageId: fallback.message_id,
      conversationId: fallback.conversation_id,
      botId: acme.botId,
      reason: "fallback",
      topicId: null,
    });
    const [question] = await h.db.select().from(messages).where(eq(messages.id, listed[0]!.questionMessageId));
    expect(question).toMatchObject({ role: "user", content: GIFT_CARDS[0] });
  });

  it("a reply the customer rates down is listed once (thumbs_down); rated up again, it leaves the list", async () => {
    const rated = await ask("How long does standard delivery take?");
    const rate = async (rating: "up" | "down") => {
      const res = await fetch(`${api.url}/chat/custom/${acme.integrationId}/messages/${rated.message_id}/feedback`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": acme.apiKey },
        body: JSON.stringify({ rating }),
      });
      expect(res.status).toBe(200);
    };
    const listed = () =>
      h.db.select().from(unansweredQuestions).where(eq(unansweredQuestions.replyMessageId, rated.message_id));
    await rate("down");
    await rate("down");
    const [userMessage] = await h.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, rated.conversation_id), eq(messages.role, "user")));
    expect(await listed()).toMatchObject([{ reason: "thumbs_down", questionMessageId: userMessage!.id }]);
    await rate("up");
    expect(await listed()).toEqual([]);
    await rate("down");
    expect(await listed()).toHaveLength(1);
    // flagUnanswered lists bot replies only, once.
    expect(await flagUnanswered(h.db, { replyMessageId: rated.message_id, reason: "thumbs_down" })).toBe(false);
    expect(await flagUnanswered(h.db, { replyMessageId: userMessage!.id, reason: "thumbs_down" })).toBe(false);
  });
});

describe("grouping", () => {
  it("merges near-duplicate questions into one topic with its count, first and last asked, and conversations", async () => {
    for (const q of GIFT_CARDS.slice(1)) await ask(q);
    await ask("Is there an Acme shop in Paris?");
    await ask("Do you have parking for my car?");
    await ask("Where can I leave my vehicle?");
    await ask("Do you sell gift cards?", other); // another workspace's question stays there

    expect(await groupUnanswered(h.db, { workspaceId: acme.workspaceId, embedding: null })).toBe(7);
    const topics = await open();
    expect(labelsOf(topics)).toEqual([
      [...GIFT_CARDS].sort(),
      ["Where can I leave my vehicle?"],
      ["Do you have parking for my car?"],
      ["Is there an Acme shop in Paris?"],
      ["How long does standard delivery take?"],
    ]);
    const gift = topics[0]!;
    expect(gift).toMatchObject({ count: 3, conversations: 3, botId: acme.botId, botName: "Acme Support" });
    expect(gift.reasons).toEqual({ fallback: 3, low_confidence: 0, thumbs_down: 0 });
    expect(gift.firstAsked.getTime()).toBeLessThan(gift.lastAsked.getTime());
    expect(gift.firstAsked).toEqual(new Date(Math.min(...gift.questions.map((q) => q.askedAt.getTime()))));
    const asked = await h.db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(messages, eq(messages.conversationId, conversations.id))
      .where(and(eq(conversations.workspaceId, acme.workspaceId), sql`${messages.content} in ${GIFT_CARDS}`));
    expect(gift.questions.map((q) => q.conversationId).sort()).toEqual(asked.map((c) => c.id).sort());
    expect(await countTopics(h.db, scope())).toEqual({ open: 5, snoozed: 0, dismissed: 0, answered: 0 });

    // A later rewording joins the topic; grouping again changes nothing else.
    await ask("GIFT CARDS???");
    expect(await groupUnanswered(h.db, { workspaceId: acme.workspaceId, embedding: null })).toBe(1);
    expect(await groupUnanswered(h.db, { workspaceId: acme.workspaceId, embedding: null })).toBe(0);
    expect((await open())[0]).toMatchObject({ id: gift.id, count: 4 });
    expect(await listTopics(h.db, { workspaceId: acme.workspaceId, topicIds: [gift.id] })).toHaveLength(1);
    expect(await listTopics(h.db, { workspaceId: other.workspaceId, topicIds: [gift.id] })).toEqual([]);
  });

  it("with an embedding model, questions that mean the same in other words are one topic", async () => {
    const model: OpenAiServer = await startOpenAiServer();
    try {
      const t = await createTenant(h.db);
      await ask("Do you have parking for my car?", t);
      await ask("Where can I leave my vehicle?", t);
      const embedding = {
        baseURL: model.url,
        model: "fixture-embed",
        timeoutMs: 5000,
        queryTimeoutMs: 5000,
        minSimilarity: 0.3,
      };
      expect(await groupUnanswered(h.db, { workspaceId: t.workspaceId, embedding })).toBe(2);
      expect(labelsOf(await open(t))).toEqual([["Do you have parking for my car?", "Where can I leave my vehicle?"]]);
      expect(model.embeddingRequests).toHaveLength(1);

      // The model down: grouping goes on by terms alone.
      model.setEmbeddingMode("fail");
      await ask("Is there parking for my car?", t);
      expect(await groupUnanswered(h.db, { workspaceId: t.workspaceId, embedding })).toBe(1);
      expect((await open(t))[0]!.count).toBe(3);
    } finally {
      await model.close();
    }
  });
});

describe("answer this", () => {
  it("the answer becomes a curated knowledge source, and the topic's questions, reworded ones too, get it", async () => {
    const gift = (await open())[0]!;
    const result = await answerTopic(h.db, {
      workspaceId: acme.workspaceId,
      userId: acme.userId,
      topicId: gift.id,
      question: "Do you sell gift cards?",
      answer: ANSWER,
    });
    if (!result.ok) throw new Error(result.reason);
    // Asked again in place: every wording of the topic is answered from the new entry.
    expect(result.reasked.map((r) => r.question).sort()).toEqual([...GIFT_CARDS, "GIFT CARDS???"].sort());
    for (const r of result.reasked) {
      expect(r, r.question).toMatchObject({ kind: "answer", fromAnswer: true });
      expect(r.reply).toContain("$10 to $200");
    }

    const [source] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, result.sourceId));
    expect(source).toMatchObject({
      kind: "qa",
      botId: acme.botId,
      title: "Do you sell gift cards?",
      input: ANSWER,
      status: "ready",
      chunkCount: 1,
    });
    expect([...source!.qaVariants!].sort()).toEqual(
      ["Can I buy a gift card for my brother?", "gift cards available??", "GIFT CARDS???"].sort(),
    );
    const [chunk] = await h.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.sourceId, source!.id));
    expect(chunk).toMatchObject({ title: "Do you sell gift cards?", content: ANSWER });

    // Customers asking now, through the API, in the topic's words.
    for (const q of GIFT_CARDS) expect((await ask(q)).reply, q).toContain("$10 to $200");
    // Nothing new is listed for them, and the topic moved to the answered list.
    expect(await groupUnanswered(h.db, { workspaceId: acme.workspaceId, embedding: null })).toBe(0);
    expect((await open()).map((t) => t.id)).not.toContain(gift.id);
    expect(await getTopic(h.db, { workspaceId: acme.workspaceId, topicId: gift.id })).toMatchObject({
      status: "answered",
      answerSourceId: source!.id,
      answerTitle: "Do you sell gift cards?",
    });
  });

  it("the curated answer can be edited like any knowledge, and the bot answers with the new text", async () => {
    const [source] = await h.db
      .select()
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.botId, acme.botId), eq(knowledgeSources.kind, "qa")));
    const edit = { workspaceId: acme.workspaceId, botId: acme.botId, sourceId: source!.id };
    const current = await getCuratedAnswer(h.db, edit);
    expect(current).toMatchObject({ question: "Do you sell gift cards?", answer: ANSWER });
    expect(
      await editCuratedAnswer(h.db, {
        ...edit,
        question: current!.question,
        answer: "Yes: Acme gift cards from $25, sent by email.",
        variants: current!.variants,
      }),
    ).toBe("saved");
    expect((await ask("Can I buy a gift card for my brother?")).reply).toContain("from $25, sent by email");
    expect(await editCuratedAnswer(h.db, { ...edit, workspaceId: other.workspaceId, ...current! })).toBe("not_found");
  });

  it("another workspace's topic cannot be answered", async () => {
    await groupUnanswered(h.db, { workspaceId: other.workspaceId, embedding: null });
    const theirs = (await open(other))[0]!;
    const result = await answerTopic(h.db, {
      workspaceId: acme.workspaceId,
      userId: acme.userId,
      topicId: theirs.id,
      question: "Q",
      answer: "A",
    });
    expect(result).toEqual({ ok: false, reason: "not_found" });
    expect((await open(other))[0]).toMatchObject({ id: theirs.id, status: "open" });
  });
});

describe("dismiss and snooze", () => {
  it("a dismissed topic leaves the list and keeps its later questions; reopening brings it back", async () => {
    const paris = (await open()).find((t) => t.questions[0]!.text.includes("Paris"))!;
    const decide = (decision: Parameters<typeof decideTopic>[1]["decision"], t: Tenant = acme) =>
      decideTopic(h.db, { workspaceId: t.workspaceId, topicId: paris.id, userId: t.userId, decision });
    expect(await decide({ status: "dismissed" }, other)).toBe(false);
    expect(await decide({ status: "dismissed" })).toBe(true);
    expect((await open()).map((t) => t.id)).not.toContain(paris.id);
    await ask("Is there an Acme shop in Paris?");
    await groupUnanswered(h.db, { workspaceId: acme.workspaceId, embedding: null });
    const dismissed = await listTopics(h.db, { ...scope(), view: "dismissed" });
    expect(dismissed.map((t) => [t.id, t.count])).toEqual([[paris.id, 2]]);
    expect(await decide({ status: "open", snoozedUntil: null })).toBe(true);
    expect((await open()).map((t) => t.id)).toContain(paris.id);
  });

  it("a snoozed topic is hidden until its date, then open again", async () => {
    const parking = (await open()).find((t) => t.questions[0]!.text.includes("parking"))!;
    const snooze = (until: Date) =>
      decideTopic(h.db, {
        workspaceId: acme.workspaceId,
        topicId: parking.id,
        userId: acme.userId,
        decision: { status: "open", snoozedUntil: until },
      });
    await snooze(new Date(Date.now() + 86_400_000));
    expect((await open()).map((t) => t.id)).not.toContain(parking.id);
    expect((await listTopics(h.db, { ...scope(), view: "snoozed" })).map((t) => t.id)).toEqual([parking.id]);
    await snooze(new Date(Date.now() - 1000)); // its date has come
    expect((await open()).map((t) => t.id)).toContain(parking.id);
    expect(await countTopics(h.db, scope())).toMatchObject({ snoozed: 0, answered: 1 });
  });
});

describe("erasure", () => {
  it("deleting a conversation deletes its questions, and a topic left without questions goes", async () => {
    const vehicle = (await open()).find((t) => t.questions[0]!.text.includes("vehicle"))!;
    expect(vehicle.count).toBe(1);
    await h.db.delete(conversations).where(eq(conversations.id, vehicle.questions[0]!.conversationId));
    expect(await deleteEmptyTopics(h.db, scope())).toBe(1);
    expect(await getTopic(h.db, { workspaceId: acme.workspaceId, topicId: vehicle.id })).toBeUndefined();
  });
});
