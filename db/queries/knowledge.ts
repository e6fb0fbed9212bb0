import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../index";
import { knowledgeChunks, knowledgeSources, type KnowledgeSource } from "../schema";
import { newId } from "@/lib/ids";

export type NewSource = {
  workspaceId: string;
  botId: string;
  kind: KnowledgeSource["kind"];
  title: string;
  input?: string | null;
  fileData?: Buffer | null;
  fileName?: string | null;
  mimeType?: string | null;
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
  and(eq(knowledgeSources.id, claim.sourceId), eq(knowledgeSources.status, "processing"), eq(knowledgeSources.attempts, claim.attempt));

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
    chunks: { heading: string; content: string; position: number; title?: string }[];
    claim?: SourceClaim;
    /** A new title for the source itself (e.g. the page's own title for a URL source). */
    sourceTitle?: string;
    /** Kept on a ready source for the dashboard (e.g. "2 of 40 pages could not be read"). */
    warning?: string | null;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [held] = await t
      .select({ id: knowledgeSources.id })
      .from(knowledgeSources)
      .where(claim ? heldBy(claim) : eq(knowledgeSources.id, sourceId))
      .for("update");
    if (!held) return false;
    await t.delete(knowledgeChunks).where(eq(knowledgeChunks.sourceId, sourceId));
    for (let i = 0; i < chunks.length; i += 500) {
      await t.insert(knowledgeChunks).values(
        chunks
          .slice(i, i + 500)
          .map((c) => ({ sourceId, botId, position: c.position, title: c.title || title, heading: c.heading, content: c.content })),
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
        ...(sourceTitle ? { title: sourceTitle } : {}),
      })
      .where(eq(knowledgeSources.id, sourceId));
    return true;
  });
}

/**
 * Marks a source failed with a reason a person can act on; its previous chunks (if any) stay
 * searchable. With a claim, only while the source is still processing under it.
 */
export async function markSourceFailed(db: Db, sourceId: string, reason: string, claim?: SourceClaim): Promise<boolean> {
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
export async function claimNextSource(
  db: Db,
  { leaseMs, maxAttempts, onlyId }: { leaseMs: number; maxAttempts: number; onlyId?: string },
): Promise<KnowledgeSource | undefined> {
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
        sql`(select id from knowledge_sources
             where ((status = 'queued' and (locked_until is null or locked_until <= now()))
                    or (status = 'processing' and locked_until <= now() and attempts < ${maxAttempts}))
               ${onlyId ? sql`and id = ${onlyId}` : sql``}
             order by created_at, id
             limit 1
             for update skip locked)`,
      ),
    )
    .returning();
  return row;
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
export async function renewSourceLease(db: Db, claim: SourceClaim, { leaseMs, progress }: { leaseMs: number; progress?: number }): Promise<boolean> {
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
export async function releaseSource(db: Db, claim: SourceClaim, { delayMs }: { delayMs: number }): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({ status: "queued", lockedUntil: sql`now() + ${delayMs} * interval '1 millisecond'` })
    .where(heldBy(claim));
}

/** A bot's sources, newest first. */
export async function listSources(db: Db, { workspaceId, botId }: { workspaceId: string; botId: string }) {
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
      fileSize: sql<number | null>`octet_length(${knowledgeSources.fileData})`.mapWith((v) => (v === null ? null : Number(v))),
      input: sql<string | null>`case when ${knowledgeSources.kind} in ('url', 'sitemap') then ${knowledgeSources.input} end`,
    })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.botId, botId)))
    .orderBy(sql`${knowledgeSources.createdAt} desc`, sql`${knowledgeSources.id} desc`);
}

export type SourceListItem = Awaited<ReturnType<typeof listSources>>[number];

type SourceScope = { workspaceId: string; botId: string; sourceId: string };

const inScope = ({ workspaceId, botId, sourceId }: SourceScope) =>
  and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.botId, botId));

/**
 * Queues a source for import again (its current chunks stay searchable until the new ones replace
 * them). Refused while it is already queued or importing: the outcome is `importing`.
 */
export async function requeueSource(db: Db, scope: SourceScope): Promise<"queued" | "importing" | "not_found"> {
  const rows = await db
    .update(knowledgeSources)
    .set({ status: "queued", progress: 0, error: null, attempts: 0, lockedUntil: null })
    .where(and(inScope(scope), inArray(knowledgeSources.status, ["ready", "failed"])))
    .returning({ id: knowledgeSources.id });
  if (rows.length) return "queued";
  const [exists] = await db.select({ id: knowledgeSources.id }).from(knowledgeSources).where(inScope(scope));
  return exists ? "importing" : "not_found";
}

/** Deletes a source and its chunks (a worker importing it notices and stops); the deleted row, or undefined. */
export async function deleteSource(db: Db, scope: SourceScope) {
  const [row] = await db
    .delete(knowledgeSources)
    .where(inScope(scope))
    .returning({ id: knowledgeSources.id, title: knowledgeSources.title, kind: knowledgeSources.kind });
  return row;
}

/** Whether any of the bot's sources is waiting for or in import (the dashboard polls while one is). */
export async function hasPendingSources(db: Db, { workspaceId, botId }: { workspaceId: string; botId: string }): Promise<boolean> {
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
