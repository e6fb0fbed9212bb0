/** A retrieved piece of knowledge: one chunk of a source, with its retrieval score (higher is better). */
export type Passage = {
  chunkId: number;
  sourceId: string;
  title: string;
  heading: string;
  content: string;
  score: number;
};

/** One earlier message of a conversation; "agent" is a human team member. */
export type Turn = { role: "user" | "assistant" | "agent"; content: string };

/** The parts of a bot's settings that shape its replies. */
export type BotProfile = { name: string; instructions: string; welcomeMessage: string; fallbackMessage: string };

/**
 * What retrieval understood of a question, shared with the engines so they match the same words it searched:
 * its language, the question with typos corrected against the bot's own vocabulary, and the related words
 * (a lexical resource's synonyms, the bot owner's own word list) searched beside its own, each with a weight.
 */
export type QueryAnalysis = {
  /** ISO 639-1 code ("en", "fr"…), or "und" when it cannot be told. */
  language: string;
  /** The question as searched: typos corrected ("wat r ur openng hrs" → "what are your opening hours"). */
  corrected: string;
  /** Words searched beside the question's own: `word` stands in for the question's word `for`, at `weight` in (0, 1]. */
  related: { word: string; for: string; weight: number }[];
  /**
   * English question words the knowledge lacks that are probably not what the question is about, with how much
   * they are (0..1, subjectWeight in lib/knowledge/wordnet.ts: nouns of few senses are 1, verbs, adjectives and
   * general words less). Words not listed count fully.
   */
  subject?: { word: string; weight: number }[];
  /**
   * English question words the lexical resource knows only as adverbs ("honestly", "basically", "seriously"): how the
   * question is put, whose absence from an answer matters little.
   */
  manner?: string[];
  /**
   * Question words typed in lower case that are neither the knowledge's nor a word of the language, and no typo
   * retrieval could fix ("libary"): the engine weighs their absence from an answer as a slip, not as a subject.
   */
  unrecognised?: string[];
  /**
   * Question words the bot's knowledge uses somewhere, as typed (a word corrected as a typo is left out): a word of
   * the question that the passages given lack but the knowledge holds may be answered elsewhere.
   */
  known?: string[];
  /**
   * Question words typed in lower case that the language's dictionary writes only with a capital ("france"): names,
   * though the customer did not capitalise them.
   */
  names?: string[];
  /** The standalone question when a follow-up was rewritten from the conversation ("And on weekends?" → "Are you open on weekends?"). */
  standalone?: string;
};

/** Everything an engine needs to answer one message; `history` is oldest first and excludes `message`. */
export type EngineInput = {
  bot: BotProfile;
  message: string;
  history: Turn[];
  passages: Passage[];
  analysis?: QueryAnalysis;
};

/** An engine's answer: the reply text, the passages it drew on, which engine wrote it, and what kind of reply it is. */
export type EngineResult = {
  reply: string;
  usedPassages: Passage[];
  engine: "builtin" | "llm";
  kind: "answer" | "greeting" | "thanks" | "fallback" | "smalltalk";
  /** The built-in engine's confidence in an answer (0..1): the share of the question its sentences cover. */
  confidence?: number;
  /** The language the reply is written in (ISO 639-1), when the engine chose it. */
  language?: string;
};

/**
 * Share of the question's content terms (weighted by rarity) that a knowledge sentence must cover before the builtin
 * engine answers instead of falling back. Retrieval's ts_rank scores are not calibrated across knowledge
 * bases, so callers should pass every retrieved passage and let the engine judge relevance by term overlap.
 */
export const MIN_RELEVANCE = 1 / 3;

/** A model call that failed; `code` is the public API error code it maps to. */
export class GenerationError extends Error {
  constructor(
    public readonly code: "generation_failed" | "generation_timeout",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GenerationError";
  }
}
