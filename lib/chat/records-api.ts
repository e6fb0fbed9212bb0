import { createHash } from "node:crypto";
import { eraseEndUser } from "@/db/queries/erasure";
import {
  isHumanOwned,
  listIntegrationConversations,
  type ConversationCursor,
  type ConversationListItem,
} from "@/db/queries/conversations";
import { newId } from "@/lib/ids";
import { CONVERSATIONS_PAGE } from "@/lib/validations/limits";
import { wakeWebhookWorker } from "@/lib/webhooks/worker";
import { ApiError } from "./api-error";
import { admitApiClient } from "./channel";
import { withRequest } from "./serve";
import { json } from "./render";
import { userIdProblem } from "./request";

/**
 * The Chat API for businesses that keep their own records: the list of an integration's
 * conversations (the messages endpoint gives each one's transcript), and the erasure of an end user.
 * Same key and IP rules as sending a message; bad parameters are `400 invalid_field` naming them.
 */

// RFC 3339 with its time zone (a date alone is midnight UTC). What Date.parse would also take (other
// formats, February 30th rolled into March) is refused, so a typo never lists from the wrong day.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;
const CURSOR = /^v1:(\d{1,19}):(conv_[0-9A-Za-z]{22})$/;

type ListQuery = { userId: string | null; since: Date | null; after: ConversationCursor | null; limit: number };

/** One query parameter: absent is null, repeated is refused (which one would count is a guess). */
function param(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  if (values.length > 1) throw new ApiError("invalid_field", `\`${name}\` may be given once.`);
  return values[0] ?? null;
}

/** The opaque cursor of a page's last conversation. */
export function encodeCursor({ micros, id }: ConversationCursor): string {
  return Buffer.from(`v1:${micros}:${id}`).toString("base64url");
}

function parseTimestamp(raw: string): Date | null {
  const m = TIMESTAMP.exec(raw);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day)
    return null;
  const at = m[4] === undefined ? calendar : new Date(raw.replace(" ", "T"));
  return Number.isNaN(at.getTime()) ? null : at;
}

function decodeCursor(raw: string): ConversationCursor {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? CURSOR.exec(Buffer.from(raw, "base64url").toString()) : null;
  if (!match) throw new ApiError("invalid_field", "`cursor` must be a `next_cursor` this endpoint returned.");
  return { micros: BigInt(match[1]!), id: match[2]! };
}

/** Validates the list's query string: user_id, since, limit, cursor (unknown parameters are ignored). */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const userId = param(params, "user_id");
  if (userId !== null) {
    const problem = userIdProblem(userId);
    if (problem) throw new ApiError("invalid_field", `\`user_id\` ${problem}`);
  }
  const rawSince = param(params, "since");
  let since: Date | null = null;
  if (rawSince !== null) {
    since = parseTimestamp(rawSince);
    if (!since)
      throw new ApiError("invalid_field", "`since` must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z.");
  }
  const rawLimit = param(params, "limit");
  const limit = rawLimit === null ? CONVERSATIONS_PAGE.default : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : 0;
  if (limit < 1 || limit > CONVERSATIONS_PAGE.max)
    throw new ApiError("invalid_field", `\`limit\` must be a whole number from 1 to ${CONVERSATIONS_PAGE.max}.`);
  const rawCursor = param(params, "cursor");
  return { userId, since, limit, after: rawCursor === null ? null : decodeCursor(rawCursor) };
}

function conversationJson(c: ConversationListItem) {
  return {
    id: c.id,
    user_id: c.externalUserId,
    status: c.status,
    handoff: isHumanOwned(c.status),
    created_at: c.createdAt.toISOString(),
    last_message_at: c.lastMessageAt.toISOString(),
    message_count: c.messageCount,
  };
}

/**
 * GET /chat/custom/:integrationId/conversations: the integration's conversations by last activity,
 * oldest first, a page at a time (`next_cursor` while there are more).
 */
export function handleListConversations({ req, integrationId }: { req: Request; integrationId: string }) {
  return withRequest("conversations", integrationId, async () => {
    const { db, auth } = await admitApiClient(req, integrationId);
    const query = parseListQuery(new URL(req.url).searchParams);
    const rows = await listIntegrationConversations(db, {
      ...query,
      integrationId: auth.integrationId,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return json(
      200,
      {
        conversations: page.map(conversationJson),
        has_more: more,
        next_cursor: more ? encodeCursor(page[page.length - 1]!.position) : null,
      },
      {},
    );
  });
}

/**
 * DELETE /chat/custom/:integrationId/users/:userId: erases the end user's conversations, messages and
 * leads in the integration's workspace (lib: db/queries/erasure.ts), with an audit row and a
 * `user.erased` webhook that name the erasure, not the user. Repeating it is harmless (zero counts).
 */
export function handleEraseUser({
  req,
  integrationId,
  userId,
}: {
  req: Request;
  integrationId: string;
  userId: string;
}) {
  return withRequest("erase_user", integrationId, async ({ note }) => {
    const { db, auth } = await admitApiClient(req, integrationId);
    const id = userId.toWellFormed();
    const problem = userIdProblem(id);
    if (problem) throw new ApiError("invalid_field", `The user id in the path ${problem}`);
    const erasureId = newId("era");
    note.erasure_id = erasureId;
    const counts = await eraseEndUser(db, {
      workspaceId: auth.workspaceId,
      integrationId: auth.integrationId,
      userId: id,
      erasureId,
      userIdSha256: createHash("sha256").update(id).digest("hex"),
    });
    wakeWebhookWorker(); // user.erased goes out now rather than at the worker's next poll
    return json(
      200,
      {
        erasure_id: erasureId,
        user_id: id,
        erased: { conversations: counts.conversations, messages: counts.messages, leads: counts.leads },
      },
      {},
    );
  });
}
