import type { Bot, Conversation, LeadField } from "@/db/schema";
import type { EngineResult } from "@/lib/engine/types";
import { answerToOffer, asksForPerson } from "@/lib/handoff/detect";
import { extractLeadDetails, showsBuyingIntent, type LeadDetails } from "@/lib/leads/extract";

/** What the bot knows about a conversation when a message arrives (defaults for a new one). */
export type ConversationState = Pick<Conversation, "status" | "consecutiveFallbacks" | "handoffOfferedAt" | "leadAskedAt" | "leadId">;

export const NEW_CONVERSATION_STATE: ConversationState = {
  status: "bot",
  consecutiveFallbacks: 0,
  handoffOfferedAt: null,
  leadAskedAt: null,
  leadId: null,
};

export type BeforeReply =
  | { kind: "handoff"; reason: "user_request" | "accepted_offer"; reply: string }
  | { kind: "answer"; declinedOffer: boolean };

/** Before the bot answers: does the user want a person (asked, or said yes to the bot's offer)? */
export function beforeReply(bot: Pick<Bot, "handoff">, state: ConversationState, message: string): BeforeReply {
  const settings = bot.handoff;
  if (!settings.enabled) return { kind: "answer", declinedOffer: false };
  if (state.handoffOfferedAt) {
    const answer = answerToOffer(message);
    if (answer === "yes") return { kind: "handoff", reason: "accepted_offer", reply: settings.handoffMessage };
    if (answer === "no") return { kind: "answer", declinedOffer: true };
  }
  if (settings.onRequest && asksForPerson(message)) return { kind: "handoff", reason: "user_request", reply: settings.handoffMessage };
  return { kind: "answer", declinedOffer: false };
}

/** Whether the bot may still ask this conversation's lead for required fields it has not given. */
export function mayAskMissing(bot: Pick<Bot, "leadCapture">, state: ConversationState): boolean {
  return bot.leadCapture.enabled && !!state.leadId && !state.leadAskedAt && Object.values(bot.leadCapture.fields).includes("required");
}

export type AfterReply = {
  /** The reply to send: the engine's, with at most one polite follow-up (an offer of a person, or a request for contact details). */
  reply: string;
  patch: Partial<Pick<Conversation, "consecutiveFallbacks" | "handoffOfferedAt" | "leadAskedAt">>;
  /** Contact details found in the user's message (enabled fields only). */
  lead: LeadDetails | null;
};

/**
 * After the bot answered: count answers it could not give and offer a person after too many in a
 * row; find contact details; ask for them once (after N messages or on buying intent), never nagging.
 */
export function afterReply(args: {
  bot: Pick<Bot, "handoff" | "leadCapture">;
  state: ConversationState;
  message: string;
  result: Pick<EngineResult, "reply" | "kind">;
  /** The user's messages in this conversation, this one included. */
  userMessageCount: number;
  /** Earlier user messages, newest last: a name given before the email still belongs to the lead. */
  earlierUserMessages: string[];
  declinedOffer: boolean;
  /** The conversation's lead as stored, when it has one (to ask only for what is missing). */
  knownLead?: LeadDetails | null;
  now: Date;
}): AfterReply {
  const { bot, state, result } = args;
  const patch: AfterReply["patch"] = {};
  let reply = result.reply;

  const fallbacks = result.kind === "fallback" ? state.consecutiveFallbacks + 1 : result.kind === "answer" ? 0 : state.consecutiveFallbacks;
  patch.consecutiveFallbacks = fallbacks;
  if (args.declinedOffer) patch.handoffOfferedAt = null;

  const h = bot.handoff;
  let followedUp = false;
  if (h.enabled && h.offerAfterFailures !== null && fallbacks >= h.offerAfterFailures && !state.handoffOfferedAt && !args.declinedOffer) {
    reply = `${reply}\n\n${h.offerMessage}`;
    patch.handoffOfferedAt = args.now;
    followedUp = true;
  }

  const lc = bot.leadCapture;
  let lead: LeadDetails | null = null;
  if (lc.enabled) {
    const expecting = !!state.leadAskedAt;
    const current = extractLeadDetails(args.message, { expecting });
    // A known lead can be completed by a name or company alone ("Lin Chen" after "could you share your name?").
    const completes = !!state.leadId && !!(current.name || current.company);
    if (current.email || current.phone || completes) {
      const earlier = args.earlierUserMessages.slice(-6).map((m) => extractLeadDetails(m));
      const merged: LeadDetails = {};
      for (const d of [...earlier, current]) Object.assign(merged, Object.fromEntries(Object.entries(d).filter(([, v]) => v)));
      lead = onlyEnabled(merged, lc.fields);
      if (!lead.email && !lead.phone && !completes) lead = null;
    }
    if (lead && result.kind === "fallback") {
      // The user answered with their details, not a question: thank them; this is no failed answer.
      reply = `Thank you${lead.name ? `, ${lead.name.split(" ")[0]}` : ""}! A member of our team will be in touch${lead.email ? ` at ${lead.email}` : lead.phone ? ` at ${lead.phone}` : ""}.`;
      patch.consecutiveFallbacks = state.consecutiveFallbacks;
      if (patch.handoffOfferedAt && !state.handoffOfferedAt) delete patch.handoffOfferedAt;
    }
    // What we know of this person: the stored lead, with what this message added.
    const known: LeadDetails | null = state.leadId || lead ? { ...(args.knownLead ?? {}), ...(lead ?? {}) } : null;
    const missing = (Object.keys(lc.fields) as LeadField[]).filter((f) => lc.fields[f] === "required" && !known?.[f]);
    const due =
      (lc.askAfterMessages !== null && args.userMessageCount >= lc.askAfterMessages) || (lc.askOnIntent && showsBuyingIntent(args.message));
    if (!state.leadAskedAt && !followedUp) {
      if (!known && due && result.kind !== "fallback") {
        reply = `${reply}\n\n${lc.askMessage}`;
        patch.leadAskedAt = args.now;
      } else if (known && missing.length > 0 && (due || lead)) {
        // Details came, but not all the required ones: ask for the rest, once.
        reply = `${reply}\n\nCould you also share your ${listOf(missing.map((f) => FIELD_WORDS[f]))}?`;
        patch.leadAskedAt = args.now;
      }
    }
  }
  return { reply, patch, lead };
}

const FIELD_WORDS: Record<LeadField, string> = { name: "name", email: "email address", phone: "phone number", company: "company name" };

function listOf(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function onlyEnabled(details: LeadDetails, fields: Record<LeadField, "off" | "optional" | "required">): LeadDetails {
  const out: LeadDetails = {};
  for (const key of Object.keys(details) as LeadField[]) if (fields[key] !== "off" && details[key]) out[key] = details[key];
  return out;
}
