import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import type { Passage } from "@/lib/engine/types";

export type RetrievalQuery = {
  botId: string;
  /** The question. */
  query: string;
  /** Earlier turns that give a follow-up its subject ("How much does it cost?" after "Tell me about Pro"). */
  context?: string;
  k?: number;
};

/** Finds the knowledge passages that best answer a question. Full-text today; a vector or hybrid retriever fits the same shape. */
export interface Retriever {
  retrieve(db: Db, query: RetrievalQuery): Promise<Passage[]>;
}

/**
 * PostgreSQL full-text search (the same on PGlite and Postgres): the question's terms joined with OR
 * (plainto_tsquery would require every word), ranked with ts_rank_cd over title/heading (weight A)
 * and content (B). Context terms add to the score at half weight, so they steer a follow-up without
 * outranking the question's own words.
 */
export const fullTextRetriever: Retriever = {
  async retrieve(db, { botId, query, context, k = 5 }) {
    const rows = await queryRows<{
      id: number;
      source_id: string;
      title: string;
      heading: string;
      content: string;
      score: number;
    }>(
      db,
      sql`with q as (
            select nullif(replace(plainto_tsquery('english', ${query})::text, ' & ', ' | '), '')::tsquery as main,
                   nullif(replace(plainto_tsquery('english', ${context ?? ""})::text, ' & ', ' | '), '')::tsquery as ctx
          )
          select c.id, c.source_id, c.title, c.heading, c.content,
                 (coalesce(ts_rank_cd(c.tsv, q.main, 1), 0) + 0.5 * coalesce(ts_rank_cd(c.tsv, q.ctx, 1), 0))::float8 as score
          from knowledge_chunks c, q
          where c.bot_id = ${botId}
            and (c.tsv @@ q.main or c.tsv @@ q.ctx)
          order by score desc, c.id
          limit ${k}`,
    );
    return rows.map((r) => ({
      chunkId: Number(r.id),
      sourceId: r.source_id,
      title: r.title,
      heading: r.heading,
      content: r.content,
      score: Number(r.score),
    }));
  },
};
