import type { Db } from "@/db";
import { insertSource, updateCuratedAnswer } from "@/db/queries/knowledge";
import type { KnowledgeSource } from "@/db/schema";
import { importSourceNow } from "./ingest";

/**
 * Curated answers: a question and the answer the owner wrote for it, kept as a knowledge source of kind `qa`
 * (lib/knowledge/read.ts makes its chunk: the question as the title, the other phrasings as the heading, the
 * answer as the content). Imported during the request, so the bot answers with it at once.
 */

export type CuratedAnswer = { question: string; answer: string; variants: string[] };

/** The phrasings kept beside a question: distinct (without case), not the question itself. */
export function otherPhrasings(question: string, phrasings: string[]): string[] {
  const seen = new Set([question.trim().toLowerCase()]);
  const out: string[] = [];
  for (const raw of phrasings) {
    const phrasing = raw.trim();
    const key = phrasing.toLowerCase();
    if (!phrasing || seen.has(key)) continue;
    seen.add(key);
    out.push(phrasing);
  }
  return out;
}

/** Adds a curated answer to a bot's knowledge and imports it; the new source. */
export async function addCuratedAnswer(
  db: Db,
  { workspaceId, botId, question, answer, variants }: { workspaceId: string; botId: string } & CuratedAnswer,
): Promise<KnowledgeSource> {
  const source = await insertSource(db, {
    workspaceId,
    botId,
    kind: "qa",
    title: question,
    input: answer,
    qaVariants: otherPhrasings(question, variants),
  });
  await importSourceNow(db, source.id);
  return source;
}

/** Changes a curated answer and imports it again; `importing` while an import of it is running. */
export async function editCuratedAnswer(
  db: Db,
  {
    workspaceId,
    botId,
    sourceId,
    question,
    answer,
    variants,
  }: { workspaceId: string; botId: string; sourceId: string } & CuratedAnswer,
): Promise<"saved" | "importing" | "not_found"> {
  const outcome = await updateCuratedAnswer(db, {
    workspaceId,
    botId,
    sourceId,
    question,
    answer,
    variants: otherPhrasings(question, variants),
  });
  if (outcome !== "queued") return outcome;
  await importSourceNow(db, sourceId);
  return "saved";
}
