import type { Db } from "@/db";
import { rateReply } from "@/db/queries/feedback";
import { isId } from "@/lib/ids";
import { ApiError } from "./api-error";
import { admitApiClient } from "./channel";
import { withRequest } from "./serve";
import { json } from "./render";
import { parseFeedbackBody, readBodyCapped } from "./request";

/** The rating as both channels answer it. */
export type FeedbackResponseBody = {
  message_id: string;
  conversation_id: string;
  rating: "up" | "down";
  comment: string | null;
  created_at: string;
  updated_at: string;
};

/**
 * A rating of one bot reply, after a channel admitted the caller: the body (400), then the reply
 * (404 message_not_found when it is not a bot reply of this integration, or of `owner`'s conversation).
 * Idempotent: the same rating again answers the same and changes nothing.
 */
export async function submitFeedback(
  db: Db,
  { integrationId, messageId, owner, raw }: { integrationId: string; messageId: string; owner?: string; raw: string },
): Promise<FeedbackResponseBody> {
  const body = parseFeedbackBody(raw);
  const saved = isId("msg", messageId) ? await rateReply(db, { integrationId, messageId, owner, ...body }) : undefined;
  if (!saved) throw new ApiError("message_not_found");
  return {
    message_id: saved.messageId,
    conversation_id: saved.conversationId,
    rating: saved.rating,
    comment: saved.comment,
    created_at: saved.createdAt.toISOString(),
    updated_at: saved.updatedAt.toISOString(),
  };
}

/**
 * POST /chat/custom/:integrationId/messages/:messageId/feedback: the same key and IP rules as the chat
 * endpoint (404, 401, 403), then the body (413, 400), then the reply (404). It spends no rate limit or quota.
 */
export function handleFeedbackRequest({
  req,
  integrationId,
  messageId,
}: {
  req: Request;
  integrationId: string;
  messageId: string;
}): Promise<Response> {
  return withRequest("feedback", integrationId, async ({ note }) => {
    const { db, auth } = await admitApiClient(req, integrationId);
    const raw = await readBodyCapped(req);
    const body = await submitFeedback(db, { integrationId: auth.integrationId, messageId, raw });
    note.rating = body.rating;
    return json(200, body, {});
  });
}
