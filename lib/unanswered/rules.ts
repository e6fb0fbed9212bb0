import type { Bot, UnansweredReason } from "@/db/schema";
import type { EngineResult } from "@/lib/engine/types";

/**
 * An answer the built-in engine gave with a confidence under this is listed as unanswered ("low confidence")
 * beside the fallbacks: it answered, but from a passage that covers little of the question. The engine
 * abstains under 0.4 (ABSTAIN_BELOW); a question whose words all match a passage's title or headings only
 * (a curated answer's question, for instance) scores 0.6, so it is not listed.
 */
export const LOW_CONFIDENCE_BELOW = 0.5;

/** How the bot's reply to a message failed to answer it, if it did: its fallback, or an answer of low confidence. */
export function unansweredReason(
  result: Pick<EngineResult, "kind" | "engine" | "confidence" | "reply" | "usedPassages">,
  bot: Pick<Bot, "fallbackMessage">,
): Exclude<UnansweredReason, "thumbs_down"> | null {
  if (result.kind === "fallback") return "fallback";
  if (result.kind !== "answer") return null;
  if (result.engine === "llm") {
    // A model says it does not know in its own words; its words are the bot's fallback when it follows them.
    const fallback = bot.fallbackMessage.trim();
    if (fallback && result.reply.includes(fallback)) return "fallback";
    // An answer with no knowledge behind it is the model's own guess.
    return result.usedPassages.length === 0 ? "low_confidence" : null;
  }
  return typeof result.confidence === "number" && result.confidence < LOW_CONFIDENCE_BELOW ? "low_confidence" : null;
}
