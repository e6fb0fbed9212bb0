import { API_ERRORS, WIDGET_ERRORS } from "@/lib/chat/api-error";
import { API_KEY_PATTERN } from "@/lib/api-keys";
import { idPattern } from "@/lib/ids";
import { CONVERSATIONS_PAGE, MAX_FEEDBACK_COMMENT_CHARS, MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

const errorCodes = [...Object.keys(API_ERRORS), ...Object.keys(WIDGET_ERRORS)];

const errorResponse = (description: string) => ({
  description,
  headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** A JSON request body of this schema. */
const jsonBody = <S extends object>(schema: S, required = true) => ({
  required,
  content: { "application/json": { schema } },
});

/** How a widget call after its session refuses a visitor: the token, then the website. */
const visitorRefusals = {
  "401": errorResponse("invalid_visitor_token"),
  "403": errorResponse("origin_not_allowed, widget_unavailable"),
};

const rateHeaders = {
  "x-request-id": { $ref: "#/components/headers/RequestId" },
  "X-RateLimit-Limit": { description: "Requests a minute allowed for this integration.", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "Seconds until the limit is fully restored.", schema: { type: "integer" } },
};

/** What the Custom API's and the widget's feedback endpoints share: the path, the body and the answer. */
const feedbackOperation = {
  parameters: [{ $ref: "#/components/parameters/IntegrationId" }, { $ref: "#/components/parameters/MessageId" }],
  requestBody: jsonBody({ $ref: "#/components/schemas/FeedbackRequest" }),
  responses: {
    "200": {
      description: "The reply's rating as stored.",
      headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
      content: { "application/json": { schema: { $ref: "#/components/schemas/Feedback" } } },
    },
  },
};

/** 503: the database cannot be reached right now; nothing was spent. */
const unavailable = {
  ...errorResponse(
    "service_unavailable: the service cannot reach its database right now (answered at once rather than after a long wait); nothing was spent. Retry after Retry-After.",
  ),
  headers: {
    "x-request-id": { $ref: "#/components/headers/RequestId" },
    "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } },
  },
};

/** Sent when the integration limits its end users and the request has a user_id. */
const endUserHeaders = {
  "X-RateLimit-User-Limit": {
    description: "Requests a minute one user_id may send (when the integration sets it).",
    schema: { type: "integer" },
  },
  "X-RateLimit-User-Remaining": {
    description: "This user's requests left in the window.",
    schema: { type: "integer" },
  },
  "X-RateLimit-User-Reset": {
    description: "Seconds until this user's limit is fully restored.",
    schema: { type: "integer" },
  },
  "X-Quota-User-Limit": {
    description: "Messages a month one user_id may send (when the integration sets it).",
    schema: { type: "integer" },
  },
  "X-Quota-User-Remaining": { description: "This user's messages left this month.", schema: { type: "integer" } },
  "X-Quota-User-Reset": { description: "Seconds until the month ends (UTC).", schema: { type: "integer" } },
};

/** The OpenAPI 3.1 description of the public Chat API, served at /api/openapi.json. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley Chat API",
      version: "1.0.0",
      description:
        "Send a user's message to a bot and get its reply. Knowledge retrieval, conversation memory, lead capture and human handoff happen behind this one call. " +
        `API keys match the regular expression \`${API_KEY_PATTERN}\` (for secret scanners).`,
    },
    servers: [{ url: serverUrl }],
    security: [{ ApiKey: [] }],
    paths: {
      "/chat/custom/{integrationId}": {
        post: {
          operationId: "chat",
          summary: "Send a message and get the bot's reply",
          parameters: [
            { $ref: "#/components/parameters/IntegrationId" },
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              description:
                "Retries with the same key and body return the first response and are charged once (remembered for 24 hours).",
              schema: { type: "string", minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: jsonBody({ $ref: "#/components/schemas/ChatRequest" }),
          responses: {
            "200": {
              description:
                'The reply. With `"stream": true`, a text/event-stream of `start`, `delta`, `end` (this object) and `error` events.',
              headers: { ...rateHeaders, ...endUserHeaders },
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/ChatResponse" } },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            "400": errorResponse(
              "invalid_json, message_required, message_too_long, invalid_field, invalid_idempotency_key",
            ),
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse("integration_not_found, conversation_not_found"),
            "409": errorResponse("idempotency_in_progress"),
            "413": errorResponse("payload_too_large (body over 64 KiB)"),
            "422": errorResponse("idempotency_key_reused"),
            "429": {
              ...errorResponse(
                "rate_limited (per-minute limit of the integration), quota_exceeded (monthly quota of the workspace), user_rate_limited or user_quota_exceeded (the integration's optional limits per user_id)",
              ),
              headers: {
                ...rateHeaders,
                ...endUserHeaders,
                "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } },
              },
            },
            "500": errorResponse(
              "internal_error, generation_failed, generation_timeout: retry with exponential back-off",
            ),
            "503": unavailable,
          },
        },
      },
      "/chat/custom/{integrationId}/conversations/{conversationId}/messages": {
        get: {
          operationId: "listMessages",
          summary: "The conversation's messages (poll for a team member's replies after a handoff)",
          parameters: [
            { $ref: "#/components/parameters/IntegrationId" },
            { name: "conversationId", in: "path", required: true, schema: { type: "string" } },
            {
              name: "user_id",
              in: "query",
              required: false,
              description: "When given, must match the conversation's user.",
              schema: { type: "string" },
            },
          ],
          responses: {
            "200": {
              description: "Messages, oldest first. Team messages returned here count as delivered.",
              headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/MessageList" } } },
            },
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse("integration_not_found, conversation_not_found"),
          },
        },
      },
      "/chat/custom/{integrationId}/conversations": {
        get: {
          operationId: "listConversations",
          summary: "The integration's conversations, a page at a time (for your own records)",
          description:
            "By last activity, oldest first. Follow `next_cursor` until it is null; a conversation that gets a new message meanwhile moves to the end and is listed again. Pass the last `last_message_at` you stored as `since` to fetch what changed.",
          parameters: [
            { $ref: "#/components/parameters/IntegrationId" },
            {
              name: "user_id",
              in: "query",
              required: false,
              description: "Only this end user's conversations.",
              schema: { type: "string", minLength: 1, maxLength: 128 },
            },
            {
              name: "since",
              in: "query",
              required: false,
              description:
                "Only conversations with a message at or after this time: an RFC 3339 date-time with its time zone, or a date (midnight UTC).",
              schema: { type: "string", format: "date-time" },
            },
            {
              name: "limit",
              in: "query",
              required: false,
              schema: {
                type: "integer",
                minimum: 1,
                maximum: CONVERSATIONS_PAGE.max,
                default: CONVERSATIONS_PAGE.default,
              },
            },
            {
              name: "cursor",
              in: "query",
              required: false,
              description: "The previous page's `next_cursor`, as it came.",
              schema: { type: "string" },
            },
          ],
          responses: {
            "200": {
              description: "One page of conversations.",
              headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/ConversationList" } } },
            },
            "400": errorResponse(
              "invalid_field (a query parameter malformed, out of range or given twice; the message names it)",
            ),
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse("integration_not_found"),
          },
        },
      },
      "/chat/custom/{integrationId}/users/{userId}": {
        delete: {
          operationId: "eraseUser",
          summary: "Erase an end user: their conversations, messages and leads in the workspace",
          description:
            "Deletes the conversations started with this user_id in every integration of the workspace (and a website widget's conversations of that verified user) with their messages, the leads they captured, webhook payloads about them and stored idempotent responses; writes an audit entry and sends `user.erased`. Neither keeps the id: they carry `erasure_id` and the SHA-256 of the user id. Nothing to erase is not an error (zero counts).",
          parameters: [
            { $ref: "#/components/parameters/IntegrationId" },
            {
              name: "userId",
              in: "path",
              required: true,
              description: "The end user's id (the `user_id` sent with their messages), URL-encoded.",
              schema: { type: "string", minLength: 1, maxLength: 128 },
            },
          ],
          responses: {
            "200": {
              description: "Erased (or nothing was left to erase).",
              headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/Erasure" } } },
            },
            "400": errorResponse("invalid_field (the user id is over 128 characters or has control characters)"),
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse("integration_not_found"),
          },
        },
      },
      "/chat/custom/{integrationId}/messages/{messageId}/feedback": {
        post: {
          operationId: "rateReply",
          summary: "Rate a bot reply thumbs up or down, with an optional comment",
          description:
            "One rating per reply: sending it again replaces the rating and comment, and the same rating again changes nothing (safe to retry). Spends no rate limit or quota. Reported by the `feedback.created` webhook.",
          ...feedbackOperation,
          responses: {
            ...feedbackOperation.responses,
            "400": errorResponse("invalid_json, invalid_field (rating or comment)"),
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse(
              "integration_not_found, message_not_found (not a bot reply of this integration's conversations)",
            ),
            "413": errorResponse("payload_too_large (body over 64 KiB)"),
          },
        },
      },

      "/chat/widget/{integrationId}/session": {
        post: {
          operationId: "widgetSession",
          summary: "Website widget: its settings and a visitor token (called by widget.js from the page)",
          description:
            "No secret: the browser's `Origin` must be one of the widget's allowed websites (CORS is answered only for them; any other origin, or none, gets 403 and spends nothing). The token is signed, bound to the widget and the website, and lives an hour; send the previous one to keep the same visitor (up to 30 days after it expired).",
          security: [],
          parameters: [{ $ref: "#/components/parameters/IntegrationId" }],
          requestBody: jsonBody({ $ref: "#/components/schemas/WidgetSessionRequest" }, false),
          responses: {
            "200": {
              description: "The widget's settings and a fresh visitor token.",
              headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/WidgetSession" } } },
            },
            "400": errorResponse("invalid_json, invalid_field"),
            "401": errorResponse("invalid_identity (user_hash is not HMAC-SHA256(secret, user_id))"),
            "403": errorResponse(
              "origin_not_allowed (no CORS headers), widget_unavailable (the widget is disabled: show that chat is unavailable)",
            ),
            "404": errorResponse("integration_not_found (no such widget, or deleted)"),
            "429": errorResponse("rate_limited (too many requests from this address)"),
          },
        },
      },
      "/chat/widget/{integrationId}/messages": {
        post: {
          operationId: "widgetMessage",
          summary: "Website widget: send the visitor's message (the same conversation turn as the Chat API)",
          security: [{ VisitorToken: [] }],
          parameters: [{ $ref: "#/components/parameters/IntegrationId" }],
          requestBody: jsonBody({
            type: "object",
            required: ["message"],
            properties: {
              message: { type: "string", minLength: 1, maxLength: MAX_MESSAGE_CHARS },
              conversation_id: { type: ["string", "null"] },
              stream: { type: "boolean", default: false },
            },
          }),
          responses: {
            "200": {
              description: "As the Chat API's 200 (JSON, or server-sent events with `stream: true`).",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/ChatResponse" } },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            "400": errorResponse("invalid_json, message_required, message_too_long, invalid_field"),
            "401": errorResponse("invalid_visitor_token (missing, expired, another widget's or another website's)"),
            "403": errorResponse("origin_not_allowed, widget_unavailable"),
            "404": errorResponse("integration_not_found, conversation_not_found (also another visitor's conversation)"),
            "413": errorResponse("payload_too_large"),
            "429": errorResponse(
              "rate_limited (the widget's plan limit, or this visitor's or address's limit) or quota_exceeded",
            ),
            "500": errorResponse("internal_error, generation_failed, generation_timeout"),
            "503": unavailable,
          },
        },
      },
      "/chat/widget/{integrationId}/contact": {
        post: {
          operationId: "widgetContact",
          summary: "Website widget: the visitor's name and email, asked before the chat, stored as a lead",
          security: [{ VisitorToken: [] }],
          parameters: [{ $ref: "#/components/parameters/IntegrationId" }],
          requestBody: jsonBody({
            type: "object",
            required: ["conversation_id", "email"],
            properties: {
              conversation_id: { type: "string" },
              name: { type: ["string", "null"], maxLength: 100 },
              email: { type: "string", format: "email" },
            },
          }),
          responses: {
            "200": { description: "Stored.", content: { "application/json": { schema: { type: "object" } } } },
            "400": errorResponse("invalid_json, invalid_field"),
            ...visitorRefusals,
            "404": errorResponse("integration_not_found, conversation_not_found"),
            "429": errorResponse("rate_limited"),
          },
        },
      },
      "/chat/widget/{integrationId}/conversations/{conversationId}/messages": {
        get: {
          operationId: "widgetTranscript",
          summary: "Website widget: the visitor's conversation (restored after a reload; polled after a handoff)",
          security: [{ VisitorToken: [] }],
          parameters: [
            { $ref: "#/components/parameters/IntegrationId" },
            { name: "conversationId", in: "path", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: "Messages, oldest first, and the conversation's status (human_active: a person has joined).",
              content: { "application/json": { schema: { $ref: "#/components/schemas/MessageList" } } },
            },
            ...visitorRefusals,
            "404": errorResponse("integration_not_found, conversation_not_found"),
          },
        },
      },
      "/chat/widget/{integrationId}/messages/{messageId}/feedback": {
        post: {
          operationId: "widgetRateReply",
          summary: "Website widget: the visitor's thumbs up or down on a reply of their own conversation",
          security: [{ VisitorToken: [] }],
          ...feedbackOperation,
          responses: {
            ...feedbackOperation.responses,
            "400": errorResponse("invalid_json, invalid_field"),
            ...visitorRefusals,
            "404": errorResponse("integration_not_found, message_not_found (also a reply of another visitor)"),
            "413": errorResponse("payload_too_large"),
            "429": errorResponse("rate_limited (too many requests from this address)"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        ApiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        VisitorToken: { type: "http", scheme: "bearer", description: "The widget session's visitor token." },
      },
      headers: { RequestId: { description: "Identifies the request in Parley's logs.", schema: { type: "string" } } },
      parameters: {
        IntegrationId: {
          name: "integrationId",
          in: "path",
          required: true,
          schema: { type: "string", pattern: idPattern("int") },
        },
        MessageId: {
          name: "messageId",
          in: "path",
          required: true,
          description: "The `message_id` of a chat response.",
          schema: { type: "string", pattern: idPattern("msg") },
        },
      },
      schemas: {
        ChatRequest: {
          type: "object",
          required: ["message"],
          properties: {
            message: {
              type: "string",
              minLength: 1,
              maxLength: MAX_MESSAGE_CHARS,
              description: "Must contain a non-whitespace character.",
            },
            user_id: {
              type: ["string", "null"],
              minLength: 1,
              maxLength: 128,
              description: "Your end user's id; no control characters.",
            },
            conversation_id: {
              type: ["string", "null"],
              description: "Continue this conversation; omit or null to start one.",
            },
            stream: { type: "boolean", default: false, description: "Reply as server-sent events." },
          },
        },
        ChatResponse: {
          type: "object",
          required: ["reply", "conversation_id"],
          properties: {
            reply: { type: "string" },
            conversation_id: { type: "string" },
            message_id: { type: "string" },
            handoff: {
              type: "boolean",
              description:
                "True while a team member owns the conversation; reply then holds their undelivered messages.",
            },
            sources: {
              type: "array",
              items: { type: "string" },
              description: "Titles of the knowledge used, when the integration enables it.",
            },
          },
        },
        MessageList: {
          type: "object",
          properties: {
            conversation_id: { type: "string" },
            handoff: { type: "boolean" },
            status: { type: "string", enum: ["bot", "handoff_requested", "human_active", "resolved"] },
            messages: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string" },
                  role: { type: "string", enum: ["user", "assistant", "agent"] },
                  content: { type: "string" },
                  created_at: { type: "string", format: "date-time" },
                  handoff: {
                    type: "boolean",
                    description: "Present (true) on the bot's reply that handed the conversation to the team.",
                  },
                },
              },
            },
          },
        },
        ConversationList: {
          type: "object",
          required: ["conversations", "has_more", "next_cursor"],
          properties: {
            conversations: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string" },
                  user_id: { type: ["string", "null"] },
                  status: { type: "string", enum: ["bot", "handoff_requested", "human_active", "resolved"] },
                  handoff: { type: "boolean", description: "True while the conversation is with the team." },
                  created_at: { type: "string", format: "date-time" },
                  last_message_at: { type: "string", format: "date-time" },
                  message_count: { type: "integer" },
                },
              },
            },
            has_more: { type: "boolean" },
            next_cursor: {
              type: ["string", "null"],
              description: "Pass as `cursor` for the next page; null on the last.",
            },
          },
        },
        Erasure: {
          type: "object",
          required: ["erasure_id", "user_id", "erased"],
          properties: {
            erasure_id: {
              type: "string",
              description: "Names this erasure in the audit log and the user.erased webhook.",
            },
            user_id: { type: "string" },
            erased: {
              type: "object",
              properties: {
                conversations: { type: "integer" },
                messages: { type: "integer" },
                leads: { type: "integer" },
              },
            },
          },
        },
        FeedbackRequest: {
          type: "object",
          required: ["rating"],
          properties: {
            rating: { type: "string", enum: ["up", "down"] },
            comment: {
              type: ["string", "null"],
              maxLength: MAX_FEEDBACK_COMMENT_CHARS,
              description: "Why, in the user's words; blank counts as none.",
            },
          },
        },
        Feedback: {
          type: "object",
          required: ["message_id", "conversation_id", "rating", "comment", "created_at", "updated_at"],
          properties: {
            message_id: { type: "string" },
            conversation_id: { type: "string" },
            rating: { type: "string", enum: ["up", "down"] },
            comment: { type: ["string", "null"] },
            created_at: { type: "string", format: "date-time" },
            updated_at: { type: "string", format: "date-time", description: "When the rating was last changed." },
          },
        },
        WidgetSessionRequest: {
          type: "object",
          properties: {
            token: { type: ["string", "null"], description: "The visitor's previous token, to stay the same visitor." },
            user_id: {
              type: ["string", "null"],
              maxLength: 128,
              description: "Identity verification: your user's id.",
            },
            user_hash: {
              type: ["string", "null"],
              description: "Hex HMAC-SHA256 of user_id under the widget's identity secret, computed by your backend.",
            },
          },
        },
        WidgetSession: {
          type: "object",
          properties: {
            token: { type: "string" },
            expires_at: { type: "integer", description: "Seconds since the epoch." },
            verified: { type: "boolean" },
            conversation_id: {
              type: ["string", "null"],
              description: "A verified user's latest conversation (their history on any device).",
            },
            config: {
              type: "object",
              properties: {
                title: { type: "string" },
                greeting: { type: "string" },
                accent_color: { type: "string" },
                theme: { type: "string", enum: ["light", "dark", "auto"] },
                position: { type: "string", enum: ["right", "left"] },
                launcher_icon: { type: "string", enum: ["chat", "help", "sparkles"] },
                ask_contact: { type: "boolean" },
              },
            },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: [...errorCodes, "method_not_allowed"] },
                message: { type: "string" },
              },
            },
          },
        },
      },
    },
  };
}
