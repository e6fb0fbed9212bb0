/**
 * Who answers a conversation, the bot or the team: every change of hands (the user asks for a person,
 * a team member takes over or replies, the conversation goes back to the bot or is resolved), each in
 * one transaction with its audit row and webhook event. The rules for when the bot hands over are in
 * lib/handoff/.
 */
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { conversations, messages, type Conversation } from "../schema";
import { writeAudit } from "./audit";
import { nextMessageTimestamp } from "./conversations";
import { enqueueWebhookEvent } from "./webhooks";
import { newId } from "@/lib/ids";

type Scope = { workspaceId: string; conversationId: string };

/** The fields every handoff event carries about its conversation. */
function aboutConversation(c: Conversation) {
  return { conversation_id: c.id, integration_id: c.integrationId, bot_id: c.botId, user_id: c.externalUserId };
}

/** A team member's step with a conversation (taken over, returned, resolved), as a webhook event in the same transaction. */
function teamStep(
  db: Db,
  c: Conversation,
  event: "handoff.accepted" | "handoff.returned" | "handoff.resolved",
  memberUserId: string,
) {
  return enqueueWebhookEvent(db, {
    workspaceId: c.workspaceId,
    event,
    orderingKey: c.id,
    payload: { ...aboutConversation(c), member_user_id: memberUserId, previous_status: c.status },
  });
}

/** Locks a conversation of the workspace for the rest of the transaction (another workspace's id: undefined). */
async function lock(db: Db, { workspaceId, conversationId }: Scope): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId)))
    .for("update");
  return row;
}

/**
 * The user asked for a person (or accepted the bot's offer): the conversation waits for the team and
 * the bot stops answering. Returns false when it was already with the team.
 */
export async function requestHandoff(
  db: Db,
  scope: Scope & { reason: "user_request" | "accepted_offer" | "team" },
): Promise<boolean> {
  return db.transaction(async (t) => {
    const c = await lock(t, scope);
    if (!c || c.status === "handoff_requested" || c.status === "human_active") return false;
    await t
      .update(conversations)
      .set({
        status: "handoff_requested",
        handoffRequestedAt: sql`now()`,
        handoffOfferedAt: null,
        resolvedAt: null,
        handoffNotifiedAt: null, // the team is emailed about this request (lib/handoff/notify.ts)
      })
      .where(eq(conversations.id, c.id));
    await enqueueWebhookEvent(t, {
      workspaceId: c.workspaceId,
      event: "handoff.requested",
      orderingKey: c.id,
      payload: { ...aboutConversation(c), reason: scope.reason },
    });
    return true;
  });
}

/** A team member takes the conversation (handoff.accepted): the bot stays silent until it is returned or resolved. */
export async function takeOverConversation(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return db.transaction(async (t) => {
    const c = await lock(t, scope);
    if (!c) return null;
    const [updated] = await t
      .update(conversations)
      .set({
        status: "human_active",
        assignedUserId: scope.userId,
        handoffRequestedAt: c.handoffRequestedAt ?? sql`now()`,
        resolvedAt: null,
      })
      .where(eq(conversations.id, c.id))
      .returning();
    if (c.status !== "human_active" || c.assignedUserId !== scope.userId)
      await teamStep(t, c, "handoff.accepted", scope.userId);
    await writeAudit(t, {
      workspaceId: c.workspaceId,
      actorUserId: scope.userId,
      action: "conversation.taken_over",
      targetType: "conversation",
      targetId: c.id,
      before: { status: c.status },
      after: { status: "human_active" },
    });
    return updated!;
  });
}

/**
 * A team member's reply. It takes the conversation over if the bot had it (handoff.accepted), is
 * delivered to the API client with its next response (or through the messages endpoint), and fires
 * message.created.
 */
export async function replyAsTeamMember(
  db: Db,
  scope: Scope & { userId: string; content: string },
): Promise<{ messageId: string } | null> {
  return db.transaction(async (t) => {
    const c = await lock(t, scope);
    if (!c) return null;
    if (c.status !== "human_active" || c.assignedUserId !== scope.userId) {
      await t
        .update(conversations)
        .set({
          status: "human_active",
          assignedUserId: c.assignedUserId ?? scope.userId,
          handoffRequestedAt: c.handoffRequestedAt ?? sql`now()`,
          resolvedAt: null,
        })
        .where(eq(conversations.id, c.id));
      // A reply in a conversation someone else already has is not a new acceptance.
      if (c.status !== "human_active") await teamStep(t, c, "handoff.accepted", c.assignedUserId ?? scope.userId);
    }
    const messageId = newId("msg");
    await t.insert(messages).values({
      id: messageId,
      conversationId: c.id,
      role: "agent",
      content: scope.content,
      authorUserId: scope.userId,
      createdAt: nextMessageTimestamp(c.id),
    });
    await t
      .update(conversations)
      .set({ lastMessageAt: sql`now()` })
      .where(eq(conversations.id, c.id));
    await enqueueWebhookEvent(t, {
      workspaceId: c.workspaceId,
      event: "message.created",
      orderingKey: c.id,
      payload: {
        conversation_id: c.id,
        message_id: messageId,
        role: "agent",
        content: scope.content,
        author_user_id: scope.userId,
        integration_id: c.integrationId,
        user_id: c.externalUserId,
      },
    });
    return { messageId };
  });
}

/** Gives the conversation back to the bot, which answers the user's next message (handoff.returned). */
export async function returnToBot(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return setBotOwned(db, scope, "bot");
}

/** Closes the conversation (handoff.resolved); if the user writes again, the bot answers. */
export async function resolveConversation(db: Db, scope: Scope & { userId: string }): Promise<Conversation | null> {
  return setBotOwned(db, scope, "resolved");
}

async function setBotOwned(
  db: Db,
  scope: Scope & { userId: string },
  status: "bot" | "resolved",
): Promise<Conversation | null> {
  return db.transaction(async (t) => {
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
    if (c.status !== status)
      await teamStep(t, c, status === "bot" ? "handoff.returned" : "handoff.resolved", scope.userId);
    await writeAudit(t, {
      workspaceId: c.workspaceId,
      actorUserId: scope.userId,
      action: status === "bot" ? "conversation.returned_to_bot" : "conversation.resolved",
      targetType: "conversation",
      targetId: c.id,
      before: { status: c.status },
      after: { status },
    });
    return updated!;
  });
}

/** A conversation that waits for a person, claimed for emailing its team. */
export type WaitingConversation = {
  id: string;
  workspaceId: string;
  workspaceName: string;
  botName: string;
  integrationName: string | null;
  userId: string | null;
  lastUserMessage: string | null;
  /** Emails of the members whose role lets them work the inbox. */
  recipients: string[];
};

/**
 * Claims up to `limit` conversations that wait for a person and whose team has not been emailed
 * (requested within `withinHours`, so an SMTP server set up later does not mail about old ones), marking
 * them emailed in the same statement (FOR UPDATE SKIP LOCKED: several workers never mail twice).
 */
export async function claimWaitingForNotice(
  db: Db,
  { limit, roles, withinHours }: { limit: number; roles: string[]; withinHours: number },
): Promise<WaitingConversation[]> {
  const rows = await queryRows<{
    id: string;
    workspace_id: string;
    workspace_name: string;
    bot_name: string;
    integration_name: string | null;
    external_user_id: string | null;
    last_user_message: string | null;
    recipients: string[] | string;
  }>(
    db,
    sql`with claimed as (
          update conversations c set handoff_notified_at = now()
          where c.id in (
            select id from conversations
            where status = 'handoff_requested' and handoff_notified_at is null
              and handoff_requested_at > now() - make_interval(hours => ${withinHours})
            order by handoff_requested_at
            limit ${limit}
            for update skip locked)
          returning c.id, c.workspace_id, c.bot_id, c.integration_id, c.external_user_id)
        select claimed.id, claimed.workspace_id, w.name as workspace_name, b.name as bot_name,
          i.name as integration_name, claimed.external_user_id,
          (select m.content from messages m where m.conversation_id = claimed.id and m.role = 'user'
           order by m.created_at desc, m.id desc limit 1) as last_user_message,
          coalesce((select json_agg(u.email order by u.email) from memberships ms join users u on u.id = ms.user_id
                    where ms.workspace_id = claimed.workspace_id and ms.role::text in ${roles}), '[]') as recipients
        from claimed
        join workspaces w on w.id = claimed.workspace_id
        join bots b on b.id = claimed.bot_id
        left join integrations i on i.id = claimed.integration_id`,
  );
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    workspaceName: r.workspace_name,
    botName: r.bot_name,
    integrationName: r.integration_name,
    userId: r.external_user_id,
    lastUserMessage: r.last_user_message,
    recipients: typeof r.recipients === "string" ? (JSON.parse(r.recipients) as string[]) : r.recipients,
  }));
}

/** Gives a claim back (no email could be sent): the next run tries again while the conversation still waits. */
export async function releaseNoticeClaim(db: Db, conversationId: string): Promise<void> {
  await db.execute(
    sql`update conversations set handoff_notified_at = null where id = ${conversationId} and status = 'handoff_requested'`,
  );
}
