import { API_ERRORS } from "@/lib/chat/api-error";
import { API_KEY_PATTERN } from "@/lib/api-keys";

const errorCodes = Object.keys(API_ERRORS);

const errorResponse = (description: string) => ({
  description,
  headers: { "x-request-id": { $ref: "#/components/headers/RequestId" } },
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const rateHeaders = {
  "x-request-id": { $ref: "#/components/headers/RequestId" },
  "X-RateLimit-Limit": { description: "Requests a minute allowed for this integration.", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "Seconds until the limit is fully restored.", schema: { type: "integer" } },
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
              description: "Retries with the same key and body return the first response and are charged once (remembered for 24 hours).",
              schema: { type: "string", minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/ChatRequest" } } },
          },
          responses: {
            "200": {
              description: 'The reply. With `"stream": true`, a text/event-stream of `start`, `delta`, `end` (this object) and `error` events.',
              headers: rateHeaders,
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/ChatResponse" } },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            "400": errorResponse("invalid_json, message_required, message_too_long, invalid_field, invalid_idempotency_key"),
            "401": errorResponse("missing_api_key, invalid_api_key"),
            "403": errorResponse("ip_not_allowed"),
            "404": errorResponse("integration_not_found, conversation_not_found"),
            "409": errorResponse("idempotency_in_progress"),
            "413": errorResponse("payload_too_large (body over 64 KiB)"),
            "422": errorResponse("idempotency_key_reused"),
            "429": {
              ...errorResponse("rate_limited (per-minute limit of the integration) or quota_exceeded (monthly quota of the workspace)"),
              headers: { ...rateHeaders, "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } },
            },
            "500": errorResponse("internal_error, generation_failed, generation_timeout: retry with exponential back-off"),
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
            { name: "user_id", in: "query", required: false, description: "When given, must match the conversation's user.", schema: { type: "string" } },
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
    },
    components: {
      securitySchemes: { ApiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
      headers: { RequestId: { description: "Identifies the request in Parley's logs.", schema: { type: "string" } } },
      parameters: {
        IntegrationId: { name: "integrationId", in: "path", required: true, schema: { type: "string", pattern: "^int_[0-9A-Za-z]{22}$" } },
      },
      schemas: {
        ChatRequest: {
          type: "object",
          required: ["message"],
          properties: {
            message: { type: "string", minLength: 1, maxLength: 8000, description: "Must contain a non-whitespace character." },
            user_id: { type: ["string", "null"], minLength: 1, maxLength: 128, description: "Your end user's id; no control characters." },
            conversation_id: { type: ["string", "null"], description: "Continue this conversation; omit or null to start one." },
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
            handoff: { type: "boolean", description: "True while a team member owns the conversation; reply then holds their undelivered messages." },
            sources: { type: "array", items: { type: "string" }, description: "Titles of the knowledge used, when the integration enables it." },
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
                },
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
              properties: { code: { type: "string", enum: [...errorCodes, "method_not_allowed"] }, message: { type: "string" } },
            },
          },
        },
      },
    },
  };
}
