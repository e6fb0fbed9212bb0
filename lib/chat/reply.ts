import type { Db } from "@/db";
import type { Bot } from "@/db/schema";
import { answerBuiltin, isFollowUp } from "@/lib/engine/builtin";
import { answerWithLlm, llmConfigFromEnv, streamWithLlm } from "@/lib/engine/llm";
import type { EngineInput, EngineResult, Turn } from "@/lib/engine/types";
import { fullTextRetriever, type Retriever } from "@/lib/knowledge/retrieve";
import { withoutContactDetails } from "@/lib/leads/extract";

export type ReplyRequest = { bot: Bot; message: string; history: Turn[]; signal?: AbortSignal; retriever?: Retriever };

/** Which engine answers for this bot right now: the model only when the bot asks for it and one is configured. */
export function engineFor(bot: Pick<Bot, "engine">): "builtin" | "llm" {
  return bot.engine === "llm" && llmConfigFromEnv() ? "llm" : "builtin";
}

async function buildInput(db: Db, { bot, message, history, retriever = fullTextRetriever }: ReplyRequest): Promise<EngineInput> {
  // Contact details are no part of the question: "I'm Ada, ada@example.com, what does Pro cost?" asks about Pro.
  const question = withoutContactDetails(message);
  // A follow-up ("how much is it?") borrows its subject from the user's previous turns.
  const context = isFollowUp(question)
    ? history
        .filter((t) => t.role === "user")
        .slice(-2)
        .map((t) => t.content)
        .join(" ")
    : undefined;
  const passages = await retriever.retrieve(db, { botId: bot.id, query: question, context, k: 6 });
  return {
    bot: { name: bot.name, instructions: bot.instructions, welcomeMessage: bot.welcomeMessage, fallbackMessage: bot.fallbackMessage },
    // A model reads the whole message; the built-in engine matches words, so it gets the question alone.
    message: bot.engine === "llm" ? message : question,
    history,
    passages,
  };
}

/**
 * The bot's answer to one message: retrieval over its knowledge, then the built-in engine or the
 * configured model. Knows nothing of HTTP; the Chat API and the dashboard's test chat both call it.
 * Throws GenerationError when the model fails or runs out of time.
 */
export async function generateReply(db: Db, request: ReplyRequest): Promise<EngineResult & { latencyMs: number }> {
  const started = performance.now();
  const input = await buildInput(db, request);
  const config = request.bot.engine === "llm" ? llmConfigFromEnv() : null;
  const result = config ? await answerWithLlm(input, config, { signal: request.signal }) : answerBuiltin(input);
  return { ...result, latencyMs: Math.round(performance.now() - started) };
}

/** Like generateReply, but yields the reply in pieces as they are written (the model streams; the built-in engine sends words). */
export async function streamReply(
  db: Db,
  request: ReplyRequest,
): Promise<{ deltas: AsyncIterable<string>; final: Promise<EngineResult & { latencyMs: number }> }> {
  const started = performance.now();
  const input = await buildInput(db, request);
  const config = request.bot.engine === "llm" ? llmConfigFromEnv() : null;
  if (config) {
    const { textStream, final } = streamWithLlm(input, config, { signal: request.signal });
    const timed = final.then((r) => ({ ...r, latencyMs: Math.round(performance.now() - started) }));
    timed.catch(() => {}); // the caller sees the failure through the deltas; this copy must not go unhandled
    return { deltas: textStream, final: timed };
  }
  const result = { ...answerBuiltin(input), latencyMs: Math.round(performance.now() - started) };
  async function* words() {
    for (const piece of result.reply.match(/\S+\s*/g) ?? []) yield piece;
  }
  return { deltas: words(), final: Promise.resolve(result) };
}
