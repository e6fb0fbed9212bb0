import type { Db } from "@/db";
import { findApiConversation, isHumanOwned, listMessagesForClient } from "@/db/queries/conversations";
import { isId } from "@/lib/ids";
import { ApiError } from "./api-error";

type ConversationOf = { integrationId: string; conversationId: string; owner: string | null };

/**
 * One of the integration's conversations, when it belongs to `owner` (to anyone when null). Another
 * integration's, another user's and a malformed id are the same 404 conversation_not_found.
 */
export async function findOwnedConversation(db: Db, { integrationId, conversationId, owner }: ConversationOf) {
  const found = isId("conv", conversationId)
    ? await findApiConversation(db, { conversationId, integrationId })
    : undefined;
  if (!found || (owner !== null && found.externalUserId !== owner)) throw new ApiError("conversation_not_found");
  return found;
}

/**
 * A conversation's transcript as both channels send it, for clients polling after a handoff;
 * `withSources` adds the titles of each reply's sources (the widget, when the integration shows them).
 */
export async function readTranscript(db: Db, { withSources, ...of }: ConversationOf & { withSources: boolean }) {
  const found = await findOwnedConversation(db, of);
  const rows = await listMessagesForClient(db, found);
  return {
    conversation_id: found.id,
    handoff: isHumanOwned(found.status),
    status: found.status,
    messages: rows.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      created_at: m.createdAt.toISOString(),
      ...(m.role === "assistant" && m.replyKind === "handoff" && { handoff: true }), // the bot's "a person will join"
      ...(withSources && m.sources?.length && { sources: [...new Set(m.sources.map((s) => s.title))] }),
    })),
  };
}
