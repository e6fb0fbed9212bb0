import { distance } from "fastest-levenshtein";
import type { VocabularyFix } from "@/db/queries/retrieval";
import { valueWordsOf } from "@/lib/engine/builtin";
import { foldAccents, isSubsequence, stopwordsOf } from "@/lib/engine/text";
import { memoize } from "@/lib/memo";

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

/**
 * Edits between two words, two neighbouring letters swapped counting as one ("wehre" for where, "tihs" for this: one
 * slip of the fingers, which Levenshtein's distance counts as two): the optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  const plain = distance(a, b);
  if (plain < 2 || a.length !== b.length) return plain;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
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
    const edits = editDistance(word, candidate);
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

/** Letters a keyboard without dead keys types bare, by language: the accented letters each stands for. */
const ACCENTED: Record<string, Record<string, string[]>> = {
  es: { a: ["á"], e: ["é"], i: ["í"], o: ["ó"], u: ["ú", "ü"], n: ["ñ"] },
  fr: { a: ["à", "â"], e: ["é", "è", "ê"], i: ["î", "ï"], o: ["ô"], u: ["ù", "û"], c: ["ç"] },
  pt: { a: ["á", "â", "ã", "à"], e: ["é", "ê"], i: ["í"], o: ["ó", "ô", "õ"], u: ["ú"], c: ["ç"] },
  it: { a: ["à"], e: ["è", "é"], i: ["ì"], o: ["ò"], u: ["ù"] },
  de: { a: ["ä"], o: ["ö"], u: ["ü"] },
};

/**
 * Letters that sound alike in a language, each way round: Spanish writes by ear b/v, s/z/soft c and y/ll alike, and
 * "k" for the hard c/qu of texting; German types ae, oe, ue and ss for ä, ö, ü and ß; Spanish, French, Italian and
 * Portuguese leave their h unsaid, so a word that starts with a vowel may be one that starts with h.
 */
const SAME_SOUND: Record<string, [RegExp, string][]> = {
  es: [
    [/b/g, "v"],
    [/v/g, "b"],
    [/s(?=[ei])/g, "c"],
    [/c(?=[ei])/g, "s"],
    [/s/g, "z"],
    [/z/g, "s"],
    [/z(?=[ei])/g, "c"],
    [/c(?=[ei])/g, "z"],
    [/y/g, "ll"],
    [/ll/g, "y"],
    [/k(?=[ei])/g, "qu"],
    [/k(?=[aou])/g, "c"],
  ],
  // German written without its umlauts and ß, as the language's own rule for keyboards without them has it
  // ("Fuesse" for Füße, "heiss" for heiß).
  de: [
    [/ae/g, "ä"],
    [/oe/g, "ö"],
    [/ue/g, "ü"],
    [/ss/g, "ß"],
  ],
};
const SILENT_H = new Set(["es", "fr", "it", "pt"]);

/**
 * The spellings a word typed by ear may stand for, one change each ("uevos" → huevos, "bino" → vino, "serveza" →
 * cerveza, "otel" → hotel) and the word with one accent put back ("abris" → abrís, "ecole" → école). The caller
 * keeps those that are words of the language.
 */
export function soundAlikes(word: string, language: string): string[] {
  if (word.length < 2 || word.length > 24) return [];
  const out = new Set<string>();
  if (SILENT_H.has(language) && /^[aeiouáéíóú]/.test(word)) out.add(`h${word}`);
  for (const [pattern, sound] of SAME_SOUND[language] ?? [])
    for (const m of word.matchAll(pattern)) out.add(word.slice(0, m.index) + sound + word.slice(m.index + m[0].length));
  const accented = ACCENTED[language] ?? {};
  for (let i = 0; i < word.length; i++)
    for (const letter of accented[word[i]!] ?? []) out.add(word.slice(0, i) + letter + word.slice(i + 1));
  out.delete(word);
  return [...out];
}

/** Keyboard rows by language (German types on QWERTZ, French on AZERTY, the others on QWERTY). */
const KEY_ROWS: Record<string, string[]> = {
  default: ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
  de: ["qwertzuiopü", "asdfghjklöä", "yxcvbnm"],
  fr: ["azertyuiop", "qsdfghjklm", "wxcvbn"],
};

/** The keys next to each key: the same row's either side and the row above's and below's that touch it. */
const neighboursByLanguage = new Map<string, Map<string, Set<string>>>();
function keyNeighbours(language: string): Map<string, Set<string>> {
  const known = neighboursByLanguage.get(language);
  if (known) return known;
  const rows = KEY_ROWS[language] ?? KEY_ROWS.default!;
  const near = new Map<string, Set<string>>();
  rows.forEach((row, r) =>
    [...row].forEach((key, i) => {
      const set = new Set<string>();
      for (const [other, from, to] of [
        [row, i - 1, i + 1],
        [rows[r - 1], i, i + 1],
        [rows[r + 1], i - 1, i],
      ] as const)
        for (let j = from; j <= to; j++) if (other?.[j] && other[j] !== key) set.add(other[j]!);
      near.set(key, set);
    }),
  );
  neighboursByLanguage.set(language, near);
  return near;
}

/** Whether `typed` is `meant` with one key's neighbour hit instead of its own. */
export function isNeighbourSlip(typed: string, meant: string, language: string): boolean {
  if (typed.length !== meant.length) return false;
  const differ = [...typed].flatMap((c, i) => (c === meant[i] ? [] : [i]));
  if (differ.length !== 1) return false;
  const i = differ[0]!;
  const near = keyNeighbours(language);
  const key = (c: string) => (near.has(c) ? c : foldAccents(c));
  return near.get(key(meant[i]!))?.has(key(typed[i]!)) ?? false;
}

/**
 * "lqmp" for lamp, "dwsk" for desk: a short word with one letter mistyped shares too few trigrams with the word meant
 * for the vocabulary's similarity search (pg_trgm's threshold is 0.3; a four-letter word with its third letter wrong
 * scores 0.25). Its one-letter substitutions after the first, in the language's letters, to look up as they are.
 */
export function substitutions(word: string, language: string): string[] {
  if (word.length < 4 || word.length > 6 || !/^\p{L}+$/u.test(word)) return [];
  const letters = alphabetOf(language);
  const out: string[] = [];
  for (let i = 1; i < word.length; i++)
    for (const letter of letters) if (letter !== word[i]) out.push(word.slice(0, i) + letter + word.slice(i + 1));
  return out;
}

/** A correct word's substitutions that are a keyboard neighbour's slip for it ("coat" typed for cost), remembered. */
export function neighbourSubstitutions(word: string, language: string): string[] {
  return neighbourSubstitutionsOf(`${language}\n${word}`);
}
const neighbourSubstitutionsOf = memoize((key: string) => {
  const newline = key.indexOf("\n");
  const language = key.slice(0, newline);
  const word = key.slice(newline + 1);
  return substitutions(word, language).filter((candidate) => isNeighbourSlip(word, candidate, language));
}, 20_000);

/**
 * Of a mistyped word's substitutions that the knowledge uses, the one meant: the only one whose changed letter is a
 * keyboard neighbour of the one typed, or else (unless `neighboursOnly`: the caller first tries a function word
 * with two letters swapped, "thme" for them rather than time) the only one; none when that leaves a choice.
 */
export function chooseSubstitution(
  word: string,
  present: string[],
  language: string,
  { neighboursOnly = false } = {},
): string | undefined {
  const slips = present.filter((candidate) => isNeighbourSlip(word, candidate, language));
  if (slips.length === 1) return slips[0];
  return !neighboursOnly && slips.length === 0 && present.length === 1 ? present[0] : undefined;
}

/** The letters a language's words are written in (a–z and its accented letters). */
function alphabetOf(language: string): string[] {
  return [...new Set([..."abcdefghijklmnopqrstuvwxyz", ...Object.values(ACCENTED[language] ?? {}).flat()])];
}

/**
 * "massgaes", "carpey", "bottlle": the word of the language one slip away from a word that is none, for a word the
 * knowledge has nothing close to. Slips in order of how often fingers make them: two neighbouring letters swapped, a
 * letter typed twice, a key's neighbour hit; then a letter left out or one too many; then any other letter. The first
 * kind that gives exactly one word of the language gives the fix; two or more of the same kind are a guess, and none
 * is made. Never at the first letter, which people rarely miss, and only from five letters (a shorter one is a
 * slip of too many words).
 */
export function dictionaryFix(
  word: string,
  isWord: (w: string) => boolean,
  language: string,
  /** A slower second dictionary, asked only about the likeliest slips (English: WordNet's lemmas, "discount"). */
  alsoWord?: (w: string) => boolean,
): string | undefined {
  if (word.length < 5 || word.length > 24 || !/^\p{L}+$/u.test(word)) return undefined;
  const letters = alphabetOf(language);
  const near = keyNeighbours(language);
  const tried = new Set([word]);
  // Kind by kind, likeliest first: the first that finds a word decides, so the rarer kinds are seldom spelt out.
  const kinds: (() => Iterable<string>)[] = [
    function* likeliest() {
      for (let i = 1; i + 1 < word.length; i++)
        if (word[i] !== word[i + 1]) yield word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      for (let i = 1; i < word.length; i++) if (word[i] === word[i - 1]) yield word.slice(0, i) + word.slice(i + 1);
      for (let i = 1; i < word.length; i++)
        for (const [key, keys] of near) if (keys.has(word[i]!)) yield word.slice(0, i) + key + word.slice(i + 1);
    },
    function* leftOutOrExtra() {
      for (let i = 1; i < word.length; i++) yield word.slice(0, i) + word.slice(i + 1);
      for (let i = 1; i <= word.length; i++)
        for (const letter of letters) yield word.slice(0, i) + letter + word.slice(i);
    },
    function* anyOther() {
      for (let i = 1; i < word.length; i++)
        for (const letter of letters) yield word.slice(0, i) + letter + word.slice(i + 1);
    },
  ];
  for (const [n, kind] of kinds.entries()) {
    const found = new Set<string>();
    for (const candidate of kind()) {
      if (tried.has(candidate)) continue;
      tried.add(candidate);
      if (isWord(candidate) || (n === 0 && alsoWord?.(candidate))) found.add(candidate);
    }
    if (found.size) return found.size === 1 ? [...found][0] : undefined;
  }
  return undefined;
}
