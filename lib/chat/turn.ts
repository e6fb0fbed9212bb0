import type { Db } from "@/db";
import {
  countUserMessages,
  findApiConversationWithTurns,
  isHumanOwned,
  saveExchange,
  undeliveredAgentMessages,
  type ConversationPatch,
  type NewConversation,
} from "@/db/queries/conversations";
import type { ApiAuthRecord } from "@/db/queries/integrations";
import { captureLead, getLeadDetails } from "@/db/queries/leads";
import { admitRequest, type Admission, type Refusal } from "@/lib/admission";
import { requestHandoff } from "@/db/queries/handoff";
import { beforeReply, type BeforeReply } from "@/lib/handoff/policy";
import { mayAskMissing } from "@/lib/leads/policy";
import type { EngineResult, Turn as Message } from "@/lib/engine/types";
import { isId, newId } from "@/lib/ids";
import { hybridRetriever } from "@/lib/knowledge/hybrid";
import type { Retriever } from "@/lib/knowledge/retrieve";
import { unansweredReason } from "@/lib/unanswered/rules";
import { planLimits } from "@/lib/plans";
import { ApiError } from "./api-error";
import { admissionHeaders } from "./headers";
import { afterReply, NEW_CONVERSATION_STATE, type AfterReply, type ConversationState } from "./policies";
import { generateReply, streamReply } from "./reply";
import type { ChatBody } from "./request";

/**
 * A conversation turn: one user message through the limits, the conversation and its memory, the
 * bot's policies, the answer (lib/chat/reply.ts: retrieval, then an engine) and the save. It returns
 * a value and knows nothing of HTTP rendering; the channel in front (lib/chat/channel.ts) decides who
 * may ask, the renderer behind (lib/chat/render.ts) how the value is sent.
 */

export type ChatResponseBody = {
  reply: string;
  conversation_id: string;
  message_id: string;
  handoff: boolean;
  sources?: string[];
};

/**
 * What a conversation turn needs to know about the channel that admitted it: the Chat API passes its
 * integration record; the website widget (lib/widget) passes its own, with `channel: "widget"`.
 */
export type TurnChannel = Pick<
  ApiAuthRecord,
  "integrationId" | "workspaceId" | "botId" | "plan" | "returnSources" | "bot" | "endUserLimits"
> & { channel?: "api" | "widget" };

/** One user message being answered, and what the turn has settled so far. */
export type Turn = {
  db: Db;
  auth: TurnChannel;
  body: ChatBody;
  /** Fields for the request's log line. */
  note: Record<string, unknown>;
  /** The limits' headers once the request was admitted (X-RateLimit-*, and the end user's). */
  limitHeaders: Record<string, string> | null;
  /** The quota's hold on this message, once it took it: settled by the stored reply, or given back by a refund (the end user's month too). */
  quotaHold: string | null;
};

/** The turn's value: the response body, and whether the bot replied (what the quota charges for). */
export type TurnReply = { body: ChatResponseBody; botReplied: boolean };

/** Where an answer goes while it is written (a streamed response): `begin` before the first word. */
export type LiveAnswer = { begin(conversationId: string): void; delta(text: string): void; signal: AbortSignal };

type OpenConversation = {
  conversation: NewConversation | { id: string };
  state: ConversationState;
  history: Message[];
};

/** A turn about to be taken: the channel's admitted caller and the message. */
export function newTurn({
  db,
  channel,
  body,
  note,
}: {
  db: Db;
  channel: TurnChannel;
  body: ChatBody;
  note: Record<string, unknown>;
}): Turn {
  return { db, auth: channel, body, note, limitHeaders: null, quotaHold: null };
}

/** Limits → conversation → a person owns it, the user wants a person, or the bot answers → saved. */
export async function takeTurn(turn: Turn, live: LiveAnswer | null): Promise<TurnReply> {
  const started = performance.now();
  await admit(turn);
  turn.note.admission_ms = Math.round(performance.now() - started);
  const open = await openConversation(turn);
  if (isHumanOwned(open.state.status)) return relayTeamReplies(turn, open.conversation.id);
  const decision = beforeReply(turn.auth.bot, open.state, turn.body.message);
  if (decision.kind === "handoff") return handOff(turn, open, decision);
  return answer(turn, open, { declinedOffer: decision.declinedOffer, live });
}

const REFUSALS: Record<Refusal, "user_rate_limited" | "rate_limited" | "user_quota_exceeded" | "quota_exceeded"> = {
  user_rate: "user_rate_limited",
  rate: "rate_limited",
  user_quota: "user_quota_exceeded",
  quota: "quota_exceeded",
};

/** When a refused request may try again: the refusing limit's Retry-After. */
function retryAfter({ refusedBy, rate, quota, endUser }: Admission): number {
  if (refusedBy === "user_rate") return endUser!.rate!.retryAfterSeconds;
  if (refusedBy === "user_quota") return endUser!.quota!.allowed ? 1 : endUser!.quota!.retryAfterSeconds;
  if (refusedBy === "quota" && quota && !quota.allowed) return quota.retryAfterSeconds;
  return rate.retryAfterSeconds;
}

/** The end user's rate limit and the integration's (429), then the end user's month and the workspace's (429). */
async function admit(turn: Turn): Promise<void> {
  const { auth, body } = turn;
  const limits = planLimits(auth.plan);
  const { requestsPerMinute, messagesPerMonth } = auth.endUserLimits;
  const limitsUser = body.userId !== null && (requestsPerMinute !== null || messagesPerMonth !== null);
  const admission = await admitRequest(turn.db, {
    rateKey: `int:${auth.integrationId}`,
    requestsPerMinute: limits.requestsPerMinute,
    workspaceId: auth.workspaceId,
    messagesPerMonth: limits.messagesPerMonth,
    endUser: limitsUser ? { integrationId: auth.integrationId, userId: body.userId!, ...auth.endUserLimits } : null,
  });
  const headers = admissionHeaders(admission);
  if (admission.refusedBy)
    throw new ApiError(REFUSALS[admission.refusedBy], undefined, {
      ...headers,
      "Retry-After": String(retryAfter(admission)),
    });
  turn.limitHeaders = headers;
  turn.quotaHold = admission.quota!.allowed ? admission.quota!.hold : null;
}

/** A new conversation, or the one resumed with its recent messages (404 when it is not this caller's). */
async function openConversation(turn: Turn): Promise<OpenConversation> {
  const { auth, body } = turn;
  if (!body.conversationId) {
    const conversation: NewConversation = {
      id: newId("conv"),
      workspaceId: auth.workspaceId,
      botId: auth.botId,
      integrationId: auth.integrationId,
      externalUserId: body.userId,
      channel: auth.channel ?? "api",
    };
    turn.note.conversation_id = conversation.id;
    return { conversation, state: NEW_CONVERSATION_STATE, history: [] };
  }
  const found = isId("conv", body.conversationId)
    ? await findApiConversationWithTurns(turn.db, {
        conversationId: body.conversationId,
        integrationId: auth.integrationId,
      })
    : undefined;
  // A conversation started with a user_id keeps it; resuming with another one is the same as a missing conversation.
  if (!found || (body.userId !== null && found.conversation.externalUserId !== body.userId))
    throw new ApiError("conversation_not_found");
  turn.note.conversation_id = found.conversation.id;
  return { conversation: { id: found.conversation.id }, state: found.conversation, history: found.turns };
}

/** A person owns the conversation: store the message, hand over the team's new replies, and do not answer. */
async function relayTeamReplies(turn: Turn, conversationId: string): Promise<TurnReply> {
  const pending = await undeliveredAgentMessages(turn.db, conversationId);
  const saved = await saveExchange(turn.db, {
    conversation: { id: conversationId },
    userMessage: turn.body.message,
    reply: null,
    deliveredIds: pending.map((m) => m.id),
  });
  const reply = pending.map((m) => m.content).join("\n\n");
  return {
    body: { reply, conversation_id: conversationId, message_id: saved.userMessageId, handoff: true },
    botReplied: false,
  };
}

/** A resolved conversation that the user writes to again is the bot's once more. */
function reopened(state: ConversationState): ConversationPatch {
  return state.status === "resolved" ? { status: "bot" } : {};
}

/** The user wants a person: say so, and from now on the bot stays silent until the team gives it back. */
async function handOff(
  turn: Turn,
  open: OpenConversation,
  decision: Extract<BeforeReply, { kind: "handoff" }>,
): Promise<TurnReply> {
  const { workspaceId } = turn.auth;
  const saved = await saveExchange(turn.db, {
    conversation: open.conversation,
    userMessage: turn.body.message,
    reply: { content: decision.reply, sources: [], engine: "handoff", latencyMs: 0, kind: "handoff" },
    patch: reopened(open.state),
    quotaHold: turn.quotaHold,
    within: async (tx, conversationId) => {
      await requestHandoff(tx, { workspaceId, conversationId, reason: decision.reason });
    },
  });
  Object.assign(turn.note, { handoff: decision.reason, engine: "handoff", outcome: "handoff" });
  const conversationId = open.conversation.id;
  return {
    body: { reply: decision.reply, conversation_id: conversationId, message_id: saved.replyMessageId!, handoff: true },
    botReplied: true,
  };
}

/** The bot answers: what it remembers, the engine's reply with the policies' follow-up, saved with any contact details. */
async function answer(
  turn: Turn,
  open: OpenConversation,
  { declinedOffer, live }: { declinedOffer: boolean; live: LiveAnswer | null },
): Promise<TurnReply> {
  const memory = await recall(turn, open);
  const result = await generate(turn, open, live);
  const after = afterReply({
    ...memory,
    bot: turn.auth.bot,
    state: open.state,
    message: turn.body.message,
    result,
    declinedOffer,
    now: new Date(),
  });
  const saved = await saveAnswer(turn, open, { result, after });
  Object.assign(turn.note, { engine: result.engine, outcome: result.kind, reply_ms: result.latencyMs });
  const appended = after.reply.slice(result.reply.length);
  if (live && appended) live.delta(appended);
  const body: ChatResponseBody = {
    reply: after.reply,
    conversation_id: open.conversation.id,
    message_id: saved.replyMessageId!,
    handoff: false,
  };
  if (turn.auth.returnSources) body.sources = [...new Set(result.usedPassages.map((p) => p.title))];
  return { body, botReplied: true };
}

/** What the policies need to know of the conversation beyond its recent messages. */
async function recall(turn: Turn, { conversation, state, history }: OpenConversation) {
  const { bot } = turn.auth;
  const earlierUserMessages = history.filter((t) => t.role === "user").map((t) => t.content);
  // The recent turns hold up to a dozen messages; only a long conversation that may still be asked needs the full count.
  const mayAsk = bot.leadCapture.enabled && !state.leadAskedAt && !state.leadId;
  const userTurns = earlierUserMessages.length;
  const userMessageCount =
    (mayAsk && userTurns >= 6 ? await countUserMessages(turn.db, conversation.id) : userTurns) + 1;
  // A conversation linked to a lead, not yet asked: only its missing required fields may be asked for.
  const knownLead = mayAskMissing(bot, state) ? await getLeadDetails(turn.db, state.leadId!) : null;
  return { earlierUserMessages, userMessageCount, knownLead };
}

/** The engine's reply, whole, or streamed to `live` as it is written. */
async function generate(
  turn: Turn,
  { conversation, history }: OpenConversation,
  live: LiveAnswer | null,
): Promise<EngineResult & { latencyMs: number }> {
  // Retrieval timed on its own (the metrics' retrieval stage); the rest of the reply is generation.
  const retriever: Retriever = {
    async retrieve(db, query) {
      const started = performance.now();
      const found = await hybridRetriever.retrieve(db, query);
      turn.note.retrieval_ms = Math.round(performance.now() - started);
      return found;
    },
  };
  const request = { bot: turn.auth.bot, message: turn.body.message, history, retriever };
  if (!live) return generateReply(turn.db, request);
  live.begin(conversation.id);
  const { deltas, final } = await streamReply(turn.db, { ...request, signal: live.signal });
  for await (const text of deltas) if (text) live.delta(text);
  return final;
}

/** Stores the exchange with the conversation's new state and, in the same transaction, any contact details given. */
function saveAnswer(
  turn: Turn,
  open: OpenConversation,
  { result, after }: { result: EngineResult & { latencyMs: number }; after: AfterReply },
) {
  const { auth, note } = turn;
  const lead = after.lead;
  const sources = result.usedPassages.map((p) => ({
    sourceId: p.sourceId,
    title: p.title,
    chunkId: p.chunkId,
    score: p.score,
  }));
  // The lead rule may replace the engine's reply with thanks for the details given (after.kind says so): then it is
  // no failed answer.
  const engineReply = after.kind === result.kind;
  return saveExchange(turn.db, {
    conversation: open.conversation,
    userMessage: turn.body.message,
    reply: {
      content: after.reply,
      sources,
      engine: result.engine,
      latencyMs: result.latencyMs,
      kind: after.kind,
      confidence: engineReply ? result.confidence : null,
      unanswered: engineReply ? unansweredReason(result, auth.bot) : null,
    },
    patch: { ...reopened(open.state), ...after.patch },
    quotaHold: turn.quotaHold,
    within: lead
      ? async (tx, conversationId) => {
          const captured = await captureLead(tx, {
            workspaceId: auth.workspaceId,
            conversationId,
            botId: auth.bot.id,
            integrationId: auth.integrationId,
            details: lead,
            leadId: open.state.leadId,
          });
          if (captured) note.lead = captured.created ? "created" : "updated";
        }
      : undefined,
  });
}
