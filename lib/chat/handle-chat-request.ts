import { getDb, type Db } from "@/db";
import type { Bot } from "@/db/schema";
import {
  countUserMessages,
  findApiConversation,
  findApiConversationWithTurns,
  isHumanOwned,
  listMessagesForClient,
  recentTurns,
  saveExchange,
  undeliveredAgentMessages,
  type ConversationPatch,
  type NewConversation,
} from "@/db/queries/conversations";
import { captureLead, getLeadDetails } from "@/db/queries/leads";
import { requestHandoff } from "@/lib/conversations/handoff";
import { loadApiAuth, touchLastUsed, type ApiAuthRecord } from "@/db/queries/integrations";
import { checkApiKeyFormat, matchesAnyHash } from "@/lib/api-keys";
import { parseTrustedProxies, resolveClientIp } from "@/lib/client-ip";
import { GenerationError, type EngineResult } from "@/lib/engine/types";
import { newId, randomBase62 } from "@/lib/ids";
import { isIpAllowed } from "@/lib/ip-allowlist";
import { logEvent } from "@/lib/log";
import { planLimits } from "@/lib/plans";
import { admitRequest } from "@/lib/admission";
import { refundMonthlyQuota } from "@/lib/quota";
import { peekRateLimit } from "@/lib/rate-limit";
import { ApiError } from "./api-error";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "./idempotency";
import { afterReply, beforeReply, mayAskMissing, NEW_CONVERSATION_STATE, type ConversationState } from "./policies";
import { generateReply, streamReply } from "./reply";
import { parseChatBody, readBodyCapped, type ChatBody } from "./request";

const INTEGRATION_ID = /^int_[0-9A-Za-z]{22}$/;
const CONVERSATION_ID = /^conv_[0-9A-Za-z]{22}$/;
const SSE_PING_MS = 10_000;

export type ChatResponseBody = {
  reply: string;
  conversation_id: string;
  message_id: string;
  handoff: boolean;
  sources?: string[];
};

let trustedProxiesCache: { raw: string | undefined; cidrs: string[] } | undefined;
function trustedProxies(): string[] {
  const raw = process.env.TRUSTED_PROXIES;
  if (!trustedProxiesCache || trustedProxiesCache.raw !== raw) trustedProxiesCache = { raw, cidrs: parseTrustedProxies(raw) };
  return trustedProxiesCache.cidrs;
}

// last_used_at is written at most once a minute per key; this spares the database even the no-op update.
const lastTouched = new Map<string, number>();
function noteUse(db: Db, integrationId: string, keyId: string) {
  const now = Date.now();
  if ((lastTouched.get(keyId) ?? 0) > now - 60_000) return;
  lastTouched.set(keyId, now);
  if (lastTouched.size > 10_000) lastTouched.clear();
  touchLastUsed(db, { integrationId, keyId }).catch((error) => logEvent("last_used_failed", { error: String(error) }));
}

type Admitted = { db: Db; auth: ApiAuthRecord; keyId: string };

/** Integration (404), key (401), IP (403): the checks shared by every Chat API route, in the contract's order. */
async function admit(req: Request, integrationId: string): Promise<Admitted> {
  if (!INTEGRATION_ID.test(integrationId)) throw new ApiError("integration_not_found");
  const db = await getDb();
  const auth = await loadApiAuth(db, integrationId);
  if (!auth) throw new ApiError("integration_not_found");
  const key = req.headers.get("x-api-key");
  if (!key) throw new ApiError("missing_api_key");
  // One identical answer for malformed, wrong, revoked, expired and other integrations' keys.
  // The record may be cached: a key whose grace period ended since is no longer live.
  const now = Date.now();
  const live = auth.keys.filter((k) => !k.expiresAt || k.expiresAt.getTime() > now);
  const match = checkApiKeyFormat(key) ? matchesAnyHash(key, live.map((k) => k.hash)) : -1;
  if (match < 0) throw new ApiError("invalid_api_key");
  const ip = resolveClientIp(req.headers, trustedProxies());
  if (!isIpAllowed(ip, auth.allowedIps)) throw new ApiError("ip_not_allowed");
  const keyId = live[match]!.id;
  noteUse(db, auth.integrationId, keyId);
  return { db, auth, keyId };
}

function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

function rateHeaders(limit: number, remaining: number, reset: number): Record<string, string> {
  return { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(remaining), "X-RateLimit-Reset": String(reset) };
}

/** Wraps a route's work with the request id, the JSON error body and one structured log line. */
async function withRequest(
  route: string,
  integrationId: string,
  work: (requestId: string, note: Record<string, unknown>) => Promise<Response>,
): Promise<Response> {
  const requestId = `req_${randomBase62(20)}`;
  const started = performance.now();
  const note: Record<string, unknown> = {};
  let response: Response;
  try {
    response = await work(requestId, note);
  } catch (error) {
    if (error instanceof ApiError) {
      note.code = error.code;
      response = json(error.status, error.body(), error.headers);
    } else {
      note.code = "internal_error";
      note.error = error instanceof Error ? error.message : String(error);
      response = json(500, new ApiError("internal_error").body(), {});
    }
  }
  response.headers.set("x-request-id", requestId);
  logEvent("chat_api", {
    request_id: requestId,
    route,
    integration_id: integrationId,
    status: response.status,
    latency_ms: Math.round(performance.now() - started),
    ...note,
  });
  return response;
}

/**
 * POST /chat/custom/:integrationId. Checks run in the contract's order: integration, key, IP, body,
 * rate limit, quota, conversation, generation. The quota is spent only by a request that gets a bot
 * reply: anything refused after it, or a failed generation, gives it back.
 */
export function handleChatRequest({ req, integrationId }: { req: Request; integrationId: string }): Promise<Response> {
  return withRequest("chat", integrationId, async (requestId, note) => {
    const { db, auth } = await admit(req, integrationId);
    const raw = await readBodyCapped(req);
    const body = parseChatBody(raw);

    const idemKey = req.headers.get("idempotency-key");
    if (idemKey !== null) {
      const claim = await claimIdempotencyKey(db, { integrationId: auth.integrationId, key: idemKey, rawBody: raw });
      if (claim.kind === "replay") {
        note.idempotent_replay = true;
        const rl = await peekRateLimit(db, { key: `int:${auth.integrationId}`, limit: planLimits(auth.plan).requestsPerMinute });
        const headers = { "Idempotent-Replayed": "true", ...rateHeaders(rl.limit, rl.remaining, rl.resetSeconds) };
        if (claim.statusCode === 200 && body.stream) return sseReplay(claim.response as ChatResponseBody, headers);
        return json(claim.statusCode, claim.response, headers);
      }
    }
    const idem = idemKey === null ? null : { integrationId: auth.integrationId, key: idemKey };
    try {
      const response = await admitAndAnswer(db, auth, body, requestId, note, idem);
      if (idem && !body.stream) await completeIdempotencyKey(db, { ...idem, statusCode: 200, response: await response.clone().json() });
      return response;
    } catch (error) {
      if (idem) {
        // A definite answer (bad conversation) is remembered; a retryable one (429, 5xx) frees the key.
        if (error instanceof ApiError && error.status < 500 && error.status !== 429) {
          await completeIdempotencyKey(db, { ...idem, statusCode: error.status, response: error.body() });
        } else {
          await releaseIdempotencyKey(db, idem).catch(() => {});
        }
      }
      throw error;
    }
  });
}

async function admitAndAnswer(
  db: Db,
  auth: ApiAuthRecord,
  body: ChatBody,
  requestId: string,
  note: Record<string, unknown>,
  idem: { integrationId: string; key: string } | null,
): Promise<Response> {
  const limits = planLimits(auth.plan);
  const { rate: rl, quota } = await admitRequest(db, {
    rateKey: `int:${auth.integrationId}`,
    requestsPerMinute: limits.requestsPerMinute,
    workspaceId: auth.workspaceId,
    messagesPerMonth: limits.messagesPerMonth,
  });
  const headers = rateHeaders(rl.limit, rl.remaining, rl.resetSeconds);
  if (!rl.allowed || !quota) throw new ApiError("rate_limited", undefined, { ...headers, "Retry-After": String(rl.retryAfterSeconds) });
  if (!quota.allowed) throw new ApiError("quota_exceeded", undefined, { ...headers, "Retry-After": String(quota.retryAfterSeconds) });
  const refund = () => refundMonthlyQuota(db, { workspaceId: auth.workspaceId, month: quota.month });

  let streaming = false;
  try {
    let conversation: NewConversation | { id: string };
    let history: Awaited<ReturnType<typeof recentTurns>> = [];
    let state: ConversationState = NEW_CONVERSATION_STATE;
    if (body.conversationId) {
      const withTurns = CONVERSATION_ID.test(body.conversationId)
        ? await findApiConversationWithTurns(db, { conversationId: body.conversationId, integrationId: auth.integrationId })
        : undefined;
      const found = withTurns?.conversation;
      // A conversation started with a user_id keeps it; resuming with another one is the same as a missing conversation.
      if (!found || (body.userId !== null && found.externalUserId !== body.userId)) throw new ApiError("conversation_not_found");
      note.conversation_id = found.id;

      if (isHumanOwned(found.status)) {
        // A person owns the conversation: store the message, hand over the team's new replies, and do not answer.
        const pending = await undeliveredAgentMessages(db, found.id);
        const saved = await saveExchange(db, { conversation: { id: found.id }, userMessage: body.message, reply: null, deliveredIds: pending.map((m) => m.id) });
        await refund(); // no bot reply: nothing to charge
        const result: ChatResponseBody = {
          reply: pending.map((m) => m.content).join("\n\n"),
          conversation_id: found.id,
          message_id: saved.userMessageId,
          handoff: true,
        };
        if (!body.stream) return json(200, result, headers);
        // No live stream will record this answer for a retry (handleChatRequest leaves streams to record themselves).
        if (idem) await completeIdempotencyKey(db, { ...idem, statusCode: 200, response: result });
        return sseReplay(result, headers);
      }
      conversation = { id: found.id };
      state = found;
      history = withTurns!.turns;
    } else {
      conversation = {
        id: newId("conv"),
        workspaceId: auth.workspaceId,
        botId: auth.botId,
        integrationId: auth.integrationId,
        externalUserId: body.userId,
        channel: "api",
      };
      note.conversation_id = conversation.id;
    }

    const bot = auth.bot;
    // A resolved conversation that the user writes to again is the bot's once more.
    const reopen: ConversationPatch = state.status === "resolved" ? { status: "bot" } : {};

    const decision = beforeReply(bot, state, body.message);
    if (decision.kind === "handoff") {
      // The user wants a person: say so, and from now on the bot stays silent until the team gives it back.
      const saved = await saveExchange(db, {
        conversation,
        userMessage: body.message,
        reply: { content: decision.reply, sources: [], engine: "handoff", latencyMs: 0 },
        patch: reopen,
        within: async (tx, conversationId) => {
          await requestHandoff(tx, { workspaceId: auth.workspaceId, conversationId, reason: decision.reason });
        },
      });
      note.handoff = decision.reason;
      const result: ChatResponseBody = { reply: decision.reply, conversation_id: conversation.id, message_id: saved.replyMessageId!, handoff: true };
      if (!body.stream) return json(200, result, headers);
      if (idem) await completeIdempotencyKey(db, { ...idem, statusCode: 200, response: result });
      return sseReplay(result, headers);
    }

    // The recent turns hold up to a dozen messages; only a long conversation that may still be asked needs the full count.
    const userTurns = history.filter((t) => t.role === "user").length;
    const mayAsk = bot.leadCapture.enabled && !state.leadAskedAt && !state.leadId;
    const userMessageCount = (mayAsk && userTurns >= 6 ? await countUserMessages(db, conversation.id) : userTurns) + 1;

    // A conversation linked to a lead, not yet asked: only its missing required fields may be asked for.
    const knownLead = mayAskMissing(bot, state) ? await getLeadDetails(db, state.leadId!) : null;

    /** Persists the exchange with the conversation's new state; returns the response and what was appended to the engine's reply. */
    const finish = async (result: EngineResult & { latencyMs: number }): Promise<{ out: ChatResponseBody; appended: string }> => {
      const after = afterReply({
        knownLead,
        bot,
        state,
        message: body.message,
        result,
        userMessageCount,
        earlierUserMessages: history.filter((t) => t.role === "user").map((t) => t.content),
        declinedOffer: decision.declinedOffer,
        now: new Date(),
      });
      const lead = after.lead;
      const saved = await saveExchange(db, {
        conversation,
        userMessage: body.message,
        reply: {
          content: after.reply,
          sources: result.usedPassages.map((p) => ({ sourceId: p.sourceId, title: p.title, chunkId: p.chunkId, score: p.score })),
          engine: result.engine,
          latencyMs: result.latencyMs,
        },
        patch: { ...reopen, ...after.patch },
        within: lead
          ? async (tx, conversationId) => {
              const captured = await captureLead(tx, { workspaceId: auth.workspaceId, conversationId, botId: bot.id, integrationId: auth.integrationId, details: lead, leadId: state.leadId });
              if (captured) note.lead = captured.created ? "created" : "updated";
            }
          : undefined,
      });
      note.engine = result.engine;
      const out: ChatResponseBody = { reply: after.reply, conversation_id: conversation.id, message_id: saved.replyMessageId!, handoff: false };
      if (auth.returnSources) out.sources = [...new Set(result.usedPassages.map((p) => p.title))];
      return { out, appended: after.reply.slice(result.reply.length) };
    };

    if (!body.stream) {
      const result = await generateReply(db, { bot, message: body.message, history });
      return json(200, (await finish(result)).out, headers);
    }
    streaming = true;
    return sseAnswer({ db, bot, body, history, conversationId: conversation.id, requestId, headers, finish, refund, idem, note });
  } catch (error) {
    if (!streaming) await refund().catch(() => {});
    if (error instanceof GenerationError) throw new ApiError(error.code);
    throw error;
  }
}

function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no", // nginx: do not buffer the stream
};

/** A finished answer sent as a stream: start, one delta, end. */
function sseReplay(result: ChatResponseBody, headers: Record<string, string>): Response {
  const text =
    sseEvent("start", { conversation_id: result.conversation_id }) +
    (result.reply ? sseEvent("delta", { text: result.reply }) : "") +
    sseEvent("end", result);
  return new Response(text, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}

/** `"stream": true`: start, deltas as the reply is written, end (the JSON response's object) or error; a ping comment every 10 s. */
function sseAnswer(args: {
  db: Db;
  bot: Bot;
  body: ChatBody;
  history: Awaited<ReturnType<typeof recentTurns>>;
  conversationId: string;
  requestId: string;
  headers: Record<string, string>;
  finish: (r: EngineResult & { latencyMs: number }) => Promise<{ out: ChatResponseBody; appended: string }>;
  refund: () => Promise<void>;
  idem: { integrationId: string; key: string } | null;
  note: Record<string, unknown>;
}): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (s: string) => controller.enqueue(encoder.encode(s));
      const ping = setInterval(() => send(": ping\n\n"), SSE_PING_MS);
      try {
        send(sseEvent("start", { conversation_id: args.conversationId }));
        const { deltas, final } = await streamReply(args.db, { bot: args.bot, message: args.body.message, history: args.history, signal: abort.signal });
        for await (const text of deltas) if (text) send(sseEvent("delta", { text }));
        const { out, appended } = await args.finish(await final);
        if (appended) send(sseEvent("delta", { text: appended }));
        if (args.idem) await completeIdempotencyKey(args.db, { ...args.idem, statusCode: 200, response: out });
        send(sseEvent("end", out));
      } catch (error) {
        await args.refund().catch(() => {});
        if (args.idem) await releaseIdempotencyKey(args.db, args.idem).catch(() => {});
        const apiError = error instanceof GenerationError ? new ApiError(error.code) : new ApiError("internal_error");
        logEvent("chat_api_stream_error", { request_id: args.requestId, code: apiError.code, error: error instanceof Error ? error.message : String(error) });
        send(sseEvent("error", apiError.body()));
      } finally {
        clearInterval(ping);
        controller.close();
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...args.headers } });
}

/** GET /chat/custom/:integrationId/conversations/:conversationId/messages: the transcript, for clients polling after a handoff. */
export function handleListMessages({
  req,
  integrationId,
  conversationId,
}: {
  req: Request;
  integrationId: string;
  conversationId: string;
}): Promise<Response> {
  return withRequest("messages", integrationId, async () => {
    const { db, auth } = await admit(req, integrationId);
    const userId = new URL(req.url).searchParams.get("user_id");
    const found = CONVERSATION_ID.test(conversationId)
      ? await findApiConversation(db, { conversationId, integrationId: auth.integrationId })
      : undefined;
    if (!found || (userId !== null && found.externalUserId !== userId)) throw new ApiError("conversation_not_found");
    const rows = await listMessagesForClient(db, found);
    return json(
      200,
      {
        conversation_id: found.id,
        handoff: isHumanOwned(found.status),
        status: found.status,
        messages: rows.map((m) => ({ id: m.id, role: m.role, content: m.content, created_at: m.createdAt.toISOString() })),
      },
      {},
    );
  });
}

/** Any other method on a Chat API path. */
export function methodNotAllowed(allow: string): Response {
  return json(405, { error: { code: "method_not_allowed", message: `Use ${allow} on this endpoint.` } }, {
    Allow: allow,
    "x-request-id": `req_${randomBase62(20)}`,
  });
}
