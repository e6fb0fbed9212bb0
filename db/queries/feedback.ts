/**
 * End users' thumbs up or down on the bot's replies: one rating per reply (a second one replaces the
 * first), written with its `feedback.created` webhook event in one transaction.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../index";
import { conversations, messageFeedback, messages, type FeedbackRating } from "../schema";
import { flagUnanswered, unflagUnanswered } from "./unanswered";
import { enqueueWebhookEvent } from "./webhooks";

export type FeedbackRecord = {
  messageId: string;
  conversationId: string;
  rating: FeedbackRating;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * Rates a bot reply of this integration's conversations. `owner`, when given, is the conversation's
 * user that must match (the widget's visitor); the Custom API's key holder may rate any reply of its
 * integration. Returns undefined when no such reply exists (another integration's, a user's or a team
 * message, a conversation of someone else): the caller answers 404. The same rating and comment
 * again change nothing and send no event; a changed one updates the row and sends the event again,
 * with the previous rating.
 */
export async function rateReply(
  db: Db,
  {
    integrationId,
    messageId,
    owner,
    rating,
    comment,
  }: { integrationId: string; messageId: string; owner?: string; rating: FeedbackRating; comment: string | null },
): Promise<FeedbackRecord | undefined> {
  return db.transaction(async (tx) => {
    const [reply] = await tx
      .select({
        conversationId: conversations.id,
        workspaceId: conversations.workspaceId,
        botId: conversations.botId,
        userId: conversations.externalUserId,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.id, messageId),
          eq(messages.role, "assistant"),
          eq(conversations.integrationId, integrationId),
          owner === undefined ? undefined : eq(conversations.externalUserId, owner),
        ),
      )
      // Ratings of one reply take turns, so two first ratings at once make one row and one event.
      .for("update", { of: messages });
    if (!reply) return undefined;
    // The rating before this call, to tell a change from a repeat.
    const [before] = await tx
      .select({ rating: messageFeedback.rating, comment: messageFeedback.comment })
      .from(messageFeedback)
      .where(eq(messageFeedback.messageId, messageId));
    const changed = !before || before.rating !== rating || before.comment !== comment;
    const [row] = changed
      ? await tx
          .insert(messageFeedback)
          .values({
            messageId,
            conversationId: reply.conversationId,
            workspaceId: reply.workspaceId,
            rating,
            comment,
          })
          .onConflictDoUpdate({
            target: messageFeedback.messageId,
            set: { rating, comment, updatedAt: sql`now()` },
          })
          .returning()
      : await tx.select().from(messageFeedback).where(eq(messageFeedback.messageId, messageId));
    if (!row) return undefined;
    // A reply rated down is listed among the unanswered questions; rated up again, it leaves the list.
    if (changed && rating !== before?.rating) {
      const listed = { replyMessageId: messageId, reason: "thumbs_down" } as const;
      await (rating === "down" ? flagUnanswered(tx, listed) : unflagUnanswered(tx, listed));
    }
    if (changed)
      await enqueueWebhookEvent(tx, {
        workspaceId: reply.workspaceId,
        event: "feedback.created",
        orderingKey: reply.conversationId,
        payload: {
          message_id: messageId,
          conversation_id: reply.conversationId,
          integration_id: integrationId,
          bot_id: reply.botId,
          user_id: reply.userId,
          rating,
          comment,
          previous_rating: before?.rating ?? null,
        },
      });
    return {
      messageId: row.messageId,
      conversationId: row.conversationId,
      rating: row.rating,
      comment: row.comment,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
}
