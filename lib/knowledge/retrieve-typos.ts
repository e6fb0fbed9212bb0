import { distance } from "fastest-levenshtein";
import type { VocabularyFix } from "@/db/queries/retrieval";
import { valueWordsOf } from "@/lib/engine/builtin";
import { foldAccents, stopwordsOf } from "@/lib/engine/text";

/**
 * Which word a misspelt question word stands for. Two kinds of candidate: the bot's own vocabulary (a
 * word its knowledge uses, found by the database's trigram index) and the language's function words
 * ("wher" → where, "mch" → much, "wich" → which): the little words a question is built of, which a
 * customer typing fast drops letters from as often as any other, and which a knowledge base may not
 * happen to use. A function word is a stopword of the question's language (lib/engine/text.ts).
 *
 * Among candidates: fewest edits first; then one the typed word is a subsequence of (a letter left out
 * is the commonest typo, so "wher" is where, not when); then the most trigram-similar.
 */

/** pg_trgm's similarity (shared trigrams over all trigrams, each word padded as pg_trgm pads it). */
export function trigramSimilarity(a: string, b: string): number {
  const grams = (w: string) => {
    const padded = `  ${w} `;
    const set = new Set<string>();
    for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
    return set;
  };
  const x = grams(a);
  const y = grams(b);
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / (x.size + y.size - shared || 1);
}

/** Whether every letter of `short`, in order, is in `long` (the typed word lacks letters of the candidate). */
export function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}

export type TypoFix = { word: string; edits: number; similarity: number; subsequence: boolean };

/**
 * The function word of `language` a misspelt word stands for: one edit away, and for words of three
 * letters only by a letter left out ("mch" → much); for two letters only the one three-letter word it
 * drops a letter of, when there is only one ("hw" → how); none for one letter.
 */
export function functionWordFix(word: string, language: string): TypoFix | undefined {
  if (word.length < 2) return undefined;
  if (word.length === 2) return shortFix(word, language);
  const stop = stopwordsOf(language);
  const valueWords = valueWordsOf(language);
  const folded = foldAccents(word);
  if (stop.has(word) || stop.has(folded) || valueWords.has(folded)) return undefined;
  let best: TypoFix | undefined;
  for (const candidate of [...stop, ...valueWords]) {
    if (candidate.length < 2 || Math.abs(candidate.length - word.length) > 1 || !/^\p{L}+$/u.test(candidate)) continue;
    const edits = distance(word, candidate);
    if (edits !== 1) continue;
    const subsequence = isSubsequence(word, candidate);
    if (word.length < 4 && !subsequence) continue;
    const fix = { word: candidate, edits, similarity: trigramSimilarity(word, candidate), subsequence };
    if (!best || better(fix, best)) best = fix;
  }
  return best;
}

/** "hw" → how, "nd" → and: the only three-letter function word the two typed letters are a subsequence of. */
function shortFix(word: string, language: string): TypoFix | undefined {
  const stop = stopwordsOf(language);
  if (stop.has(word) || !/^\p{L}+$/u.test(word)) return undefined;
  const candidates = [...stop].filter((c) => c.length === 3 && /^\p{L}+$/u.test(c) && isSubsequence(word, c));
  if (candidates.length !== 1) return undefined;
  const candidate = candidates[0]!;
  return { word: candidate, edits: 1, similarity: trigramSimilarity(word, candidate), subsequence: true };
}

function better(a: TypoFix, b: TypoFix): boolean {
  if (a.edits !== b.edits) return a.edits < b.edits;
  if (a.subsequence !== b.subsequence) return a.subsequence;
  if (a.similarity !== b.similarity) return a.similarity > b.similarity;
  return a.word < b.word;
}

/** The better of the vocabulary's candidate and the function word's, or undefined when there is neither. */
export function chooseFix(word: string, vocabulary: VocabularyFix | null, language: string): string | undefined {
  const fromVocabulary = vocabulary ? { ...vocabulary, subsequence: isSubsequence(word, vocabulary.word) } : undefined;
  const fromLanguage = functionWordFix(word, language);
  if (!fromVocabulary) return fromLanguage?.word;
  if (!fromLanguage) return fromVocabulary.word;
  return better(fromLanguage, fromVocabulary) ? fromLanguage.word : fromVocabulary.word;
}
