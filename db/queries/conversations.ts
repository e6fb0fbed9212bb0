import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import {
  conversations,
  messages,
  type Conversation,
  type Message,
  type ReplyKind,
  type UnansweredReason,
} from "../schema";
import { grouped } from "../grouped";
import { newId } from "@/lib/ids";
import type { Turn } from "@/lib/engine/types";

/** A conversation of this integration (another integration's id is the same as a missing one). */
export async function findApiConversation(
  db: Db,
  { conversationId, integrationId }: { conversationId: string; integrationId: string },
) {
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

/** How many of a conversation's latest turns an answer is given (the engines' memory). */
export const RECENT_TURNS = 12;

/**
 * Lookups that arrive while one is in flight go together as the next statement (lib/grouped.ts): one
 * prepared query (built once per database handle) for any number of conversations.
 */
const conversationLookups = grouped<
  Db,
  { conversationId: string; integrationId: string },
  { conversation: Conversation; turns: Turn[] } | undefined
>({
  name: "conversations",
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
export async function recentTurns(db: Db, conversationId: string, limit = RECENT_TURNS): Promise<Turn[]> {
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
  channel: "api" | "test" | "widget";
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

type Exchange = {
  conversation: NewConversation | { id: string };
  userMessage: string;
  /** null: a person owns the conversation, so only the user's message is stored. */
  reply: {
    content: string;
    sources: Message["sources"];
    engine: string;
    latencyMs: number;
    /** What kind of reply it is (messages.reply_kind) and the engine's confidence in it. */
    kind?: ReplyKind;
    confidence?: number | null;
    /** A reply that did not answer: stored in unanswered_questions with the exchange. */
    unanswered?: Exclude<UnansweredReason, "thumbs_down"> | null;
  } | null;
  /** Agent messages handed to the client with this response. */
  deliveredIds?: string[];
  patch?: ConversationPatch;
  /** The quota hold the reply settles (db/queries/limits.ts): deleted in the statement that stores it. */
  quotaHold?: string | null;
};
type Saved = { userMessageId: string; replyMessageId: string | null };

/**
 * Stores one exchange atomically: the conversation (when new) and its state changes, the user's
 * message, the reply, and whatever `within` adds (a lead, a handoff) in the same transaction.
 * Nothing is stored for a failed reply, so a retried request does not leave duplicates behind.
 * Every exchange is stored by save_exchanges (db/migrations): exchanges that finish while a call is
 * in flight go together as the next call (a lone one at once, as a batch of one); one with `within`
 * is a batch of one inside its own transaction.
 */
export async function saveExchange(
  db: Db,
  { within, ...exchange }: Exchange & { within?: (tx: Db, conversationId: string) => Promise<void> },
): Promise<Saved> {
  const pending = {
    exchange,
    ids: { userMessageId: newId("msg"), replyMessageId: exchange.reply ? newId("msg") : null },
  };
  if (!within) return exchanges.call(db, pending);
  return db.transaction(async (tx) => {
    await saveExchanges(tx, [pending]);
    await within(tx, exchange.conversation.id);
    return pending.ids;
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
  if (undelivered.length)
    await db
      .update(messages)
      .set({ deliveredAt: sql`now()` })
      .where(inArray(messages.id, undelivered));
  return rows;
}

export function isHumanOwned(status: Conversation["status"]): boolean {
  return status === "handoff_requested" || status === "human_active";
}

type PendingExchange = { exchange: Exchange; ids: Saved };

/** Exchanges that finish while a call is in flight go together; if a call fails, each is stored again alone, so one bad exchange fails alone. */
const exchanges = grouped<Db, PendingExchange, Saved>({
  name: "exchanges",
  max: 128,
  retryAlone: true,
  async run(db, batch) {
    await saveExchanges(db, batch);
    return batch.map((p) => ({ value: p.ids }));
  },
});

function saveExchanges(db: Db, batch: PendingExchange[]) {
  const holds = batch.flatMap((p) => (p.exchange.quotaHold ? [p.exchange.quotaHold] : []));
  const exchanges = JSON.stringify(batch.map(exchangeItem));
  if (!holds.length) return db.execute(sql`select save_exchanges(${exchanges}::jsonb)`);
  // One statement: the replies are stored and their charges settled together, or neither.
  return db.execute(
    sql`with saved as materialized (select save_exchanges(${exchanges}::jsonb)),
          settled as (delete from quota_holds where id = any(string_to_array(${holds.join(",")}, ',')::bigint[]) returning id)
        select (select count(*) from saved) as saved, (select count(*) from settled) as settled`,
  );
}

const conversationColumns = getTableColumns(conversations);

/** One exchange as save_exchanges reads it: the patch under the columns' names in the schema. */
function exchangeItem({ exchange, ids }: PendingExchange) {
  const c = exchange.conversation;
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exchange.patch ?? {})) {
    if (value === undefined) continue;
    patch[conversationColumns[key as keyof ConversationPatch].name] =
      value instanceof Date ? value.toISOString() : value;
  }
  const { reply } = exchange;
  return {
    new: "workspaceId" in c,
    conversation_id: c.id,
    ...("workspaceId" in c
      ? {
          workspace_id: c.workspaceId,
          bot_id: c.botId,
          integration_id: c.integrationId,
          external_user_id: c.externalUserId,
          channel: c.channel,
        }
      : {}),
    patch,
    user_message_id: ids.userMessageId,
    user_message: exchange.userMessage,
    ...(reply
      ? {
          reply_message_id: ids.replyMessageId,
          reply: reply.content,
          ...(reply.sources === null ? {} : { sources: reply.sources }),
          engine: reply.engine,
          latency_ms: reply.latencyMs,
          ...(reply.kind ? { reply_kind: reply.kind } : {}),
          ...(typeof reply.confidence === "number" ? { confidence: reply.confidence } : {}),
          ...(reply.unanswered ? { unanswered: reply.unanswered } : {}),
        }
      : {}),
    ...(exchange.deliveredIds?.length ? { delivered_ids: exchange.deliveredIds } : {}),
  };
}

/** Where a page of conversations starts: after this (last activity in microseconds since the epoch, id). */
export type ConversationCursor = { micros: bigint; id: string };

export type ConversationListItem = {
  id: string;
  externalUserId: string | null;
  status: Conversation["status"];
  channel: string;
  createdAt: Date;
  lastMessageAt: Date;
  messageCount: number;
  /** The row's place in the order, for the next page's cursor. */
  position: ConversationCursor;
};

/**
 * An integration's conversations by last activity, oldest first (ties by id), optionally one user's
 * and only those active at or after `since`: up to `limit` rows after `after`. The order is a key the
 * rows carry (microseconds, exact), so pages neither skip nor repeat a conversation that did not change.
 */
export async function listIntegrationConversations(
  db: Db,
  input: {
    integrationId: string;
    userId: string | null;
    since: Date | null;
    after: ConversationCursor | null;
    limit: number;
  },
): Promise<ConversationListItem[]> {
  const { integrationId, userId, since, after, limit } = input;
  const rows = await queryRows<{
    id: string;
    external_user_id: string | null;
    status: Conversation["status"];
    channel: string;
    created_at: string | Date;
    last_message_at: string | Date;
    micros: string | number;
    message_count: string | number;
  }>(
    db,
    sql`select c.id, c.external_user_id, c.status, c.channel, c.created_at, c.last_message_at,
          (extract(epoch from c.last_message_at) * 1000000)::bigint::text as micros,
          (select count(*) from messages m where m.conversation_id = c.id and m.role <> 'system') as message_count
        from conversations c
        where c.integration_id = ${integrationId}
          ${userId === null ? sql`` : sql`and c.external_user_id = ${userId}`}
          ${since === null ? sql`` : sql`and c.last_message_at >= ${since.toISOString()}::timestamptz`}
          ${
            after === null
              ? sql``
              : sql`and (c.last_message_at, c.id) > (to_timestamp(0) + ${after.micros.toString()}::bigint * interval '1 microsecond', ${after.id})`
          }
        order by c.last_message_at, c.id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalUserId: r.external_user_id,
    status: r.status,
    channel: r.channel,
    createdAt: new Date(r.created_at),
    lastMessageAt: new Date(r.last_message_at),
    messageCount: Number(r.message_count),
    position: { micros: BigInt(r.micros), id: r.id },
  }));
}
