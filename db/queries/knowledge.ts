import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Db } from "../index";
import { bots, knowledgeChunks, knowledgeLanguages, knowledgeSources, type KnowledgeSource } from "../schema";
import { newId } from "@/lib/ids";
import { forgetVocabulary } from "./retrieval";

export type NewSource = {
  workspaceId: string;
  botId: string;
  kind: KnowledgeSource["kind"];
  title: string;
  input?: string | null;
  fileData?: Buffer | null;
  fileName?: string | null;
  mimeType?: string | null;
  qaVariants?: string[] | null;
};

/**
 * A worker's hold on a source it is importing: the attempt number it claimed. Writes made under a
 * claim only land while the source is still processing that attempt, so a worker whose source was
 * deleted (or whose lease ran out and was reclaimed) cannot overwrite newer state.
 */
export type SourceClaim = { sourceId: string; attempt: number };

/** Adds a knowledge source in the `queued` state; the ingestion worker picks it up. */
export async function insertSource(db: Db, source: NewSource): Promise<KnowledgeSource> {
  const [row] = await db
    .insert(knowledgeSources)
    .values({ id: newId("src"), ...source })
    .returning();
  return row!;
}

const heldBy = (claim: SourceClaim) =>
  and(
    eq(knowledgeSources.id, claim.sourceId),
    eq(knowledgeSources.status, "processing"),
    eq(knowledgeSources.attempts, claim.attempt),
  );

/**
 * Swaps a source's chunks for new ones and marks it ready, in one transaction: searches see the old
 * chunks or the new ones, never half of either. With a claim, nothing is written (and false comes
 * back) unless the source is still being processed under that claim.
 */
export async function replaceSourceChunks(
  db: Db,
  {
    sourceId,
    botId,
    title,
    chunks,
    claim,
    sourceTitle,
    warning = null,
  }: {
    sourceId: string;
    botId: string;
    /** Default title of the chunks (a chunk may carry its own, e.g. the page of a sitemap it came from). */
    title: string;
    /** `language` (ISO 639-1) and `tsConfig` (its text search configuration) default to English. */
    chunks: {
      heading: string;
      content: string;
      position: number;
      title?: string;
      language?: string;
      tsConfig?: string;
    }[];
    claim?: SourceClaim;
    /** A new title for the source itself (e.g. the page's own title for a URL source). */
    sourceTitle?: string;
    /** Kept on a ready source for the dashboard (e.g. "2 of 40 pages could not be read"). */
    warning?: string | null;
  },
): Promise<boolean> {
  try {
    return await db.transaction(async (t) => {
      const [held] = await t
        .select({ id: knowledgeSources.id })
        .from(knowledgeSources)
        .where(claim ? heldBy(claim) : eq(knowledgeSources.id, sourceId))
        .for("update");
      if (!held) return false;
      await t.delete(knowledgeChunks).where(eq(knowledgeChunks.sourceId, sourceId));
      for (let i = 0; i < chunks.length; i += 500) {
        await t.insert(knowledgeChunks).values(
          chunks.slice(i, i + 500).map((c) => ({
            sourceId,
            botId,
            position: c.position,
            title: c.title || title,
            heading: c.heading,
            content: c.content,
            ...(c.language ? { language: c.language } : {}),
            ...(c.tsConfig ? { tsConfig: c.tsConfig } : {}),
          })),
        );
      }
      await t
        .update(knowledgeSources)
        .set({
          status: "ready",
          progress: 100,
          error: warning,
          chunkCount: chunks.length,
          lastSyncedAt: sql`now()`,
          lockedUntil: null,
          // New chunks: the embedding worker (if a model is configured) gives them vectors next.
          embeddedModel: null,
          embeddingError: null,
          embeddingAttempts: 0,
          embeddingNextAt: null,
          ...(sourceTitle ? { title: sourceTitle } : {}),
        })
        .where(eq(knowledgeSources.id, sourceId));
      return true;
    });
  } finally {
    forgetVocabulary(botId); // its words changed: this instance's next question sees them
  }
}

/**
 * Marks a source failed with a reason a person can act on; its previous chunks (if any) stay
 * searchable. With a claim, only while the source is still processing under it.
 */
export async function markSourceFailed(
  db: Db,
  sourceId: string,
  reason: string,
  claim?: SourceClaim,
): Promise<boolean> {
  const rows = await db
    .update(knowledgeSources)
    .set({ status: "failed", error: reason, lockedUntil: null })
    .where(claim ? heldBy(claim) : eq(knowledgeSources.id, sourceId))
    .returning({ id: knowledgeSources.id });
  return rows.length > 0;
}

/**
 * Claims the oldest source waiting for import, or one whose worker's lease ran out (a crash or a
 * restart), in one statement: concurrent workers skip each other's rows and never claim the same one.
 * `onlyId` claims that source only (pasted text imported during the request that added it).
 */
/** A claimed source without its file's bytes, which {@link readSourceFile} reads in pieces. */
export type ClaimedSource = Omit<KnowledgeSource, "fileData">;

const { fileData: _fileData, ...claimedColumns } = getTableColumns(knowledgeSources);

export async function claimNextSource(
  db: Db,
  {
    leaseMs,
    maxAttempts,
    onlyId,
    perWorkspace,
  }: { leaseMs: number; maxAttempts: number; onlyId?: string; perWorkspace?: number },
): Promise<ClaimedSource | undefined> {
  const [row] = await db
    .update(knowledgeSources)
    .set({
      status: "processing",
      lockedUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      attempts: sql`${knowledgeSources.attempts} + 1`,
      progress: sql`case when ${knowledgeSources.status} = 'queued' then 0 else ${knowledgeSources.progress} end`,
    })
    .where(
      eq(
        knowledgeSources.id,
        sql`(select id from knowledge_sources ks
             where ((status = 'queued' and (locked_until is null or locked_until <= now()))
                    or (status = 'processing' and locked_until <= now() and attempts < ${maxAttempts}))
               ${onlyId ? sql`and id = ${onlyId}` : sql``}
               ${
                 perWorkspace === undefined
                   ? sql``
                   : sql`and (select count(*) from knowledge_sources running
                              where running.workspace_id = ks.workspace_id and running.status = 'processing'
                                and running.locked_until > now()) < ${perWorkspace}`
               }
             order by created_at, id
             limit 1
             for update skip locked)`,
      ),
    )
    .returning(claimedColumns);
  return row;
}

const FILE_PIECE_BYTES = 64 * 1024;

/**
 * An uploaded file's bytes, read in 64 KB pieces: one 10 MB value decoded at once holds the event
 * loop for about a second on the embedded database, a piece only briefly. undefined when there is none.
 */
export async function readSourceFile(db: Db, sourceId: string): Promise<Buffer | undefined> {
  const [meta] = await db
    .select({
      size: sql<number | null>`octet_length(${knowledgeSources.fileData})`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
    })
    .from(knowledgeSources)
    .where(eq(knowledgeSources.id, sourceId));
  if (!meta || meta.size === null) return undefined;
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < meta.size; offset += FILE_PIECE_BYTES) {
    const [row] = await db
      .select({
        piece: sql<Buffer>`substring(${knowledgeSources.fileData} from ${offset + 1} for ${FILE_PIECE_BYTES})`,
      })
      .from(knowledgeSources)
      .where(eq(knowledgeSources.id, sourceId));
    if (!row) return undefined;
    pieces.push(Buffer.from(row.piece as unknown as Uint8Array));
    // Let other work in: on the embedded database every piece otherwise follows in the same turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Buffer.concat(pieces);
}

/** Fails sources whose import was cut short (lease expired) too many times, so they stop being retried. */
export async function failAbandonedSources(db: Db, { maxAttempts }: { maxAttempts: number }): Promise<number> {
  const rows = await db
    .update(knowledgeSources)
    .set({
      status: "failed",
      lockedUntil: null,
      error: `The import was interrupted ${maxAttempts} times without finishing. Re-sync to try again; if it keeps failing, try a smaller file or fewer pages.`,
    })
    .where(
      and(
        eq(knowledgeSources.status, "processing"),
        sql`${knowledgeSources.lockedUntil} <= now()`,
        sql`${knowledgeSources.attempts} >= ${maxAttempts}`,
      ),
    )
    .returning({ id: knowledgeSources.id });
  return rows.length;
}

/** Extends a claim's lease and optionally records progress; false when the claim is lost (source deleted or reclaimed). */
export async function renewSourceLease(
  db: Db,
  claim: SourceClaim,
  { leaseMs, progress }: { leaseMs: number; progress?: number },
): Promise<boolean> {
  const rows = await db
    .update(knowledgeSources)
    .set({
      lockedUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      ...(progress === undefined ? {} : { progress: Math.max(0, Math.min(99, Math.round(progress))) }),
    })
    .where(heldBy(claim))
    .returning({ id: knowledgeSources.id });
  return rows.length > 0;
}

/** Hands a claimed source back to the queue after an unexpected error; another attempt starts after `delayMs`. */
export async function releaseSource(
  db: Db,
  claim: SourceClaim,
  { delayMs, refundAttempt = false }: { delayMs: number; refundAttempt?: boolean },
): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({
      status: "queued",
      lockedUntil: sql`now() + ${delayMs} * interval '1 millisecond'`,
      // A shutdown is not the source's fault: the attempt it cut short does not count.
      ...(refundAttempt ? { attempts: sql`greatest(${knowledgeSources.attempts} - 1, 0)` } : {}),
    })
    .where(heldBy(claim));
}

/**
 * A bot's sources, newest first. With `embeddingModel` (EMBEDDING_MODEL), each also tells how many of its
 * chunks have a vector of that model (counted only for sources not yet fully embedded).
 */
export async function listSources(
  db: Db,
  { workspaceId, botId, embeddingModel }: { workspaceId: string; botId: string; embeddingModel?: string | null },
) {
  return db
    .select({
      id: knowledgeSources.id,
      kind: knowledgeSources.kind,
      title: knowledgeSources.title,
      status: knowledgeSources.status,
      progress: knowledgeSources.progress,
      error: knowledgeSources.error,
      chunkCount: knowledgeSources.chunkCount,
      lastSyncedAt: knowledgeSources.lastSyncedAt,
      createdAt: knowledgeSources.createdAt,
      fileName: knowledgeSources.fileName,
      fileSize: sql<number | null>`octet_length(${knowledgeSources.fileData})`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
      input: sql<
        string | null
      >`case when ${knowledgeSources.kind} in ('url', 'sitemap', 'qa') then ${knowledgeSources.input} end`,
      qaVariants: knowledgeSources.qaVariants,
      embeddingError: knowledgeSources.embeddingError,
      embeddedChunks: embeddingModel
        ? sql<number>`case when ${knowledgeSources.embeddedModel} = ${embeddingModel} then ${knowledgeSources.chunkCount}
            else (select count(*) from knowledge_chunks c join knowledge_embeddings e on e.chunk_id = c.id and e.model = ${embeddingModel}
                  where c.source_id = knowledge_sources.id) end`.mapWith(Number)
        : sql<number | null>`null`,
    })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.botId, botId)))
    .orderBy(sql`${knowledgeSources.createdAt} desc`, sql`${knowledgeSources.id} desc`);
}

export type SourceListItem = Awaited<ReturnType<typeof listSources>>[number];

type SourceScope = { workspaceId: string; botId: string; sourceId: string };

const inScope = ({ workspaceId, botId, sourceId }: SourceScope) =>
  and(
    eq(knowledgeSources.id, sourceId),
    eq(knowledgeSources.workspaceId, workspaceId),
    eq(knowledgeSources.botId, botId),
  );

/**
 * Queues a source for import again (its current chunks stay searchable until the new ones replace
 * them), with `changes` to its fields if any, when it is of `kind` if given. Refused while it is already
 * queued or importing: the outcome is `importing`.
 */
export async function requeueSource(
  db: Db,
  scope: SourceScope,
  {
    kind,
    changes = {},
  }: {
    kind?: KnowledgeSource["kind"];
    changes?: Partial<Pick<KnowledgeSource, "title" | "input" | "qaVariants">>;
  } = {},
): Promise<"queued" | "importing" | "not_found"> {
  const where = and(inScope(scope), kind ? eq(knowledgeSources.kind, kind) : undefined);
  const rows = await db
    .update(knowledgeSources)
    .set({ ...changes, status: "queued", progress: 0, error: null, attempts: 0, lockedUntil: null })
    .where(and(where, inArray(knowledgeSources.status, ["ready", "failed"])))
    .returning({ id: knowledgeSources.id });
  if (rows.length) return "queued";
  const [exists] = await db.select({ id: knowledgeSources.id }).from(knowledgeSources).where(where);
  return exists ? "importing" : "not_found";
}

/** A curated answer (a `qa` source) as its edit form shows it, or undefined. */
export async function getCuratedAnswer(db: Db, scope: SourceScope) {
  const [row] = await db
    .select({
      id: knowledgeSources.id,
      question: knowledgeSources.title,
      answer: knowledgeSources.input,
      variants: knowledgeSources.qaVariants,
    })
    .from(knowledgeSources)
    .where(and(inScope(scope), eq(knowledgeSources.kind, "qa")));
  return row && { ...row, answer: row.answer ?? "", variants: row.variants ?? [] };
}

/**
 * Changes a curated answer's question, answer and other phrasings, and queues it for import again (the old
 * chunk stays searchable until the new one replaces it). Refused while it is being imported.
 */
export async function updateCuratedAnswer(
  db: Db,
  { question, answer, variants, ...scope }: SourceScope & { question: string; answer: string; variants: string[] },
): Promise<"queued" | "importing" | "not_found"> {
  return requeueSource(db, scope, { kind: "qa", changes: { title: question, input: answer, qaVariants: variants } });
}

/** Deletes a source and its chunks (a worker importing it notices and stops); the deleted row, or undefined. */
export async function deleteSource(db: Db, scope: SourceScope) {
  const [row] = await db
    .delete(knowledgeSources)
    .where(inScope(scope))
    .returning({ id: knowledgeSources.id, title: knowledgeSources.title, kind: knowledgeSources.kind });
  forgetVocabulary(scope.botId);
  return row;
}

/** Whether any of the bot's sources is waiting for or in import (the dashboard polls while one is). */
export async function hasPendingSources(
  db: Db,
  { workspaceId, botId }: { workspaceId: string; botId: string },
): Promise<boolean> {
  const [row] = await db
    .select({ id: knowledgeSources.id })
    .from(knowledgeSources)
    .where(
      and(
        eq(knowledgeSources.workspaceId, workspaceId),
        eq(knowledgeSources.botId, botId),
        inArray(knowledgeSources.status, ["queued", "processing"]),
      ),
    )
    .limit(1);
  return !!row;
}

/** The bot's language setting ("auto" or ISO 639-1) and the languages of its knowledge, most chunks first. */
export async function botLanguages(db: Db, botId: string): Promise<{ setting: string; knowledge: string[] }> {
  const [bot] = await db.select({ language: bots.language }).from(bots).where(eq(bots.id, botId));
  const rows = await db
    .select({ language: knowledgeLanguages.language })
    .from(knowledgeLanguages)
    .where(eq(knowledgeLanguages.botId, botId))
    .orderBy(sql`${knowledgeLanguages.chunks} desc`, knowledgeLanguages.language);
  return { setting: bot?.language ?? "auto", knowledge: rows.map((r) => r.language) };
}
