import type { Db } from "@/db";
import {
  chunksToEmbed,
  claimSourceToEmbed,
  failEmbeddingClaim,
  releaseEmbeddingClaim,
  storeEmbeddings,
} from "@/db/queries/embeddings";
import { logEvent } from "@/lib/log";
import {
  describeEmbeddingError,
  embedTexts,
  embeddingConfigFromEnv,
  embeddingErrorDetail,
  type EmbeddingConfig,
} from "./embeddings";

/** Chunks per embedding call: one request of a few hundred KB at most (chunks are ≤ ~2,000 characters). */
export const EMBED_BATCH = 64;
/** First wait after a failed batch; doubles with each failure in a row, up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

export type EmbedOptions = {
  /** Defaults to the environment (embeddingConfigFromEnv); null turns embedding off. */
  config?: EmbeddingConfig | null;
  batchSize?: number;
  /** Wait after the first failure (tests shorten it). */
  retryMs?: number;
};

/** What one chunk is embedded as: its source title and heading give a short passage its subject. */
export function embeddingText(chunk: { title: string; heading: string; content: string }): string {
  const head = [chunk.title.trim(), chunk.heading.trim()].filter(Boolean).join(" — ");
  return head ? `${head}\n${chunk.content}` : chunk.content;
}

/**
 * One step of the embedding job, run by the knowledge worker when it has no import to do: claims the
 * source that waited longest for vectors of the configured model (new chunks, or a new model), embeds
 * up to EMBED_BATCH of its chunks in one call and stores them. A failure is kept on the source with
 * the time of the next try (back-off); the source stays searchable by text all along. Returns whether
 * there was work. With no EMBEDDING_MODEL it returns false at once, without touching the database.
 */
export async function embedNextBatch(db: Db, opts: EmbedOptions = {}): Promise<boolean> {
  const config = opts.config === undefined ? embeddingConfigFromEnv() : opts.config;
  if (!config) return false;
  const batchSize = opts.batchSize ?? EMBED_BATCH;
  const claim = await claimSourceToEmbed(db, { model: config.model, leaseMs: config.timeoutMs * 2 + 10_000 });
  if (!claim) return false;
  const started = performance.now();
  const chunks = await chunksToEmbed(db, { sourceId: claim.sourceId, model: config.model, limit: batchSize });
  if (chunks.length > 0) {
    let vectors: number[][];
    try {
      vectors = await embedTexts(config, chunks.map(embeddingText));
    } catch (error) {
      const reason = describeEmbeddingError(error);
      const retryMs = Math.min((opts.retryMs ?? FIRST_RETRY_MS) * 2 ** claim.attempts, MAX_RETRY_MS);
      await failEmbeddingClaim(db, { sourceId: claim.sourceId, reason, retryMs });
      logEvent("knowledge.embed_error", {
        sourceId: claim.sourceId,
        model: config.model,
        attempt: claim.attempts + 1,
        retryInMs: retryMs,
        error: embeddingErrorDetail(error),
      });
      return true;
    }
    await storeEmbeddings(db, {
      botId: claim.botId,
      model: config.model,
      vectors: chunks.map((chunk, i) => ({ chunkId: chunk.id, embedding: vectors[i]! })),
    });
  }
  const done = await releaseEmbeddingClaim(db, { sourceId: claim.sourceId, model: config.model });
  logEvent("knowledge.embed", {
    sourceId: claim.sourceId,
    model: config.model,
    chunks: chunks.length,
    done,
    ms: Math.round(performance.now() - started),
  });
  return true;
}

/** Runs embedding steps until there is nothing left to embed (tests and scripts; the server's worker loops on its own). */
export async function embedAll(db: Db, opts: EmbedOptions = {}): Promise<number> {
  let steps = 0;
  while (await embedNextBatch(db, opts)) steps++;
  return steps;
}
