import { DEFAULT_HANDOFF, type Bot, type Conversation } from "@/db/schema";
import { phrasesFor } from "@/lib/engine/phrases";
import type { EngineResult } from "@/lib/engine/types";
import { answerToOffer, asksForPerson } from "./detect";

type HandoffState = Pick<Conversation, "consecutiveFallbacks" | "handoffOfferedAt">;

export type BeforeReply =
  | { kind: "handoff"; reason: "user_request" | "accepted_offer"; reply: string }
  | { kind: "answer"; declinedOffer: boolean };

/** Before the bot answers: does the user want a person (asked, or said yes to the bot's offer)? */
export function beforeReply(bot: Pick<Bot, "handoff">, state: HandoffState, message: string): BeforeReply {
  const settings = bot.handoff;
  if (!settings.enabled) return { kind: "answer", declinedOffer: false };
  if (state.handoffOfferedAt) {
    const answer = answerToOffer(message);
    if (answer === "yes") return { kind: "handoff", reason: "accepted_offer", reply: settings.handoffMessage };
    if (answer === "no") return { kind: "answer", declinedOffer: true };
  }
  if (settings.onRequest && asksForPerson(message))
    return { kind: "handoff", reason: "user_request", reply: settings.handoffMessage };
  return { kind: "answer", declinedOffer: false };
}

export type AfterAnswer = {
  patch: Pick<Conversation, "consecutiveFallbacks"> & Partial<Pick<Conversation, "handoffOfferedAt">>;
  /** The offer of a person to append to the reply, when the bot could not answer too many times in a row. */
  offer: string | null;
};

/** After the bot answered: count the answers it could not give in a row, and offer a person once there were too many. */
export function afterAnswer(args: {
  bot: Pick<Bot, "handoff">;
  state: HandoffState;
  kind: EngineResult["kind"];
  /** The reply's language (ISO 639-1), when the engine chose it: the default offer is worded in it. */
  language?: string;
  declinedOffer: boolean;
  now: Date;
}): AfterAnswer {
  const { bot, state, declinedOffer } = args;
  const fallbacks =
    args.kind === "fallback" ? state.consecutiveFallbacks + 1 : args.kind === "answer" ? 0 : state.consecutiveFallbacks;
  const patch: AfterAnswer["patch"] = { consecutiveFallbacks: fallbacks };
  if (declinedOffer) patch.handoffOfferedAt = null;
  const h = bot.handoff;
  if (
    h.enabled &&
    h.offerAfterFailures !== null &&
    fallbacks >= h.offerAfterFailures &&
    !state.handoffOfferedAt &&
    !declinedOffer
  ) {
    patch.handoffOfferedAt = args.now;
    return { patch, offer: offerMessage(h.offerMessage, args.language) };
  }
  return { patch, offer: null };
}

/** The bot's offer of a person: its own words as written, or the default one in the reply's language. */
export function offerMessage(message: string, language: string | undefined): string {
  return message === DEFAULT_HANDOFF.offerMessage && language ? phrasesFor(language).offerPerson : message;
}
