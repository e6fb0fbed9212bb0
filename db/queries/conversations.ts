import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../index";
import { conversations, messages, type Conversation, type Message } from "../schema";
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
 * Stores one exchange atomically: the conversation (when new), the user's message and the reply.
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
  },
): Promise<{ userMessageId: string; replyMessageId: string | null }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if ("workspaceId" in input.conversation) {
      await t.insert(conversations).values(input.conversation);
    } else {
      await t.update(conversations).set({ lastMessageAt: sql`now()` }).where(eq(conversations.id, input.conversation.id));
    }
    const conversationId = input.conversation.id;
    const userMessageId = newId("msg");
    // Both rows are written in one transaction and must keep their order, and PGlite's clock ticks in
    // milliseconds: each message is stamped strictly after the conversation's latest one, never on a tie.
    // (The update above locks an existing conversation's row, so its exchanges take turns here.)
    const createdAt = sql`greatest(clock_timestamp(), (select max(m.created_at) + interval '1 microsecond' from messages m where m.conversation_id = ${conversationId}))`;
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
