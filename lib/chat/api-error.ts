/** Every error code of the public Chat API, with its HTTP status and default message. */
export const API_ERRORS = {
  invalid_json: [400, "The request body must be a JSON object."],
  message_required: [400, "`message` is required and must be a string with at least one non-whitespace character."],
  message_too_long: [400, "`message` must be at most 8,000 characters."],
  invalid_field: [400, "A field has the wrong type or length."],
  invalid_idempotency_key: [400, "`Idempotency-Key` must be 1 to 255 visible ASCII characters."],
  missing_api_key: [401, "Send your API key in the `x-api-key` header."],
  invalid_api_key: [401, "The API key is not valid for this integration."],
  ip_not_allowed: [403, "This integration does not accept requests from your IP address."],
  integration_not_found: [404, "No integration exists at this endpoint."],
  conversation_not_found: [404, "No such conversation for this integration and user."],
  idempotency_in_progress: [409, "A request with this Idempotency-Key is still being processed; retry shortly."],
  payload_too_large: [413, "The request body must be at most 64 KiB."],
  idempotency_key_reused: [422, "This Idempotency-Key was already used with a different request body."],
  rate_limited: [429, "Too many requests for this integration; retry after the time in Retry-After."],
  quota_exceeded: [429, "This workspace has used its monthly message quota; it resets at the start of next month (UTC)."],
  internal_error: [500, "Something went wrong on our side. Retry with exponential back-off."],
  generation_failed: [500, "The bot could not generate a reply. Retry with exponential back-off."],
  generation_timeout: [500, "The bot took too long to reply. Retry with exponential back-off."],
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An expected refusal of the Chat API: it knows its status and code, and becomes the JSON body in one place. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? API_ERRORS[code][1]);
    this.status = API_ERRORS[code][0];
  }

  body() {
    return { error: { code: this.code, message: this.message } };
  }
}
