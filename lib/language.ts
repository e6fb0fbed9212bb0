/**
 * Which language a text is written in, and the PostgreSQL text search configuration that stems and
 * drops the stopwords of that language.
 *
 * Detection is eld (Efficient Language Detector, its "small" n-gram set): on short customer questions
 * in English, French, German, Spanish, Italian, Portuguese and Dutch it named 68 of 70 right, where
 * tinyld named 66 and franc-min 53 (franc is built for sentences and says so). Short text is unreliable
 * for any detector, so a text under MIN_WORDS words (or MIN_LETTERS letters) is not judged at all: the
 * caller's fallback (the bot's language) stands.
 */

/** ISO 639-1 code ("en", "fr"…), or "und" when the language cannot be told. */
export type LanguageCode = string;

export const UNDETERMINED = "und";

/** Fewer words than this and a detector is guessing ("precio?", "opening hours"): the fallback decides. */
export const MIN_WORDS = 4;
/** Fewer letters than this, likewise (a list of abbreviations has words but little language in it). */
export const MIN_LETTERS = 12;
/**
 * To name a language the caller does not expect (not among `expected`), the detector must be at least
 * this sure (its score for the language, 0..1); typo-ridden English ("wat r ur openng hrs") scores
 * lower than that for whatever it resembles.
 */
export const UNEXPECTED_MIN_SCORE = 0.7;
/** An expected language within this much of the best score wins: the prior of knowing whom one talks to. */
export const EXPECTED_MARGIN = 0.06;

/**
 * ISO 639-1 code → text search configuration present on both PGlite and PostgreSQL 15 (both ship these
 * Snowball stemmers; PGlite also has estonian, PostgreSQL 15 does not, so it is left out).
 */
const CONFIGS: Record<string, string> = {
  ar: "arabic",
  hy: "armenian",
  eu: "basque",
  ca: "catalan",
  da: "danish",
  nl: "dutch",
  en: "english",
  fi: "finnish",
  fr: "french",
  de: "german",
  el: "greek",
  hi: "hindi",
  hu: "hungarian",
  id: "indonesian",
  ga: "irish",
  it: "italian",
  lt: "lithuanian",
  ne: "nepali",
  no: "norwegian",
  nb: "norwegian",
  nn: "norwegian",
  pt: "portuguese",
  ro: "romanian",
  ru: "russian",
  sr: "serbian",
  es: "spanish",
  sv: "swedish",
  ta: "tamil",
  tr: "turkish",
  yi: "yiddish",
};

/** Every configuration textSearchConfig can return (for validating a stored value before it reaches SQL). */
export const TEXT_SEARCH_CONFIGS: readonly string[] = [...new Set([...Object.values(CONFIGS), "simple"])];

/** The PostgreSQL text search configuration for a language: its Snowball stemmer, or `simple` (lower-cased words, no stemming). */
export function textSearchConfig(language: LanguageCode | null | undefined): string {
  return (language && CONFIGS[language.toLowerCase()]) || "simple";
}

/** Whether a language is one the platform can stem (else it is indexed with `simple`). */
export function hasStemmer(language: LanguageCode): boolean {
  return language.toLowerCase() in CONFIGS;
}

export type Detection = {
  /** ISO 639-1, or "und" when the text was too short or the detector unsure and no fallback was given. */
  language: LanguageCode;
  /** The detector's score for that language (0..1); 0 when the fallback decided. */
  confidence: number;
  /** Whether the detector decided (false: too short or unsure, so the fallback stands). */
  detected: boolean;
};

type Eld = { detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean } };

let detector: Promise<Eld> | undefined;
/** eld's n-gram tables are a few MB of JavaScript: loaded on first use, once per process. */
function loadDetector(): Promise<Eld> {
  detector ??= import("eld/small").then((m) => m.eld as unknown as Eld);
  return detector;
}

const WORD = /\p{L}[\p{L}\p{M}'’-]*/gu;

/**
 * The language of a text. `fallback` (e.g. the bot's language, "und" by default) answers when the text
 * is too short or the detector unsure; `expected` (e.g. the languages of the bot's knowledge) are
 * preferred when the detector hesitates between them and another.
 */
export async function detectLanguage(
  text: string,
  { fallback = UNDETERMINED, expected = [] }: { fallback?: LanguageCode; expected?: readonly LanguageCode[] } = {},
): Promise<Detection> {
  const none: Detection = { language: fallback || UNDETERMINED, confidence: 0, detected: false };
  const words = text.match(WORD) ?? [];
  if (words.length < MIN_WORDS || words.join("").length < MIN_LETTERS) return none;
  const result = (await loadDetector()).detect(text);
  if (!result.language || !result.isReliable()) return none;
  const scores = Object.entries(result.getScores()).sort((a, b) => b[1] - a[1]);
  const [best, bestScore] = scores[0] ?? [result.language, 0];
  if (!expected.length || expected.includes(best)) return { language: best, confidence: bestScore, detected: true };
  const near = scores.find(([lang, score]) => expected.includes(lang) && bestScore - score <= EXPECTED_MARGIN);
  if (near) return { language: near[0], confidence: near[1], detected: true };
  if (bestScore < UNEXPECTED_MIN_SCORE) return none;
  return { language: best, confidence: bestScore, detected: true };
}

/**
 * The language of a long text (a source, a chunk): detected from its first few thousand characters,
 * which is plenty and keeps a 100-page document's import from scoring every sentence.
 */
export function detectDocumentLanguage(text: string, options?: { fallback?: LanguageCode }): Promise<Detection> {
  return detectLanguage(text.slice(0, 4000), options);
}
