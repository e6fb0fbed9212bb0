import { isDatabaseUnavailable } from "@/db/availability";
import { GenerationError } from "@/lib/engine/types";
import { errorFields } from "@/lib/log";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

/** Every error code of the public Chat API, with its HTTP status and default message. */
export const API_ERRORS = {
  invalid_json: [400, "The request body must be a JSON object."],
  message_required: [400, "`message` is required and must be a string with at least one non-whitespace character."],
  message_too_long: [400, `\`message\` must be at most ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters.`],
  invalid_field: [400, "A field has the wrong type or length."],
  invalid_idempotency_key: [400, "`Idempotency-Key` must be 1 to 255 visible ASCII characters."],
  missing_api_key: [401, "Send your API key in the `x-api-key` header."],
  invalid_api_key: [401, "The API key is not valid for this integration."],
  ip_not_allowed: [403, "This integration does not accept requests from your IP address."],
  integration_not_found: [404, "No integration exists at this endpoint."],
  conversation_not_found: [404, "No such conversation for this integration and user."],
  message_not_found: [404, "No such reply of the bot in this integration's conversations."],
  idempotency_in_progress: [409, "A request with this Idempotency-Key is still being processed; retry shortly."],
  payload_too_large: [413, "The request body must be at most 64 KiB."],
  idempotency_key_reused: [422, "This Idempotency-Key was already used with a different request body."],
  rate_limited: [429, "Too many requests for this integration; retry after the time in Retry-After."],
  quota_exceeded: [
    429,
    "This workspace has used its monthly message quota; it resets at the start of next month (UTC).",
  ],
  user_rate_limited: [429, "Too many requests from this user_id; retry after the time in Retry-After."],
  user_quota_exceeded: [
    429,
    "This user_id has used its messages for the month on this integration; they reset at the start of next month (UTC).",
  ],
  internal_error: [500, "Something went wrong on our side. Retry with exponential back-off."],
  generation_failed: [500, "The bot could not generate a reply. Retry with exponential back-off."],
  generation_timeout: [500, "The bot took too long to reply. Retry with exponential back-off."],
  service_unavailable: [503, "The service is briefly unavailable. Retry after the time in Retry-After."],
} as const satisfies Record<string, readonly [number, string]>;

/** The website widget's own refusals (lib/widget), on top of the Chat API's. */
export const WIDGET_ERRORS = {
  invalid_visitor_token: [401, "The visitor token is missing, expired, or not valid for this widget and website."],
  invalid_identity: [401, "`user_hash` is not the identity hash of `user_id` for this widget."],
  origin_not_allowed: [403, "This widget is not allowed on this website."],
  widget_unavailable: [403, "Chat is unavailable right now."],
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof API_ERRORS | keyof typeof WIDGET_ERRORS;
const ALL_ERRORS: Record<ApiErrorCode, readonly [number, string]> = { ...API_ERRORS, ...WIDGET_ERRORS };

/** An expected refusal of the Chat API: it knows its status and code, and becomes the JSON body in one place. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? ALL_ERRORS[code][1]);
    this.status = ALL_ERRORS[code][0];
  }

  body() {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Seconds a client is asked to wait while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** nginx's status for "the client closed the request", used in log lines only. */
export const CLIENT_CLOSED_REQUEST = 499;

/** The client went away before its request was read: nobody to answer, logged as aborted (499), not as a failure. */
export class ClientAborted extends Error {
  constructor() {
    super("The client closed the request.");
  }
}

/**
 * Any failure of a Chat API or widget request as the error the client gets, with what its log line
 * says in `note`: a refusal as itself, a database that cannot be reached as 503 with Retry-After, a
 * bug as 500 (its kind and code, never a failed statement's parameters: lib/log's errorFields).
 */
export function failureToApiError(thrown: unknown, note: Record<string, unknown>): ApiError {
  if (thrown instanceof ClientAborted) {
    note.code = "client_aborted";
    return new ApiError("internal_error"); // nobody is left to read it
  }
  const error = thrown instanceof GenerationError ? new ApiError(thrown.code) : thrown;
  if (error instanceof ApiError) {
    note.code = error.code;
    return error;
  }
  if (isDatabaseUnavailable(error)) {
    note.code = "service_unavailable";
    note.error_code = errorFields(error).error_code;
    return new ApiError("service_unavailable", undefined, { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
  }
  note.code = "internal_error";
  Object.assign(note, errorFields(error));
  return new ApiError("internal_error");
}
