import type { Bot, Conversation } from "@/db/schema";
import type { EngineResult } from "@/lib/engine/types";
import { afterAnswer } from "@/lib/handoff/policy";
import { leadFollowUp } from "@/lib/leads/policy";
import type { LeadDetails } from "@/lib/leads/extract";

/** What the bot knows about a conversation when a message arrives (defaults for a new one). */
export type ConversationState = Pick<
  Conversation,
  "status" | "consecutiveFallbacks" | "handoffOfferedAt" | "leadAskedAt" | "leadId"
>;

export const NEW_CONVERSATION_STATE: ConversationState = {
  status: "bot",
  consecutiveFallbacks: 0,
  handoffOfferedAt: null,
  leadAskedAt: null,
  leadId: null,
};

export type AfterReply = {
  /** The reply to send: the engine's, with at most one polite follow-up (an offer of a person, or a request for contact details). */
  reply: string;
  patch: Partial<Pick<Conversation, "consecutiveFallbacks" | "handoffOfferedAt" | "leadAskedAt">>;
  /** Contact details found in the user's message (enabled fields only). */
  lead: LeadDetails | null;
  /** What kind of reply is sent: the engine's, or `thanks` when the user's details replaced a fallback. */
  kind: EngineResult["kind"];
};

/**
 * After the bot answered, one turn's follow-ups: the handoff rule (lib/handoff) may offer a person,
 * the lead rule (lib/leads) may take contact details or ask for them; this composes the two.
 */
export function afterReply(args: {
  bot: Pick<Bot, "handoff" | "leadCapture">;
  state: ConversationState;
  message: string;
  result: Pick<EngineResult, "reply" | "kind" | "language">;
  /** The user's messages in this conversation, this one included. */
  userMessageCount: number;
  /** Earlier user messages, newest last: a name given before the email still belongs to the lead. */
  earlierUserMessages: string[];
  declinedOffer: boolean;
  /** The conversation's lead as stored, when it has one (to ask only for what is missing). */
  knownLead?: LeadDetails | null;
  now: Date;
}): AfterReply {
  const { state, result } = args;
  const handoff = afterAnswer({ ...args, kind: result.kind, language: result.language });
  const patch: AfterReply["patch"] = { ...handoff.patch };
  let reply = handoff.offer ? `${result.reply}\n\n${handoff.offer}` : result.reply;
  const leads = leadFollowUp({ ...args, kind: result.kind, followedUp: handoff.offer !== null });
  if (leads.thanks) {
    // Details, not a failed answer: the count stays, and no person is offered for it.
    reply = leads.thanks;
    patch.consecutiveFallbacks = state.consecutiveFallbacks;
    if (patch.handoffOfferedAt && !state.handoffOfferedAt) delete patch.handoffOfferedAt;
  }
  if (leads.ask) {
    reply = `${reply}\n\n${leads.ask}`;
    patch.leadAskedAt = args.now;
  }
  return { reply, patch, lead: leads.lead, kind: leads.thanks ? "thanks" : result.kind };
}
