import type { Db } from "@/db";
import {
  deleteEmptyTopics,
  groupedSignatures,
  lockGrouping,
  saveGrouping,
  ungroupedQuestions,
} from "@/db/queries/unanswered";
import { newId } from "@/lib/ids";
import { EMBED_BATCH } from "@/lib/knowledge/embed";
import {
  describeEmbeddingError,
  embedTexts,
  embeddingConfigFromEnv,
  type EmbeddingConfig,
} from "@/lib/knowledge/embeddings";
import { logEvent } from "@/lib/log";
import { assignTopics, questionTerms, type QuestionSignature } from "./group";

/** Questions grouped per round (a round is one transaction). */
const ROUND = 500;

/**
 * Groups the questions not yet in a topic (one workspace's, or all): each joins the topic of the questions
 * most like it, or starts one. With an embedding model configured, questions are compared by meaning too;
 * if the model cannot be reached, by their terms alone. Topics left without questions (their conversations
 * deleted) go. Returns how many questions were grouped.
 */
export async function groupUnanswered(
  db: Db,
  {
    workspaceId,
    embedding = embeddingConfigFromEnv(),
  }: { workspaceId?: string; embedding?: EmbeddingConfig | null } = {},
): Promise<number> {
  let grouped = 0;
  for (;;) {
    const pending = await ungroupedQuestions(db, { workspaceId, limit: ROUND });
    if (!pending.length) {
      await deleteEmptyTopics(db, { workspaceId });
      return grouped;
    }
    const vectors = embedding
      ? await embedQuestions(
          embedding,
          pending.map((q) => q.text),
        )
      : null;
    const model = vectors ? embedding!.model : null;
    const signatures: QuestionSignature[] = pending.map((q, i) => ({
      terms: questionTerms(q.text),
      embedding: vectors?.[i] ?? null,
    }));
    await db.transaction(async (tx) => {
      await lockGrouping(tx);
      const botIds = [...new Set(pending.map((q) => q.botId))];
      const existing = await groupedSignatures(tx, { botIds, embeddingModel: model });
      const topics: { id: string; workspaceId: string; botId: string }[] = [];
      const questions: Parameters<typeof saveGrouping>[1]["questions"] = [];
      for (const botId of botIds) {
        const mine = pending.flatMap((q, i) => (q.botId === botId ? [{ q, signature: signatures[i]! }] : []));
        const members = new Map<string, QuestionSignature[]>();
        for (const e of existing)
          if (e.botId === botId)
            members.set(e.topicId, [...(members.get(e.topicId) ?? []), { terms: e.terms, embedding: e.embedding }]);
        const fresh = new Set<string>();
        const ids = assignTopics(
          mine.map((m) => m.signature),
          [...members].map(([id, list]) => ({ id, members: list })),
          () => {
            const id = newId("topic");
            fresh.add(id);
            return id;
          },
        );
        const workspace = mine[0]!.q.workspaceId;
        for (const id of fresh) topics.push({ id, workspaceId: workspace, botId });
        mine.forEach(({ q, signature }, i) =>
          questions.push({
            replyMessageId: q.replyMessageId,
            topicId: ids[i]!,
            terms: signature.terms,
            embedding: signature.embedding ?? null,
            embeddingModel: signature.embedding ? model : null,
          }),
        );
      }
      await saveGrouping(tx, { topics, questions });
    });
    grouped += pending.length;
  }
}

/** The questions' vectors, or null when the model fails (grouping goes on by terms). */
async function embedQuestions(config: EmbeddingConfig, texts: string[]): Promise<number[][] | null> {
  try {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH)
      out.push(...(await embedTexts(config, texts.slice(i, i + EMBED_BATCH))));
    return out;
  } catch (error) {
    logEvent("unanswered.embedding_error", { error: describeEmbeddingError(error) });
    return null;
  }
}
