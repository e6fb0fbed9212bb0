import { and, eq, sql } from "drizzle-orm";
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

/** Adds a knowledge source in the `queued` state; the ingestion worker picks it up. */
export async function insertSource(db: Db, source: NewSource): Promise<KnowledgeSource> {
  const [row] = await db
    .insert(knowledgeSources)
    .values({ id: newId("src"), ...source })
    .returning();
  return row!;
}

/**
 * Swaps a source's chunks for new ones and marks it ready, in one transaction: searches see the old
 * chunks or the new ones, never half of either.
 */
export async function replaceSourceChunks(
  db: Db,
  { sourceId, botId, title, chunks }: { sourceId: string; botId: string; title: string; chunks: { heading: string; content: string; position: number }[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.delete(knowledgeChunks).where(eq(knowledgeChunks.sourceId, sourceId));
    for (let i = 0; i < chunks.length; i += 500) {
      await t.insert(knowledgeChunks).values(
        chunks.slice(i, i + 500).map((c) => ({ sourceId, botId, position: c.position, title, heading: c.heading, content: c.content })),
      );
    }
    await t
      .update(knowledgeSources)
      .set({ status: "ready", progress: 100, error: null, chunkCount: chunks.length, lastSyncedAt: sql`now()`, lockedUntil: null })
      .where(eq(knowledgeSources.id, sourceId));
  });
}

/** Marks a source failed with a reason a person can act on; its previous chunks (if any) stay searchable. */
export async function markSourceFailed(db: Db, sourceId: string, reason: string): Promise<void> {
  await db
    .update(knowledgeSources)
    .set({ status: "failed", error: reason, lockedUntil: null })
    .where(eq(knowledgeSources.id, sourceId));
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
      input: sql<string | null>`case when ${knowledgeSources.kind} in ('url', 'sitemap') then ${knowledgeSources.input} end`,
    })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.workspaceId, workspaceId), eq(knowledgeSources.botId, botId)))
    .orderBy(sql`${knowledgeSources.createdAt} desc`);
}
