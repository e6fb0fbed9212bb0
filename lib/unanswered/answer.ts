import type { Db } from "@/db";
import { getBot } from "@/db/queries/bots";
import { decideTopic, getTopic } from "@/db/queries/unanswered";
import type { Bot } from "@/db/schema";
import { generateReply } from "@/lib/chat/reply";
import { tokens } from "@/lib/engine/text";
import { GenerationError, type EngineResult } from "@/lib/engine/types";
import { addCuratedAnswer } from "@/lib/knowledge/curated";
import { MAX_QA_QUESTION_CHARS, MAX_QA_VARIANTS } from "@/lib/validations/limits";

/** Distinct wordings of a topic asked again after it is answered (each one is a full reply: retrieval and engine). */
export const REASKED_WORDINGS = 10;

/** A topic's question asked again after the answer was written: the bot's reply now. */
export type Reasked = {
  question: string;
  reply: string;
  kind: EngineResult["kind"] | "error";
  /** The reply drew on the new curated answer. */
  fromAnswer: boolean;
};

export type AnswerTopicResult =
  { ok: true; botId: string; sourceId: string; reasked: Reasked[] } | { ok: false; reason: "not_found" | "no_bot" };

/**
 * "Answer this": the owner's answer to a topic becomes a curated answer in its bot's knowledge (the topic's
 * other wordings kept with it, so they find it too), the topic is marked answered, and its distinct wordings
 * are asked again through the bot's reply pipeline, to show what customers get now.
 */
export async function answerTopic(
  db: Db,
  {
    workspaceId,
    userId,
    topicId,
    question,
    answer,
  }: { workspaceId: string; userId: string; topicId: string; question: string; answer: string },
): Promise<AnswerTopicResult> {
  const topic = await getTopic(db, { workspaceId, topicId });
  if (!topic) return { ok: false, reason: "not_found" };
  const bot = await getBot(db, { workspaceId, botId: topic.botId });
  if (!bot) return { ok: false, reason: "no_bot" };
  const wordings = distinctWordings(topic.questions.map((q) => q.text));
  const source = await addCuratedAnswer(db, {
    workspaceId,
    botId: bot.id,
    question,
    answer,
    variants: wordings.filter((w) => w.length <= MAX_QA_QUESTION_CHARS).slice(0, MAX_QA_VARIANTS),
  });
  await decideTopic(db, { workspaceId, topicId, userId, decision: { status: "answered", answerSourceId: source.id } });
  const reasked = await reask(db, bot, wordings.slice(0, REASKED_WORDINGS), source.id);
  return { ok: true, botId: bot.id, sourceId: source.id, reasked };
}

/** The questions as customers worded them, each wording once (compared by their words, without case). */
export function distinctWordings(texts: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    const key = tokens(text).join(" ");
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(text.trim());
  }
  return out;
}

/** Each question asked afresh (no conversation around it), as the Chat API would answer it now. */
async function reask(db: Db, bot: Bot, questions: string[], sourceId: string): Promise<Reasked[]> {
  const out: Reasked[] = [];
  for (const question of questions) {
    try {
      const result = await generateReply(db, { bot, message: question, history: [] });
      out.push({
        question,
        reply: result.reply,
        kind: result.kind,
        fromAnswer: result.usedPassages.some((p) => p.sourceId === sourceId),
      });
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      out.push({ question, reply: "The model could not answer just now.", kind: "error", fromAnswer: false });
    }
  }
  return out;
}
