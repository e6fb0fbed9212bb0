import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../index";
import { bots, conversations, integrations, knowledgeSources, type Bot } from "../schema";
import { writeAudit } from "./audit";
import { invalidateApiAuth } from "./api-auth-cache";
import { forgetVocabulary } from "./retrieval";
import { newId } from "@/lib/ids";

type Scope = { workspaceId: string; botId: string };
type Actor = { actorUserId: string | null };

/** The settings a person edits on a bot. */
export type BotSettings = Pick<
  Bot,
  "name" | "instructions" | "welcomeMessage" | "fallbackMessage" | "engine" | "language" | "customerWords"
>;
/** Everything the bot page can change; each form saves its own part. */
export type EditableBot = BotSettings & Pick<Bot, "leadCapture" | "handoff">;

/** A bot by id, scoped to a workspace. */
export async function getBot(db: Db, { workspaceId, botId }: Scope) {
  const [bot] = await db
    .select()
    .from(bots)
    .where(and(eq(bots.id, botId), eq(bots.workspaceId, workspaceId)))
    .limit(1);
  return bot;
}

export type BotSummary = {
  id: string;
  name: string;
  engine: Bot["engine"];
  createdAt: Date;
  sources: number;
  chunks: number;
  /** Sources queued or importing right now. */
  importing: number;
  failed: number;
  integrations: number;
};

/** The workspace's bots by name, for a picker. */
export async function listBotNames(db: Db, workspaceId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: bots.id, name: bots.name })
    .from(bots)
    .where(eq(bots.workspaceId, workspaceId))
    .orderBy(asc(bots.name));
}

/** The workspace's bots, newest first, with their knowledge and the live integrations using them. */
export async function listBots(db: Db, workspaceId: string): Promise<BotSummary[]> {
  // Correlated subqueries name "bots"."id" in full: drizzle leaves columns unqualified in a one-table select.
  const rows = await db
    .select({
      id: bots.id,
      name: bots.name,
      engine: bots.engine,
      createdAt: bots.createdAt,
      sources: sql<number>`(select count(*) from knowledge_sources s where s.bot_id = "bots"."id")`.mapWith(Number),
      chunks:
        sql<number>`(select coalesce(sum(s.chunk_count), 0) from knowledge_sources s where s.bot_id = "bots"."id")`.mapWith(
          Number,
        ),
      importing:
        sql<number>`(select count(*) from knowledge_sources s where s.bot_id = "bots"."id" and s.status in ('queued', 'processing'))`.mapWith(
          Number,
        ),
      failed:
        sql<number>`(select count(*) from knowledge_sources s where s.bot_id = "bots"."id" and s.status = 'failed')`.mapWith(
          Number,
        ),
      integrations:
        sql<number>`(select count(*) from integrations i where i.bot_id = "bots"."id" and i.deleted_at is null)`.mapWith(
          Number,
        ),
    })
    .from(bots)
    .where(eq(bots.workspaceId, workspaceId))
    .orderBy(desc(bots.createdAt), desc(bots.id));
  return rows;
}

/** Creates a bot with the default messages; the new bot, with its audit row in the same transaction. */
export async function createBot(db: Db, input: { workspaceId: string; name: string } & Actor): Promise<Bot> {
  return db.transaction(async (t) => {
    const [bot] = await t
      .insert(bots)
      .values({ id: newId("bot"), workspaceId: input.workspaceId, name: input.name })
      .returning();
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "bot.created",
      targetType: "bot",
      targetId: bot!.id,
      after: pickSettings(bot!),
    });
    return bot!;
  });
}

function pickSettings(bot: Bot): BotSettings {
  return {
    name: bot.name,
    instructions: bot.instructions,
    welcomeMessage: bot.welcomeMessage,
    fallbackMessage: bot.fallbackMessage,
    engine: bot.engine,
    language: bot.language,
    customerWords: bot.customerWords,
  };
}

/**
 * Saves some of a bot's settings; the audit row records only what changed (inside lead capture and
 * handoff too). The Chat API's cached bots are cleared once it commits, so the next request uses the
 * new settings (other app instances: within PARLEY_AUTH_CACHE_MS). Null for a missing (or another
 * workspace's) bot.
 */
export async function updateBot(
  db: Db,
  input: Scope & Actor & { settings: Partial<EditableBot> },
): Promise<Bot | null> {
  try {
    return await saveBotSettings(db, input);
  } finally {
    invalidateApiAuth(); // every integration answering with this bot carries it: forget them all
    forgetVocabulary(input.botId); // its language and its owner's word list
  }
}

async function saveBotSettings(db: Db, input: Scope & Actor & { settings: Partial<EditableBot> }): Promise<Bot | null> {
  return db.transaction(async (t) => {
    const [before] = await t
      .select()
      .from(bots)
      .where(and(eq(bots.id, input.botId), eq(bots.workspaceId, input.workspaceId)))
      .for("update");
    if (!before) return null;
    const [after] = await t
      .update(bots)
      .set({ ...input.settings, updatedAt: sql`now()` })
      .where(eq(bots.id, before.id))
      .returning();
    const changes = changedFields(before, input.settings);
    if (changes) {
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "bot.updated",
        targetType: "bot",
        targetId: before.id,
        ...changes,
      });
    }
    return after!;
  });
}

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The keys of `next` whose values differ from `old`, as before/after; nested settings objects diff key by key. Null when nothing changed. */
function changedFields(old: Fields, next: Fields): { before: Fields; after: Fields } | null {
  const before: Fields = {};
  const after: Fields = {};
  for (const key of Object.keys(next)) {
    const [was, now] = [old[key], next[key]];
    if (isRecord(was) && isRecord(now)) {
      const inner = changedFields(was, now);
      if (inner) [before[key], after[key]] = [inner.before, inner.after];
    } else if (was !== now) {
      [before[key], after[key]] = [was ?? null, now ?? null];
    }
  }
  return Object.keys(after).length ? { before, after } : null;
}

/** What deleting a bot would take with it, for the confirmation dialog. */
export async function botDeletionImpact(db: Db, scope: Scope) {
  const live = await db
    .select({ id: integrations.id, name: integrations.name })
    .from(integrations)
    .where(
      and(
        eq(integrations.botId, scope.botId),
        eq(integrations.workspaceId, scope.workspaceId),
        isNull(integrations.deletedAt),
      ),
    )
    .orderBy(asc(integrations.name));
  const [counts] = await db
    .select({
      sources: sql<number>`(select count(*) from knowledge_sources s where s.bot_id = ${scope.botId})`.mapWith(Number),
      testConversations: sql<number>`count(*) filter (where ${conversations.channel} = 'test')`.mapWith(Number),
      apiConversations: sql<number>`count(*) filter (where ${conversations.channel} <> 'test')`.mapWith(Number),
    })
    .from(conversations)
    .where(and(eq(conversations.botId, scope.botId), eq(conversations.workspaceId, scope.workspaceId)));
  return { liveIntegrations: live, ...(counts ?? { sources: 0, testConversations: 0, apiConversations: 0 }) };
}

export type DeleteBotResult =
  | { ok: true; name: string }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "in_use"; integrations: { id: string; name: string }[] };

/**
 * Deletes a bot with its knowledge and conversations. Refused while a live integration uses it.
 * Integrations deleted earlier still point at the bot (their rows keep the inbox's history), so
 * they are removed for good first; otherwise the foreign key would keep the bot alive forever.
 */
export async function deleteBot(db: Db, input: Scope & Actor): Promise<DeleteBotResult> {
  try {
    return await db.transaction(async (t) => {
      const [bot] = await t
        .select()
        .from(bots)
        .where(and(eq(bots.id, input.botId), eq(bots.workspaceId, input.workspaceId)))
        .for("update");
      if (!bot) return { ok: false, reason: "not_found" } as const;
      const live = await t
        .select({ id: integrations.id, name: integrations.name })
        .from(integrations)
        .where(and(eq(integrations.botId, bot.id), isNull(integrations.deletedAt)))
        .orderBy(asc(integrations.name));
      if (live.length) return { ok: false, reason: "in_use", integrations: live } as const;
      const [{ sources = 0 } = {}] = await t
        .select({ sources: sql<number>`count(*)`.mapWith(Number) })
        .from(knowledgeSources)
        .where(eq(knowledgeSources.botId, bot.id));
      const removed = await t
        .delete(integrations)
        .where(and(eq(integrations.botId, bot.id), isNotNull(integrations.deletedAt)))
        .returning({ id: integrations.id });
      await t.delete(bots).where(eq(bots.id, bot.id));
      await writeAudit(t, {
        workspaceId: input.workspaceId,
        actorUserId: input.actorUserId,
        action: "bot.deleted",
        targetType: "bot",
        targetId: bot.id,
        before: { ...pickSettings(bot), sources, removedDeletedIntegrations: removed.map((r) => r.id) },
      });
      return { ok: true, name: bot.name } as const;
    });
  } catch (error) {
    // An integration created for this bot at the same moment: the foreign key refuses the delete.
    if (isForeignKeyViolation(error)) {
      const { liveIntegrations } = await botDeletionImpact(db, input);
      return { ok: false, reason: "in_use", integrations: liveIntegrations };
    }
    throw error;
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "23503") return true;
  }
  return false;
}

/** A dashboard test conversation of this bot, or undefined (also for an API conversation or another workspace's id). */
export async function findTestConversation(
  db: Db,
  { workspaceId, botId, conversationId }: Scope & { conversationId: string },
) {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.botId, botId),
        eq(conversations.channel, "test"),
      ),
    )
    .limit(1);
  return row;
}
