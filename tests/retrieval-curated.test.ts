import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import type { Bot } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import { insertSource } from "@/db/queries/knowledge";
import { generateReply } from "@/lib/chat/reply";
import { addCuratedAnswer } from "@/lib/knowledge/curated";
import { processNextSource } from "@/lib/knowledge/ingest";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { BIKE_SHOP } from "./fixtures/knowledge/bike-shop";
import { openTestDb } from "./db";

/**
 * A curated answer (kind `qa`, written with "Answer this" on the Unanswered page) is the owner's own answer to a
 * question: among pages that share its words ("rent", "bike", "per week"), it must come first for that question
 * and for the ways of asking it the owner kept, and the bot must answer with it.
 */

let h: DbHandle;
let bot: Bot;
const ANSWER = "Yes: a city bike for a whole month costs €150, lock and lights included.";
const QUESTION = "Can I rent a bike for a month?";
const VARIANTS = ["monthly bike rental", "How much is a bike for four weeks?"];

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "curated@example.com",
    name: "C",
    passwordHash: "x",
    workspaceName: "Northwind",
  });
  bot = await createBot(h.db, { workspaceId: made!.workspace.id, name: "Northwind helper", actorUserId: null });
  for (const doc of BIKE_SHOP)
    await insertSource(h.db, {
      workspaceId: bot.workspaceId,
      botId: bot.id,
      kind: "text",
      title: doc.title,
      input: doc.text,
    });
  while (await processNextSource(h.db)) {}
  await addCuratedAnswer(h.db, {
    workspaceId: bot.workspaceId,
    botId: bot.id,
    question: QUESTION,
    answer: ANSWER,
    variants: VARIANTS,
  });
});
afterAll(async () => {
  await h.close();
});

describe("curated answers", () => {
  const asked = [QUESTION, ...VARIANTS, "can i rent a bike for a month", "Do you rent bikes by the month?"];

  it.each(asked)("rank first for %j, ahead of the pages about rental", async (question) => {
    const { passages } = await fullTextRetriever.retrieve(h.db, { botId: bot.id, query: question, k: 5 });
    expect(passages[0]?.content, passages.map((p) => `${p.title} › ${p.heading}`).join(" | ")).toBe(ANSWER);
  });

  it("are the bot's answer to the question and its other phrasings", async () => {
    for (const question of asked) {
      const reply = await generateReply(h.db, { bot, message: question, history: [] });
      expect(reply.reply, question).toContain("€150");
      expect(reply.kind).toBe("answer");
    }
  });
});
