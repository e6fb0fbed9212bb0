import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../index";
import { conversations, messages, type Conversation, type Message } from "../schema";
import { grouped } from "@/lib/grouped";
import { newId } from "@/lib/ids";
import type { Turn } from "@/lib/engine/types";

/** A conversation of this integration (another integration's id is the same as a missing one). */
export async function findApiConversation(db: Db, { conversationId, integrationId }: { conversationId: string; integrationId: string }) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.integrationId, integrationId)))
    .limit(1);
  return row;
}

/**
 * A conversation of this integration together with its last `limit` turns (oldest first), in one
 * query: the Chat API needs both for every message that continues a conversation.
 */
export async function findApiConversationWithTurns(
  db: Db,
  { conversationId, integrationId }: { conversationId: string; integrationId: string },
): Promise<{ conversation: Conversation; turns: Turn[] } | undefined> {
  return conversationLookups.call(db, { conversationId, integrationId });
}

/** The turns an API conversation's answer is given (the engines' memory). */
const RECENT_TURNS = 12;

/**
 * Lookups that arrive while one is in flight go together as the next statement (lib/grouped.ts): one
 * prepared query (built once per database handle) for any number of conversations.
 */
const conversationLookups = grouped<Db, { conversationId: string; integrationId: string }, { conversation: Conversation; turns: Turn[] } | undefined>({
  max: 64,
  async run(db, lookups) {
    let prepared = conversationWithTurnsQueries.get(db);
    if (!prepared) conversationWithTurnsQueries.set(db, (prepared = prepareConversationsWithTurns(db)));
    const rows = await prepared.execute({ ids: lookups.map((l) => l.conversationId), limit: RECENT_TURNS });
    const byId = new Map(rows.map((row) => [row.conversation.id, row]));
    return lookups.map(({ conversationId, integrationId }) => {
      const row = byId.get(conversationId);
      // Another integration's conversation is the same as a missing one.
      if (!row || row.conversation.integrationId !== integrationId) return { value: undefined };
      const turns = typeof row.turns === "string" ? (JSON.parse(row.turns) as Turn[]) : row.turns;
      return { value: { conversation: row.conversation, turns } };
    });
  },
});

const conversationWithTurnsQueries = new WeakMap<Db, ReturnType<typeof prepareConversationsWithTurns>>();

function prepareConversationsWithTurns(db: Db) {
  return db
    .select({
      conversation: conversations,
      turns: sql<Turn[] | string>`coalesce((
        select json_agg(json_build_object('role', t.role, 'content', t.content) order by t.created_at, t.id)
        from (select m.role, m.content, m.created_at, m.id from messages m
              where m.conversation_id = "conversations"."id" and m.role <> 'system'
              order by m.created_at desc, m.id desc limit ${sql.placeholder("limit")}) t), '[]'::json)`,
    })
    .from(conversations)
    .where(sql`${conversations.id} = any(${sql.placeholder("ids")}::text[])`)
    .prepare("api_conversations_with_turns");
}

/** How many messages the user has sent in a conversation. */
export async function countUserMessages(db: Db, conversationId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "user")));
  return Number(row?.n ?? 0);
}

/** The last `limit` messages of a conversation as turns, oldest first. */
export async function recentTurns(db: Db, conversationId: string, limit = 12): Promise<Turn[]> {
  const rows = await db
    .select({ role: messages.role, content: messages.content })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), sql`${messages.role} <> 'system'`))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse().map((r) => ({ role: r.role as Turn["role"], content: r.content }));
}

export type NewConversation = {
  id: string;
  workspaceId: string;
  botId: string;
  integrationId: string | null;
  externalUserId: string | null;
  channel: "api" | "test";
};

/**
 * The creation time for a conversation's next message: strictly after its latest one. Messages of
 * one exchange are written in one transaction, and PGlite's clock ticks in milliseconds, so
 * clock_timestamp() alone can tie and order them by random id.
 */
export function nextMessageTimestamp(conversationId: string) {
  return sql`greatest(clock_timestamp(), (select max(m.created_at) + interval '1 microsecond' from messages m where m.conversation_id = ${conversationId}))`;
}

export type ConversationPatch = Partial<
  Pick<Conversation, "status" | "consecutiveFallbacks" | "handoffOfferedAt" | "leadAskedAt">
>;

/**
 * Stores one exchange atomically: the conversation (when new) and its state changes, the user's
 * message, the reply, and whatever `within` adds (a lead, a handoff) in the same transaction.
 * Nothing is stored for a failed reply, so a retried request does not leave duplicates behind.
 */
export async function saveExchange(
  db: Db,
  input: {
    conversation: NewConversation | { id: string };
    userMessage: string;
    reply: { content: string; sources: Message["sources"]; engine: string; latencyMs: number } | null;
    /** Agent messages handed to the client with this response. */
    deliveredIds?: string[];
    patch?: ConversationPatch;
    within?: (tx: Db, conversationId: string) => Promise<void>;
  },
): Promise<{ userMessageId: string; replyMessageId: string | null }> {
  if (input.reply && !input.within && !input.deliveredIds?.length) {
    return saveExchangeGrouped(db, { conversation: input.conversation, userMessage: input.userMessage, reply: input.reply, patch: input.patch ?? {} });
  }
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if ("workspaceId" in input.conversation) {
      await t.insert(conversations).values({ ...input.conversation, ...input.patch });
    } else {
      // This update also locks the conversation's row, so concurrent exchanges take turns below.
      await t.update(conversations).set({ lastMessageAt: sql`now()`, ...input.patch }).where(eq(conversations.id, input.conversation.id));
    }
    const conversationId = input.conversation.id;
    const userMessageId = newId("msg");
    const createdAt = nextMessageTimestamp(conversationId);
    await t.insert(messages).values({ id: userMessageId, conversationId, role: "user", content: input.userMessage, createdAt });
    let replyMessageId: string | null = null;
    if (input.reply) {
      replyMessageId = newId("msg");
      await t.insert(messages).values({
        id: replyMessageId,
        conversationId,
        role: "assistant",
        content: input.reply.content,
        sources: input.reply.sources,
        engine: input.reply.engine,
        latencyMs: input.reply.latencyMs,
        createdAt,
      });
    }
    if (input.deliveredIds?.length) {
      await t.update(messages).set({ deliveredAt: sql`now()` }).where(inArray(messages.id, input.deliveredIds));
    }
    if (input.within) await input.within(t, conversationId);
    return { userMessageId, replyMessageId };
  });
}

/** Team messages the API client has not been given yet, oldest first. */
export async function undeliveredAgentMessages(db: Db, conversationId: string) {
  return db
    .select({ id: messages.id, content: messages.content })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "agent"), isNull(messages.deliveredAt)))
    .orderBy(asc(messages.createdAt));
}

/** All messages of a conversation, oldest first; marks team messages as delivered (the client now has them). */
export async function listMessagesForClient(db: Db, conversation: Conversation) {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversation.id), sql`${messages.role} <> 'system'`))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const undelivered = rows.filter((m) => m.role === "agent" && !m.deliveredAt).map((m) => m.id);
  if (undelivered.length) await db.update(messages).set({ deliveredAt: sql`now()` }).where(inArray(messages.id, undelivered));
  return rows;
}

export function isHumanOwned(status: Conversation["status"]): boolean {
  return status === "handoff_requested" || status === "human_active";
}

const PATCH_COLUMNS = {
  status: "status",
  consecutiveFallbacks: "consecutive_fallbacks",
  handoffOfferedAt: "handoff_offered_at",
  leadAskedAt: "lead_asked_at",
} as const satisfies Record<keyof ConversationPatch, string>;

function patchValue(value: ConversationPatch[keyof ConversationPatch]) {
  return value instanceof Date ? sql`${value.toISOString()}::timestamptz` : sql`${value ?? null}`;
}

type PlainExchange = {
  conversation: NewConversation | { id: string };
  userMessage: string;
  reply: { content: string; sources: Message["sources"]; engine: string; latencyMs: number };
  patch: ConversationPatch;
};
type Saved = { userMessageId: string; replyMessageId: string };
type PendingExchange = { input: PlainExchange; ids: Saved };

/**
 * The common exchange goes into the database at once when nothing else is being saved; exchanges that
 * finish while a save is in flight go together as the next call of save_exchanges (migration 0005):
 * one round trip and one commit for many. When a grouped call fails, each of its exchanges is saved
 * on its own, so one bad exchange fails alone.
 */
const exchanges = grouped<Db, PendingExchange, Saved>({
  max: 128,
  async run(db, batch) {
    const alone = (p: PendingExchange) =>
      saveExchangeInOneStatement(db, p.input, p.ids).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    if (batch.length === 1) return [await alone(batch[0]!)];
    try {
      await db.execute(sql`select save_exchanges(${JSON.stringify(batch.map(exchangeItem))}::jsonb)`);
      return batch.map((p) => ({ value: p.ids }));
    } catch {
      exchangeFallbacks.count++;
      return Promise.all(batch.map(alone));
    }
  },
});
const exchangeFallbacks = { count: 0 };

/** Statements made and exchanges they stored; fallbacks: grouped calls that failed and were stored one by one (tests, benchmark). */
export const exchangeStats = {
  get calls() {
    return exchanges.stats.statements;
  },
  get fallbacks() {
    return exchangeFallbacks.count;
  },
};

function saveExchangeGrouped(db: Db, input: PlainExchange): Promise<Saved> {
  return exchanges.call(db, { input, ids: { userMessageId: newId("msg"), replyMessageId: newId("msg") } });
}

/** One exchange as save_exchanges reads it. */
function exchangeItem({ input, ids }: PendingExchange) {
  const c = input.conversation;
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.patch)) {
    if (v === undefined) continue;
    patch[PATCH_COLUMNS[k as keyof ConversationPatch]] = v instanceof Date ? v.toISOString() : v;
  }
  return {
    new: "workspaceId" in c,
    conversation_id: c.id,
    ...("workspaceId" in c
      ? { workspace_id: c.workspaceId, bot_id: c.botId, integration_id: c.integrationId, external_user_id: c.externalUserId, channel: c.channel }
      : {}),
    patch,
    user_message_id: ids.userMessageId,
    user_message: input.userMessage,
    reply_message_id: ids.replyMessageId,
    reply: input.reply.content,
    ...(input.reply.sources === null ? {} : { sources: input.reply.sources }),
    engine: input.reply.engine,
    latency_ms: input.reply.latencyMs,
  };
}

/**
 * The common exchange (a bot reply, nothing else to write) as one statement, so one round trip: the
 * conversation is inserted or updated (which locks it), then both messages are inserted, stamped
 * after the conversation's latest message. One statement is atomic like a transaction.
 */
async function saveExchangeInOneStatement(db: Db, input: PlainExchange, ids: Saved): Promise<Saved> {
  const c = input.conversation;
  const patch = Object.entries(input.patch).filter(([, v]) => v !== undefined) as [keyof ConversationPatch, ConversationPatch[keyof ConversationPatch]][];
  const conversationStep =
    "workspaceId" in c
      ? sql`insert into conversations (id, workspace_id, bot_id, integration_id, external_user_id, channel${sql.raw(patch.map(([k]) => `, ${PATCH_COLUMNS[k]}`).join(""))})
            values (${c.id}, ${c.workspaceId}, ${c.botId}, ${c.integrationId}, ${c.externalUserId}, ${c.channel}${sql.join(patch.map(([, v]) => sql`, ${patchValue(v)}`), sql``)})
            returning id`
      : sql`update conversations set last_message_at = now()${sql.join(patch.map(([k, v]) => sql`, ${sql.raw(PATCH_COLUMNS[k])} = ${patchValue(v)}`), sql``)}
            where id = ${c.id} returning id`;
  const { userMessageId, replyMessageId } = ids;
  const sources = input.reply.sources === null ? null : JSON.stringify(input.reply.sources);
  await db.execute(sql`
    with conv as (${conversationStep}),
    base as (
      select greatest(clock_timestamp(), (select max(m.created_at) + interval '1 microsecond' from messages m where m.conversation_id = conv.id)) as t
      from conv
    )
    insert into messages (id, conversation_id, role, content, sources, engine, latency_ms, created_at)
    select ${userMessageId}, ${c.id}, 'user'::message_role, ${input.userMessage}, null::jsonb, null, null::int, t from base
    union all
    select ${replyMessageId}, ${c.id}, 'assistant'::message_role, ${input.reply.content}, ${sources}::jsonb, ${input.reply.engine}, ${input.reply.latencyMs}, t + interval '1 microsecond' from base`);
  return { userMessageId, replyMessageId };
}
