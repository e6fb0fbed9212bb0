import type { Db } from "@/db";
import type { Bot } from "@/db/schema";
import { answerBuiltin, guessLanguage, isFollowUp } from "@/lib/engine/builtin";
import { condenseQuestion } from "@/lib/engine/condense";
import { answerWithLlm, llmConfigFromEnv, streamWithLlm, type LlmConfig } from "@/lib/engine/llm";
import { fill, phrasesFor } from "@/lib/engine/phrases";
import type { EngineInput, EngineResult, Passage, QueryAnalysis, Turn } from "@/lib/engine/types";
import { hybridRetriever } from "@/lib/knowledge/hybrid";
import type { Retriever } from "@/lib/knowledge/retrieve";
import { detectLanguage, UNDETERMINED } from "@/lib/language";
import { extractLeadDetails, withoutContactDetails } from "@/lib/leads/extract";

export type ReplyRequest = { bot: Bot; message: string; history: Turn[]; signal?: AbortSignal; retriever?: Retriever };

/** Which engine answers for this bot right now: the model only when the bot asks for it and one is configured. */
export function engineFor(bot: Pick<Bot, "engine">): "builtin" | "llm" {
  return bot.engine === "llm" && llmConfigFromEnv() ? "llm" : "builtin";
}

type Prepared = { input: EngineInput; config: LlmConfig | null; thanks: string };

async function prepare(db: Db, request: ReplyRequest): Promise<Prepared> {
  const { bot, message, history, signal, retriever = hybridRetriever } = request;
  const config = bot.engine === "llm" ? llmConfigFromEnv() : null;
  // Contact details are no part of the question: "I'm Ada, ada@example.com, what does Pro cost?" asks about Pro.
  const question = withoutContactDetails(message);
  // A follow-up ("and on weekends?", "how much is it?") gets its subject from the conversation: with a model, the
  // model rewrites it as a standalone question (one short call; the raw question when it fails or is slow); without,
  // retrieval reads the user's previous turns beside it and the built-in engine resolves it from them. A message that
  // names its own subject ("Is there an uptime SLA?") is searched as written, sparing the model call.
  const followUp = history.length > 0 && isFollowUp(question);
  const standalone = config && followUp ? await condenseQuestion(question, history, config, { signal }) : null;
  const context =
    !standalone && followUp
      ? history
          .filter((t) => t.role === "user")
          .slice(-2)
          .map((t) => t.content)
          .join(" ")
      : undefined;
  const found = unpack(await retriever.retrieve(db, { botId: bot.id, query: standalone ?? question, context, k: 6 }));
  const passages = found.passages;
  // What retrieval understood (language, corrected words, related words), when it says; else the language alone.
  const understood = found.analysis ?? {
    language: await questionLanguage(question),
    corrected: question,
    related: [],
  };
  const analysis: QueryAnalysis = {
    ...understood,
    ...(standalone && standalone !== question ? { standalone } : {}),
  };
  const language = analysis.language === UNDETERMINED ? guessLanguage(question) : analysis.language;
  return {
    config,
    thanks: thanksFor(message, language),
    input: {
      bot: {
        name: bot.name,
        instructions: bot.instructions,
        welcomeMessage: bot.welcomeMessage,
        fallbackMessage: bot.fallbackMessage,
      },
      // A model reads the whole message; the built-in engine matches words, so it gets the question alone.
      message: bot.engine === "llm" ? message : question,
      history,
      passages,
      analysis,
    },
  };
}

/** A retriever's answer: its passages, and what it understood of the question when it says (the Retrieval shape). */
function unpack(found: Passage[] | { passages: Passage[]; analysis?: QueryAnalysis }): {
  passages: Passage[];
  analysis?: QueryAnalysis;
} {
  return Array.isArray(found) ? { passages: found } : found;
}

/** The question's language when a detector can tell (long enough, sure enough); "und" lets the engine judge. */
async function questionLanguage(question: string): Promise<string> {
  try {
    return (await detectLanguage(question)).language;
  } catch {
    return UNDETERMINED;
  }
}

/**
 * "Thank you, Ada!" when the customer shared contact details (an email or a phone number) in the message, said
 * before the answer; empty otherwise.
 */
function thanksFor(message: string, language: string): string {
  const details = extractLeadDetails(message);
  if (!details.email && !details.phone) return "";
  const phrases = phrasesFor(language);
  const first = details.name?.split(" ")[0];
  return first ? fill(phrases.thanksName, first) : phrases.thanksNoName;
}

function withThanks<T extends EngineResult>(result: T, thanks: string): T {
  return thanks ? { ...result, reply: `${thanks} ${result.reply}` } : result;
}

/**
 * The bot's answer to one message: retrieval over its knowledge, then the built-in engine or the
 * configured model. Knows nothing of HTTP; the Chat API and the dashboard's test chat both call it.
 * Throws GenerationError when the model fails or runs out of time.
 */
export async function generateReply(db: Db, request: ReplyRequest): Promise<EngineResult & { latencyMs: number }> {
  const started = performance.now();
  const { input, config, thanks } = await prepare(db, request);
  const result = config ? await answerWithLlm(input, config, { signal: request.signal }) : answerBuiltin(input);
  return { ...withThanks(result, thanks), latencyMs: Math.round(performance.now() - started) };
}

/** Like generateReply, but yields the reply in pieces as they are written (the model streams; the built-in engine sends words). */
export async function streamReply(
  db: Db,
  request: ReplyRequest,
): Promise<{ deltas: AsyncIterable<string>; final: Promise<EngineResult & { latencyMs: number }> }> {
  const started = performance.now();
  const { input, config, thanks } = await prepare(db, request);
  if (config) {
    const { textStream, final } = streamWithLlm(input, config, { signal: request.signal });
    const timed = final.then((r) => ({ ...withThanks(r, thanks), latencyMs: Math.round(performance.now() - started) }));
    timed.catch(() => {}); // the caller sees the failure through the deltas; this copy must not go unhandled
    async function* withPrefix() {
      let first = true;
      for await (const text of textStream) {
        yield first && thanks ? `${thanks} ${text}` : text; // with the first words, so a failed model sends no thanks
        first = false;
      }
    }
    return { deltas: withPrefix(), final: timed };
  }
  const result = { ...withThanks(answerBuiltin(input), thanks), latencyMs: Math.round(performance.now() - started) };
  async function* words() {
    for (const piece of result.reply.match(/\S+\s*/g) ?? []) yield piece;
  }
  return { deltas: words(), final: Promise.resolve(result) };
}
