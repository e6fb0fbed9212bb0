import { generateText } from "ai";
import { chatModel, type LlmConfig } from "./llm";
import type { Turn } from "./types";

/** The system prompt of a condensation request (the test model server recognises it by "standalone question"). */
export const CONDENSE_SYSTEM = [
  "You rewrite the customer's last message in a support chat as a standalone question that can be understood",
  'without the conversation: resolve pronouns (it, that, they) and ellipsis ("and on weekends?") from the earlier',
  "turns. Keep the customer's language and meaning; add nothing the conversation does not say. If the last message",
  "already stands alone, return it unchanged. Reply with the standalone question only, on one line.",
].join(" ");

/** Earlier turns shown to the model: enough to find the subject, little enough to stay quick. */
const CONDENSE_TURNS = 6;
const MAX_TURN_CHARS = 500;
const MAX_STANDALONE_CHARS = 500;
/** The condensation gets a share of the reply's deadline, and never long: the raw question is a fine fallback. */
const CONDENSE_SHARE = 0.25;
const MAX_CONDENSE_MS = 5_000;

/** How long a condensation may take for a model configuration. */
export function condenseTimeoutMs(config: Pick<LlmConfig, "timeoutMs">): number {
  return Math.max(1, Math.min(MAX_CONDENSE_MS, Math.round(config.timeoutMs * CONDENSE_SHARE)));
}

/**
 * The user message of a condensation request: the recent conversation, one turn a line ("Customer: …",
 * "Assistant: …"), then "Last message: …".
 */
export function condensePrompt(message: string, history: Turn[]): string {
  const lines = history
    .filter((turn) => turn.content.trim())
    .slice(-CONDENSE_TURNS)
    .map((turn) => {
      const who = turn.role === "user" ? "Customer" : turn.role === "agent" ? "Team member" : "Assistant";
      return `${who}: ${turn.content.replace(/\s+/g, " ").trim().slice(0, MAX_TURN_CHARS)}`;
    });
  return `Conversation:\n${lines.join("\n")}\n\nLast message: ${message.replace(/\s+/g, " ").trim()}`;
}

/**
 * A follow-up and its conversation condensed into a standalone question by the model ("And on weekends?" →
 * "Are you open on weekends?"), for retrieval to search. One model call within condenseTimeoutMs; null when
 * there is no earlier turn, or the model fails, is slow or answers with nothing usable: the caller then
 * searches the message as written.
 */
export async function condenseQuestion(
  message: string,
  history: Turn[],
  config: LlmConfig,
  opts: { signal?: AbortSignal } = {},
): Promise<string | null> {
  if (!history.some((turn) => turn.role === "user" && turn.content.trim())) return null;
  const controller = new AbortController();
  const timeoutMs = condenseTimeoutMs(config);
  const timer = setTimeout(
    () => controller.abort(new DOMException("condensation timed out", "TimeoutError")),
    timeoutMs,
  );
  const onAbort = () => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const expired = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    const { text } = await Promise.race([
      generateText({
        model: chatModel(config),
        system: CONDENSE_SYSTEM,
        messages: [{ role: "user", content: condensePrompt(message, history) }],
        maxRetries: 0,
        abortSignal: controller.signal,
      }),
      expired,
    ]);
    const standalone = text
      .trim()
      .split(/\r?\n/)[0]!
      .replace(/^(?:standalone question|question)\s*:\s*/i, "")
      .replace(/^["'«“]+|["'»”]+$/g, "")
      .trim();
    return standalone && standalone.length <= MAX_STANDALONE_CHARS ? standalone : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
