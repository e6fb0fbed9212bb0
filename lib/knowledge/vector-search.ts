import { queryRows, type Db } from "@/db";
import { hasPgvector, nearestChunksSql, type VectorHit } from "@/db/queries/embeddings";
import type { Passage } from "@/lib/engine/types";
import { logEvent } from "@/lib/log";
import {
  describeEmbeddingError,
  embedQuery,
  embeddingConfigFromEnv,
  embeddingErrorDetail,
  type EmbeddingConfig,
} from "./embeddings";

/**
 * Above this many chunks a bot's meaning search without pgvector (sign-bit candidates, then cosine in
 * plain SQL) takes a noticeable share of a reply: the dashboard and the README suggest installing pgvector.
 */
export const EXACT_VECTOR_SEARCH_CHUNKS = 5_000;

/**
 * The bot's passages nearest in meaning to the question: embeds it with the configured model (one
 * call, within EMBEDDING_QUERY_TIMEOUT_MS) and ranks the chunks that have a vector of that model by
 * cosine similarity (nearestChunksSql), keeping those at or above EMBEDDING_MIN_SIMILARITY. Returns null when no
 * embedding model is configured (no call, no query) or when the question could not be embedded (the
 * failure is logged; the caller answers by full text alone, the customer sees no error).
 */
export async function vectorSearch(
  db: Db,
  { botId, query, k }: { botId: string; query: string; k: number },
  config: EmbeddingConfig | null = embeddingConfigFromEnv(),
  signal?: AbortSignal,
): Promise<Passage[] | null> {
  if (!config || !query.trim()) return null;
  let vector: number[];
  try {
    vector = await embedQuery(config, query, signal);
  } catch (error) {
    logEvent("knowledge.query_embed_error", {
      botId,
      model: config.model,
      reason: describeEmbeddingError(error),
      error: embeddingErrorDetail(error),
    });
    return null;
  }
  const rows = await queryRows<VectorHit>(
    db,
    nearestChunksSql({
      botId,
      model: config.model,
      vector,
      k,
      minSimilarity: config.minSimilarity,
      pgvector: await hasPgvector(db),
    }),
  );
  return rows.map((r) => ({
    chunkId: Number(r.id),
    sourceId: r.source_id,
    title: r.title,
    heading: r.heading,
    content: r.content,
    // The cosine similarity to the question.
    score: Number(r.similarity),
  }));
}
