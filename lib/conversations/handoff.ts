import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { conversations, messages, type Conversation } from "@/db/schema";
import { writeAudit } from "@/db/queries/accounts";
import { nextMessageTimestamp } from "@/db/queries/conversations";
import { newId } from "@/lib/ids";
import { enqueueWebhookEvent } from "@/lib/webhooks/events";

type Scope = { workspaceId: string; conversationId: string };

/** Locks a conversation of the workspace for the rest of the transaction (another workspace's id: undefined). */
async function lock(db: Db, { workspaceId, conversationId }: Scope): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId)))
    .for("update");
  return row;
}

function tx<T>(db: Db, work: (t: Db) => Promise<T>): Promise<T> {
  return db.transaction((t) => work(t as unknown as Db));
}

/**
 * The user asked for a person (or accepted the bot's offer): the conversation waits for the team and
 * the bot stops answering. Returns false when it was already with the team.
 */
export async function requestHandoff(db: Db, scope: Scope & { reason: "user_request" | "accepted_offer" | "team" }): Promise<boolean> {
  return tx(db, async (t) => {
    const c = await lock(t, scope);
    if (!c || c.status === "handoff_requested" || c.status === "human_active") return false;
    await t
      .update(conversations)
      .set({ status: "handoff_requested", handoffRequestedAt: sql`now()`, handoffOfferedAt: null, resolvedAt: null })
      .where(eq(conversations.id, c.id));
    await enqueueWebhookEvent(t, {
      workspaceId: c.workspaceId,
      event: "handoff.requested",
      orderingKey: c.id,
      payload: { conversation_id: c.id, integration_id: c.integrationId, bot_id: c.botId, user_id: c.externalUserId, reason: scope.reason },
    });
    return true;
  });
}

/** A team member takes the conversation: the bot stays silent until it is returned or resolved. */
export async function takeOverConversation(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return tx(db, async (t) => {
    const c = await lock(t, scope);
    if (!c) return null;
    const [updated] = await t
      .update(conversations)
      .set({ status: "human_active", assignedUserId: scope.userId, handoffRequestedAt: c.handoffRequestedAt ?? sql`now()`, resolvedAt: null })
      .where(eq(conversations.id, c.id))
      .returning();
    await writeAudit(t, { workspaceId: c.workspaceId, actorUserId: scope.userId, action: "conversation.taken_over", targetType: "conversation", targetId: c.id, before: { status: c.status }, after: { status: "human_active" } });
    return updated!;
  });
}

/**
 * A team member's reply. It takes the conversation over if the bot had it, is delivered to the API
 * client with its next response (or through the messages endpoint), and fires message.created.
 */
export async function replyAsTeamMember(db: Db, scope: Scope & { userId: string; content: string }): Promise<{ messageId: string } | null> {
  return tx(db, async (t) => {
    const c = await lock(t, scope);
    if (!c) return null;
    if (c.status !== "human_active" || c.assignedUserId !== scope.userId) {
      await t
        .update(conversations)
        .set({ status: "human_active", assignedUserId: c.assignedUserId ?? scope.userId, handoffRequestedAt: c.handoffRequestedAt ?? sql`now()`, resolvedAt: null })
        .where(eq(conversations.id, c.id));
    }
    const messageId = newId("msg");
    await t.insert(messages).values({ id: messageId, conversationId: c.id, role: "agent", content: scope.content, authorUserId: scope.userId, createdAt: nextMessageTimestamp(c.id) });
    await t.update(conversations).set({ lastMessageAt: sql`now()` }).where(eq(conversations.id, c.id));
    await enqueueWebhookEvent(t, {
      workspaceId: c.workspaceId,
      event: "message.created",
      orderingKey: c.id,
      payload: { conversation_id: c.id, message_id: messageId, role: "agent", content: scope.content, author_user_id: scope.userId, integration_id: c.integrationId, user_id: c.externalUserId },
    });
    return { messageId };
  });
}

/** Gives the conversation back to the bot, which answers the user's next message. */
export async function returnToBot(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return setBotOwned(db, scope, "bot");
}

/** Closes the conversation; if the user writes again, the bot answers. */
export async function resolveConversation(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return setBotOwned(db, scope, "resolved");
}

async function setBotOwned(db: Db, scope: Scope & { userId: string }, status: "bot" | "resolved"): Promise<Conversation | null> {
  return tx(db, async (t) => {
    const c = await lock(t, scope);
    if (!c) return null;
    const [updated] = await t
      .update(conversations)
      .set({
        status,
        consecutiveFallbacks: 0,
        handoffOfferedAt: null,
        resolvedAt: status === "resolved" ? sql`now()` : null,
      })
      .where(eq(conversations.id, c.id))
      .returning();
    await writeAudit(t, { workspaceId: c.workspaceId, actorUserId: scope.userId, action: status === "bot" ? "conversation.returned_to_bot" : "conversation.resolved", targetType: "conversation", targetId: c.id, before: { status: c.status }, after: { status } });
    return updated!;
  });
}
