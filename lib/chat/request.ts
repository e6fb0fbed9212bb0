import type { FeedbackRating } from "@/db/schema";
import { MAX_FEEDBACK_COMMENT_CHARS, MAX_MESSAGE_CHARS } from "@/lib/validations/limits";
import { ApiError, ClientAborted } from "./api-error";

export const MAX_BODY_BYTES = 64 * 1024;
/** C0 and C1 control characters, refused in ids and names a client sends. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export type ChatBody = {
  message: string;
  userId: string | null;
  conversationId: string | null;
  stream: boolean;
};

/** The raw body, refusing anything over 64 KiB without reading it all (a lying Content-Length included). */
export async function readBodyCapped(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new ApiError("payload_too_large");
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // Reading fails only when the client went away mid-body.
    const { done, value } = await reader.read().catch(() => {
      throw new ClientAborted();
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ApiError("payload_too_large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Why a `user_id` is not acceptable (null when it is): 1-128 characters, no control characters. */
export function userIdProblem(s: string): string | null {
  if (s.length < 1 || [...s].length > 128) return "must be 1 to 128 characters.";
  return CONTROL_CHARS.test(s) ? "must not contain control characters." : null;
}

function optionalString(value: unknown, field: string, check: (s: string) => string | null): string | null {
  if (value === undefined || value === null) return null; // null means "not given"
  if (typeof value !== "string") throw new ApiError("invalid_field", `\`${field}\` must be a string or null.`);
  // The database stores a lone surrogate as U+FFFD, so compare and store the same well-formed text.
  const text = value.toWellFormed();
  const problem = check(text);
  if (problem) throw new ApiError("invalid_field", `\`${field}\` ${problem}`);
  return text;
}

/** A body that must be a JSON object (400 invalid_json otherwise). */
export function jsonObject(raw: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError("invalid_json");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ApiError("invalid_json");
  return json as Record<string, unknown>;
}

/** Validates the JSON body of POST /chat/custom/:id, with the error codes of API.md. Unknown fields are ignored. */
export function parseChatBody(raw: string): ChatBody {
  const body = jsonObject(raw);

  const rawMessage = body.message;
  // PostgreSQL text cannot hold NUL, so it is dropped first: a message of NULs and spaces says nothing.
  const message = typeof rawMessage === "string" ? rawMessage.replaceAll("\u0000", "").toWellFormed() : "";
  if (!/\S/.test(message)) throw new ApiError("message_required");
  // Characters as a person counts them (code points), not UTF-16 units.
  if (message.length > MAX_MESSAGE_CHARS && [...message].length > MAX_MESSAGE_CHARS)
    throw new ApiError("message_too_long");

  const userId = optionalString(body.user_id, "user_id", userIdProblem);
  const conversationId = optionalString(body.conversation_id, "conversation_id", (s) =>
    s.length < 1 || s.length > 64 ? "must be 1 to 64 characters." : null,
  );
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    throw new ApiError("invalid_field", "`stream` must be a boolean.");
  }
  return { message, userId, conversationId, stream: body.stream === true };
}

export type FeedbackBody = { rating: FeedbackRating; comment: string | null };

/** Validates the JSON body of a rating of a reply (`{ rating: "up" | "down", comment? }`). Unknown fields are ignored. */
export function parseFeedbackBody(raw: string): FeedbackBody {
  const body = jsonObject(raw);
  if (body.rating !== "up" && body.rating !== "down")
    throw new ApiError("invalid_field", '`rating` is required and must be "up" or "down".');
  // NUL cannot be stored; a comment of only whitespace says nothing and is no comment.
  const comment = optionalString(body.comment, "comment", (s) =>
    [...s].length > MAX_FEEDBACK_COMMENT_CHARS
      ? `must be at most ${MAX_FEEDBACK_COMMENT_CHARS.toLocaleString("en-US")} characters.`
      : null,
  );
  const text = comment?.replaceAll("\u0000", "").trim();
  return { rating: body.rating, comment: text ? text : null };
}
