import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { knowledgeEmbeddings, knowledgeSources } from "../schema";

/** A source the embedding worker holds for one batch. */
export type EmbeddingClaim = { sourceId: string; botId: string; workspaceId: string; attempts: number };

/**
 * Claims a source with chunks lacking a vector of `model` (a new import clears embedded_model; a new
 * model differs from it), in one statement: concurrent workers skip each other's rows. The claim is a
 * lease on embedding_next_at; a source in back-off after a failure is not due until that time.
 * Workspaces take turns, one batch each (the workspace whose sources were served least recently goes
 * first), and within a workspace its sources take turns: one workspace's hundred new sources never hold
 * up another's one.
 */
export async function claimSourceToEmbed(
  db: Db,
  { model, leaseMs }: { model: string; leaseMs: number },
): Promise<EmbeddingClaim | undefined> {
  const [row] = await queryRows<{ id: string; bot_id: string; workspace_id: string; embedding_attempts: number }>(
    db,
    sql`update knowledge_sources set embedding_next_at = now() + ${leaseMs} * interval '1 millisecond'
        where id = (
          select id from knowledge_sources
          where status in ('ready', 'failed') and chunk_count > 0
            and embedded_model is distinct from ${model}
            and (embedding_next_at is null or embedding_next_at <= now())
          -- When the workspace was last served (null: never); a back-off time in the future counts as now.
          order by (select case when max(s2.embedding_next_at) > now() then now() else max(s2.embedding_next_at) end
                    from knowledge_sources s2 where s2.workspace_id = knowledge_sources.workspace_id) nulls first,
                   embedding_next_at nulls first, id
          limit 1
          for update skip locked
        )
        returning id, bot_id, workspace_id, embedding_attempts`,
  );
  return row
    ? {
        sourceId: row.id,
        botId: row.bot_id,
        workspaceId: row.workspace_id,
        attempts: Number(row.embedding_attempts),
      }
    : undefined;
}

/** Up to `limit` chunks of a source with no vector of `model` yet, in reading order. */
export async function chunksToEmbed(
  db: Db,
  { sourceId, model, limit }: { sourceId: string; model: string; limit: number },
): Promise<{ id: number; title: string; heading: string; content: string }[]> {
  const rows = await queryRows<{ id: number; title: string; heading: string; content: string }>(
    db,
    sql`select c.id, c.title, c.heading, c.content
        from knowledge_chunks c
        left join knowledge_embeddings e on e.chunk_id = c.id and e.model = ${model}
        where c.source_id = ${sourceId} and e.chunk_id is null
        order by c.position, c.id
        limit ${limit}`,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The PostgreSQL array literal of a vector (one text parameter: both drivers pass it the same way). */
export function vectorLiteral(vector: number[]): string {
  return `{${vector.map((x) => (Number.isFinite(x) ? x : 0)).join(",")}}`;
}

/** The sign of each dimension as a bit string literal ('1' for positive): the vector's binary quantisation. */
export function signBits(vector: number[]): string {
  return vector.map((x) => (x > 0 ? "1" : "0")).join("");
}

/**
 * Stores vectors (replacing another model's for the same chunks). Chunks deleted meanwhile (a re-sync
 * swapped them) are skipped rather than failing the batch.
 */
export async function storeEmbeddings(
  db: Db,
  { botId, model, vectors }: { botId: string; model: string; vectors: { chunkId: number; embedding: number[] }[] },
): Promise<number> {
  if (vectors.length === 0) return 0;
  const rows = await queryRows<{ chunk_id: number }>(
    db,
    sql`insert into knowledge_embeddings (chunk_id, bot_id, model, dims, embedding, bits)
        select c.id, ${botId}, ${model}, array_length(v.embedding, 1), v.embedding, v0.bits::bit varying
        from unnest(
          ${sql.param(vectors.map((v) => v.chunkId))}::bigint[],
          ${sql.param(vectors.map((v) => vectorLiteral(v.embedding)))}::text[],
          ${sql.param(vectors.map((v) => signBits(v.embedding)))}::text[]
        ) as v0(chunk_id, literal, bits)
        cross join lateral (select v0.literal::real[] as embedding) v
        join knowledge_chunks c on c.id = v0.chunk_id
        on conflict (chunk_id) do update set bot_id = excluded.bot_id, model = excluded.model, dims = excluded.dims,
          embedding = excluded.embedding, bits = excluded.bits
        returning chunk_id`,
  );
  return rows.length;
}

/**
 * Ends a claim after a batch that worked (a failure before it is cleared): when every chunk of the
 * source has a vector of `model`, records it as embedded; otherwise lets the next batch wait its turn
 * behind the other sources. Either way embedding_next_at records when the source (and so its workspace)
 * was last served, which is what the turns of claimSourceToEmbed go by.
 * Returns whether the source is done.
 */
export async function releaseEmbeddingClaim(db: Db, { sourceId, model }: { sourceId: string; model: string }) {
  const [row] = await queryRows<{ done: boolean }>(
    db,
    sql`update knowledge_sources s set
          embedded_model = case when d.done then ${model} else s.embedded_model end,
          embedding_error = null,
          embedding_attempts = 0,
          embedding_next_at = now()
        from (select not exists (
                select 1 from knowledge_chunks c
                left join knowledge_embeddings e on e.chunk_id = c.id and e.model = ${model}
                where c.source_id = ${sourceId} and e.chunk_id is null) as done) d
        where s.id = ${sourceId}
        returning d.done`,
  );
  return !!row?.done;
}

/** Records a failed batch: the reason (for the dashboard) and the time of the next attempt. */
export async function failEmbeddingClaim(
  db: Db,
  { sourceId, reason, retryMs }: { sourceId: string; reason: string; retryMs: number },
): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({
      embeddingError: reason,
      embeddingAttempts: sql`${knowledgeSources.embeddingAttempts} + 1`,
      embeddingNextAt: sql`now() + ${retryMs} * interval '1 millisecond'`,
    })
    .where(eq(knowledgeSources.id, sourceId));
}

/** How many of a bot's chunks have a vector of `model`, and how many chunks it has. */
export async function embeddingCoverage(
  db: Db,
  { botId, model }: { botId: string; model: string },
): Promise<{ embedded: number; chunks: number }> {
  const [row] = await queryRows<{ embedded: number; chunks: number }>(
    db,
    sql`select (select count(*) from knowledge_embeddings where bot_id = ${botId} and model = ${model})::int as embedded,
               coalesce((select chunks from knowledge_bot_stats where bot_id = ${botId}), 0)::int as chunks`,
  );
  return { embedded: Number(row?.embedded ?? 0), chunks: Number(row?.chunks ?? 0) };
}

/** Vectors of a bot made by another model than `model` (left behind by a change of model until re-embedded). */
export async function countStaleEmbeddings(db: Db, { botId, model }: { botId: string; model: string }) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(knowledgeEmbeddings)
    .where(and(eq(knowledgeEmbeddings.botId, botId), sql`${knowledgeEmbeddings.model} <> ${model}`));
  return Number(row?.n ?? 0);
}

/** Whether the database has the pgvector extension installed (checked once per database handle). */
const pgvectorByDb = new WeakMap<Db, Promise<boolean>>();
export function hasPgvector(db: Db): Promise<boolean> {
  let known = pgvectorByDb.get(db);
  if (!known) {
    known = queryRows<{ ok: boolean }>(
      db,
      sql`select exists (select 1 from pg_extension where extname = 'vector') as ok`,
    )
      .then(([row]) => !!row?.ok)
      .catch(() => false);
    pgvectorByDb.set(db, known);
  }
  return known;
}

export type VectorHit = {
  id: number;
  source_id: string;
  title: string;
  heading: string;
  content: string;
  similarity: number;
};

/**
 * How many of a bot's chunks, nearest by Hamming distance between sign bits, get their exact cosine
 * computed. A bot with no more chunks than this is ranked exactly; a bigger one, by rescoring this
 * many candidates (binary quantisation with rescoring: the sign bits of high-dimensional embeddings
 * keep most of the neighbourhood, and the rescoring restores the order).
 */
export const RESCORE_CANDIDATES = 400;

/**
 * The bot's chunks nearest to a (normalised) question vector by cosine similarity, at least
 * `minSimilarity`, best first: the RESCORE_CANDIDATES nearest by sign-bit Hamming distance (one
 * XOR and popcount per chunk, on any PostgreSQL), then exact cosine over those. With pgvector the
 * cosine is its C operator over the array cast to `vector`; without, the dot product of the
 * normalised arrays in plain SQL.
 */
export function nearestChunksSql({
  botId,
  model,
  vector,
  k,
  minSimilarity,
  pgvector,
}: {
  botId: string;
  model: string;
  vector: number[];
  k: number;
  minSimilarity: number;
  pgvector: boolean;
}) {
  const literal = vectorLiteral(vector);
  const similarity = pgvector
    ? sql`1 - (e.embedding::vector <=> ${literal}::real[]::vector)`
    : sql`(select sum(a * b) from unnest(e.embedding, ${literal}::real[]) as t(a, b))`;
  // The candidates are chosen on the bits alone: the arrays (3 KB at 768 dimensions, stored out of line) are read for them only.
  return sql`with candidates as (
          select e.chunk_id
          from knowledge_embeddings e
          where e.bot_id = ${botId} and e.model = ${model} and e.dims = ${vector.length}
          order by bit_count(e.bits # ${signBits(vector)}::bit varying), e.chunk_id
          limit ${Math.max(RESCORE_CANDIDATES, k)}
        ),
        near as (
          select e.chunk_id, ${similarity} as similarity
          from candidates join knowledge_embeddings e on e.chunk_id = candidates.chunk_id
        )
        select c.id, c.source_id, c.title, c.heading, c.content, n.similarity::float8 as similarity
        from near n join knowledge_chunks c on c.id = n.chunk_id
        where n.similarity >= ${minSimilarity}
        order by n.similarity desc, c.id
        limit ${k}`;
}
