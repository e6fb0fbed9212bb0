import type { Passage } from "@/lib/engine/types";
import { embeddingConfigFromEnv } from "./embeddings";
import { fullTextRetriever, type Retriever } from "./retrieve";
import { vectorSearch } from "./vector-search";

/**
 * Reciprocal rank fusion's constant (Cormack, Clarke & Büttcher, 2009): a passage scores
 * Σ 1 / (RRF_K + rank) over the rankings that hold it. 60 is the value that paper found robust; it
 * keeps one list's top spot from outweighing a passage that both lists rank well.
 */
export const RRF_K = 60;

/**
 * Rankings of the same passages fused by reciprocal rank fusion, best first, `k` at most; `score`
 * becomes the fused score. Ranks, not scores, are combined: full-text and cosine scores have unrelated
 * scales that no constant would calibrate across knowledge bases and models.
 */
export function fuseRankings(rankings: Passage[][], k: number): Passage[] {
  const fused = new Map<number, { passage: Passage; score: number; best: number }>();
  for (const ranking of rankings) {
    ranking.forEach((passage, rank) => {
      const entry = fused.get(passage.chunkId) ?? { passage, score: 0, best: rank };
      entry.score += 1 / (RRF_K + rank + 1);
      entry.best = Math.min(entry.best, rank);
      fused.set(passage.chunkId, entry);
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || a.passage.chunkId - b.passage.chunkId)
    .slice(0, k)
    .map(({ passage, score }) => ({ ...passage, score }));
}

/** How deep each ranking goes before fusion: enough for a passage ranked low by one and high by the other. */
const FUSION_DEPTH = 20;

/**
 * Full text and meaning together when an embedding model is configured (EMBEDDING_MODEL): the question
 * is embedded (one call) while full text searches, the bot's nearest chunks by cosine similarity
 * (lib/knowledge/vector-search.ts) and the full-text ranking are fused (fuseRankings), so a paraphrase
 * that shares no word with its passage is found. Without a model, or when the question cannot be
 * embedded in time, this is the full-text ranking unchanged.
 */
export const hybridRetriever: Retriever = {
  async retrieve(db, query) {
    const config = embeddingConfigFromEnv();
    if (!config) return fullTextRetriever.retrieve(db, query);
    const k = query.k ?? 5;
    const depth = Math.max(k, FUSION_DEPTH);
    // A follow-up's meaning lies partly in the turns before it, as for full text's context words.
    const question = query.context ? `${query.context}\n${query.query}` : query.query;
    const [text, meaning] = await Promise.all([
      fullTextRetriever.retrieve(db, { ...query, k: depth }),
      vectorSearch(db, { botId: query.botId, query: question, k: depth }, config),
    ]);
    if (!meaning?.length) return { passages: text.passages.slice(0, k), analysis: text.analysis };
    return { passages: fuseRankings([text.passages, meaning], k), analysis: text.analysis };
  },
};
