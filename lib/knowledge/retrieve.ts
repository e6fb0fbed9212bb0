import pluralize from "pluralize";
import type { Db } from "@/db";
import {
  rankChunks,
  readQuestionVocabulary,
  type RankedChunk,
  type RankRequest,
  type SearchText,
} from "@/db/queries/retrieval";
import type { Passage, QueryAnalysis } from "@/lib/engine/types";
import { grouped } from "@/db/grouped";
import { memoize } from "@/lib/memo";
import { detectLanguage, textSearchConfig, UNDETERMINED } from "@/lib/language";
import {
  ELIDED_WITHOUT_APOSTROPHE,
  questionWordsOf,
  TYPE_WORD,
  valueWordsOf,
  withoutOpening,
  withoutSmallTalk,
} from "@/lib/engine/builtin";
import { COMPOUNDING, foldAccents, isSubsequence, numberWordsOf, stopwordsOf } from "@/lib/engine/text";
import { customerWordsFor, parseCustomerWords, type CustomerWordRule } from "./customer-words";
import { type Lexicon, lexiconFor } from "./lexicon";
import {
  chooseFix,
  chooseSubstitution,
  dictionaryFix,
  neighbourSubstitutions,
  soundAlikes,
  substitutions,
} from "./retrieve-typos";
import {
  englishVerbsIn,
  instancesOf,
  isEnglishLemma,
  isOnlyAdverb,
  relatedEnglishWords,
  subjectWeight,
} from "./wordnet";

export { ALL_TERMS_CANDIDATES, CANDIDATE_BUDGET } from "@/db/queries/retrieval";

export type RetrievalQuery = {
  botId: string;
  /** The question. */
  query: string;
  /** Earlier turns that give a follow-up its subject ("How much does it cost?" after "Tell me about Pro"). */
  context?: string;
  k?: number;
};

/** The passages found, best first, and what retrieval understood of the question (the engines read it). */
export type Retrieval = { passages: Passage[]; analysis: QueryAnalysis };

/** Finds the knowledge passages that best answer a question. Full-text today; a vector or hybrid retriever fits the same shape. */
export interface Retriever {
  retrieve(db: Db, query: RetrievalQuery): Promise<Retrieval>;
}

/** Weight of the earlier turns' words: they steer a follow-up without outranking the question. */
export const CONTEXT_WEIGHT = 0.5;
/** Weight of the owner's own "Words your customers use": they know their customers, so nearly full. */
export const CUSTOMER_WORD_WEIGHT = 0.9;
/** Another form of the question's word in the dictionary ("abre" for "abrís"): nearly the word itself. */
export const FORM_WEIGHT = 0.9;
/** A compound of the knowledge whose last part is the question's word ("Regenschirm" for "Schirm"). */
export const COMPOUND_WEIGHT = 0.7;
/** At most this many forms of one question word are looked up, and this many in all. */
const FORMS_PER_WORD = 80;
const MAX_FORMS = 400;
/** How much a kind the question's noun is counts ("Vögel" for "Papagei"): less than a synonym, as a kind says more. */
export const HYPERNYM_WEIGHT = 0.5;
/** The shortest last part of a compound kind that counts as the kind ("Tier" of "Haustier"). */
const KIND_PART_MIN = 4;

/**
 * German nouns → the nouns OpenThesaurus names as their kinds ("Oberbegriff": Katze → Raubtier, Beutegreifer), from its
 * MyThes file (LGPL; lib/knowledge/data/make-de-hypernyms.mjs). Loaded on the first German question.
 */
let germanKinds: Promise<Record<string, string[]>> | undefined;
function germanHypernyms(): Promise<Record<string, string[]>> {
  germanKinds ??= import("./data/de-hypernyms.json").then((m) => m.default as Record<string, string[]>);
  return germanKinds;
}

/** The question's first this many distinct words have their swapped-letter variants looked up. */
const SWAPPED_WORDS = 40;
/** At most this many short unplaced words of a question have their one-letter substitutions looked up. */
const SUBSTITUTED_WORDS = 3;
/**
 * English words with a prefix, which the Hunspell reader (suffix rules only) may not know ("discount"): for these,
 * WordNet is asked too (a slower lookup, so not for every candidate).
 */
const ENGLISH_PREFIXED = /^(?:dis|un|re|in|im|non|pre|mis|over|under|out|sub|inter|trans|super|anti|de|en|ex|co)/;
/** At most this many words of a question are looked for in the language's dictionary one slip away. */
const DICTIONARY_FIXED_WORDS = 3;
/** A vocabulary word as near a typo as the one chosen to correct it: searched beside it, a little lower. */
export const ALTERNATIVE_FIX_WEIGHT = 0.8;
/**
 * A name WordNet gives as an instance of the kind a question asks for ("Belgium" for "Which countries…?"): nearly the
 * word itself, and more telling than a sentence that merely lists something.
 */
export const INSTANCE_WEIGHT = 0.9;
/** Scale of a lexical resource's related word (its sense weight, 0.6 for the first sense, times this). */
export const RELATED_WEIGHT_SCALE = 1;

/**
 * What a question asks, as retrieval searches it. Steps, each a rule of its own:
 *
 * 1. Language: detected from the question (lib/language.ts), preferring the languages of the bot's
 *    knowledge; a question too short to tell is in the bot's language setting, or with "auto" in the
 *    knowledge's main language. The question is parsed with its language's text search configuration
 *    and, where the knowledge is in others, with theirs too.
 * 2. Typos: each question word that the bot's vocabulary (knowledge_words) lacks is replaced by the
 *    closest vocabulary word (trigram-similar and one edit away, two from six letters on; three typed
 *    letters only a four-letter word they leave one out of), unless it is an acronym typed in capitals
 *    or a correct word of the question's or the knowledge's language (its Hunspell dictionary, and
 *    WordNet for English): a correct rare word is a question about something the bot does not know,
 *    not a typo, unless it is a function word with two letters swapped ("dose" for "does") or the first
 *    word, a question word with a letter left out ("wats the…"). Words written in one where the knowledge
 *    writes two with a hyphen, or two where it writes one, are read as the knowledge writes them. A word
 *    written by ear or without its accent ("uevos", "bino", "abris") is the word of the language that
 *    sounds the same: the knowledge's when it uses one, even for a correct word ("echo" → hecho), else
 *    the language's before any other candidate.
 * 3. Related words: for an English question, the synonyms of each word's most frequent senses in
 *    WordNet (its verb senses only where the question uses it as a verb: "Can I store…" is no shop),
 *    kept only where the bot's vocabulary holds them (in any inflection), at reduced weight;
 *    and the owner's own word list at nearly full weight.
 * 4. Subject: how much each word is what the question is about: in English from WordNet and its use as a
 *    verb; in German from its writer's capitals; in French, Spanish, Italian and Portuguese a conjugated
 *    verb ("dort", "tenéis") or an infinitive after a modal ("¿puedo tomar…?", "hay que pagar") is how
 *    the question is put.
 */
export async function analyzeQuestion(
  db: Db,
  { botId, query: message, context, k = 5 }: RetrievalQuery,
): Promise<{ analysis: QueryAnalysis; request: RankRequest }> {
  // "Hi there! Quick question: …? Thanks!": what is searched for is the question.
  const query = withoutSmallTalk(message);
  const words = wordsOf(query);
  // The words after a greeting that opens the message ("hey wat time…"): where a question word would stand.
  const opening = wordsOf(withoutOpening(query));
  const variants = (list: string[]) => list.flatMap(relatedForms);
  // "pyhton" for "python": two letters swapped is one slip of the fingers but two edits, and shares too few
  // trigrams for the vocabulary's similarity search, so each word's swaps are looked up as they are.
  // The first SWAPPED_WORDS words only: an 8,000-character message must not become thousands of lookups.
  const swaps = new Map<string, string>();
  for (const word of words.slice(0, SWAPPED_WORDS))
    for (const swap of [...transpositions(word), ...undoubled(word)]) if (!swaps.has(swap)) swaps.set(swap, word);
  const joins = joinedForms(query);
  const vocab = await readQuestionVocabulary(db, {
    botId,
    words,
    candidates: [...variants(words), ...swaps.keys(), ...joins.keys()],
    compounding: [...COMPOUNDING],
  });
  const stop = vocab.englishStopwords;

  const knowledgeLanguages = vocab.languages.map((l) => l.language).filter((l) => l !== UNDETERMINED);
  const setting = vocab.bot?.language ?? "auto";
  const fallback = setting !== "auto" ? setting : (knowledgeLanguages[0] ?? UNDETERMINED);
  const { language } = await detectLanguage(query, { fallback, expected: knowledgeLanguages });

  // Typos.
  const lexicons = await Promise.all([...new Set([language, ...knowledgeLanguages])].map((l) => lexiconFor(l)));
  const englishToo = language === "en" || knowledgeLanguages.includes("en");
  // The dictionaries know a language's inflections; WordNet adds the lemmas they lack ("veneer"), not its own
  // guesses at inflections ("shiping" as ship + ing).
  const isCorrectWord = (w: string) => lexicons.some((l) => l?.has(w)) || (englishToo && isEnglishLemma(w));
  const fixes = new Map<string, string>();
  const stopwords = stopwordsOf(language);
  // "Do you have a Ruby SDK?": a word typed in capitals among lower-case ones is an acronym, not a slip.
  const acronyms = /\p{Ll}/u.test(query)
    ? new Set(
        (query.match(/[\p{L}\p{M}]+/gu) ?? [])
          .filter((w) => w.length >= 2 && w === w.toUpperCase())
          .map((w) => w.toLowerCase()),
      )
    : new Set<string>();
  // "uevos" for huevos, "bino" for vino, "abris" for abrís: a word written by ear or without its accent. Its
  // sound-alikes that are words of the language, and which of them the knowledge uses.
  const questionLexicon = lexicons[0];
  const alikes = new Map<string, string[]>();
  if (questionLexicon)
    for (const word of vocab.unknown.keys()) {
      if (acronyms.has(word) || stopwords.has(word) || stopwords.has(foldAccents(word))) continue;
      const words = soundAlikes(word, language).filter((w) => questionLexicon.has(w));
      if (words.length) alikes.set(word, words);
    }
  // In any of its forms ("hecho" where the page says "hechos").
  const formsOfAlike = new Map([...alikes.values()].flat().map((w) => [w, [w, ...questionLexicon!.forms(w, 20)]]));
  // "lqmp", "dwsk": a short word with one letter mistyped, which the similarity search could not place.
  const substituted = new Map<string, string[]>();
  for (const [word, candidate] of vocab.unknown) {
    if (substituted.size >= SUBSTITUTED_WORDS) break;
    if (candidate || acronyms.has(word) || alikes.has(word) || stopwords.has(word) || isCorrectWord(word)) continue;
    const options = substitutions(word, language);
    if (options.length) substituted.set(word, options);
  }
  // "what is the tour coat" (cost): a word of the language the knowledge does not use, one key's neighbour
  // away from one it does (a slip that makes another word).
  const slipped = new Map<string, string[]>();
  for (const [word] of vocab.unknown) {
    if (slipped.size >= SUBSTITUTED_WORDS) break;
    if (word.length < 4 || acronyms.has(word) || stopwords.has(word) || !isCorrectWord(word)) continue;
    const options = neighbourSubstitutions(word, language);
    if (options.length) slipped.set(word, options);
  }
  const lookUp = [
    ...[...formsOfAlike.values()].flat(),
    ...[...substituted.values()].flat(),
    ...[...slipped.values()].flat(),
  ];
  const present = lookUp.length
    ? (await readQuestionVocabulary(db, { botId, words: [], candidates: lookUp })).present
    : new Set<string>();
  const heard = new Set([...formsOfAlike].filter(([, forms]) => forms.some((f) => present.has(f))).map(([w]) => w));
  let dictionaryFixes = 0;
  const alternatives: { word: string; for: string }[] = [];
  for (const [word, candidate] of vocab.unknown) {
    if (acronyms.has(word)) continue;
    // The knowledge's own word that sounds the same, even for a word of the language the knowledge does not use
    // ("echo", a form of echar, for "hecho").
    const alike = alikes.get(word)?.find((w) => heard.has(w));
    if (alike) {
      fixes.set(word, alike);
      continue;
    }
    // "lété", "dhiver": a French or Italian elision typed without its apostrophe, before a word of the language.
    const elided =
      (language === "fr" || language === "it") && !isCorrectWord(word) ? ELIDED_WITHOUT_APOSTROPHE.exec(word) : null;
    const rest = elided
      ? [elided[1]!, ...soundAlikes(elided[1]!, language)].find((w) => questionLexicon?.has(w))
      : undefined;
    if (elided && rest) {
      fixes.set(word, `${word.slice(0, word.length - elided[1]!.length)}'${rest}`);
      continue;
    }
    // "wats the price…", "wen do you open", "hey wat time…": a question's first word with a letter left out of a
    // question word, followed by what follows a question word (an article, a verb, a pronoun; not "hats for sale").
    const questionWords = questionWordsOf(language);
    const asking =
      word === opening[0] && AFTER_QUESTION_WORD[language]?.test(opening[1] ?? "") && !questionWords.includes(word)
        ? questionWords.find(
            (w) => w.replace("'", "").length === word.length + 1 && isSubsequence(word, w.replace("'", "")),
          )
        : undefined;
    if (isCorrectWord(word)) {
      // "how long dose it take": two letters of a little word swapped can make another word ("dose", "form"), which
      // the knowledge does not use; the question's own function word is what was meant.
      if (stopwords.has(word)) continue;
      const little = transpositions(word).find((swap) => stopwords.has(swap));
      // One slip from exactly one word the knowledge uses: a key's neighbour, two letters swapped, a letter typed twice.
      const near = [
        ...(slipped.get(word)?.filter((w) => present.has(w)) ?? []),
        ...[...transpositions(word), ...undoubled(word)].filter((w) => swaps.get(w) === word && vocab.present.has(w)),
      ];
      const slip = near.length === 1 ? near[0] : undefined;
      const fix = little ?? asking ?? slip;
      if (fix) fixes.set(word, fix);
      continue;
    }
    const swapped = transpositions(word).find((swap) => swaps.get(swap) === word && vocab.present.has(swap));
    // "carpett": a letter typed twice is the likeliest slip of all, before another word one edit away ("carpets").
    const single = undoubled(word).find((w) => swaps.get(w) === word && vocab.present.has(w));
    const mistyped = substituted.get(word)?.filter((w) => present.has(w));
    // The language's word one slip away ("massgaes"), for a word the knowledge has nothing as near to: then it counts
    // as a word of the question the knowledge lacks rather than a slip to look past, and it beats a word of the
    // knowledge two edits away ("carpey" is carpet, not carpets).
    const nearer = () =>
      (!candidate || candidate.edits > 1) &&
      !stopwords.has(word) &&
      !vocab.clipped.has(word) &&
      dictionaryFixes++ < DICTIONARY_FIXED_WORDS
        ? dictionaryFix(
            word,
            (w) => questionLexicon?.has(w) ?? false,
            language,
            language === "en" ? (w) => ENGLISH_PREFIXED.test(w) && isEnglishLemma(w) : undefined,
          )
        : undefined;
    const fix =
      asking ??
      // A word of the language that sounds the same is what was meant, though the knowledge does not use it
      // ("serveza" is cerveza, not a word of the knowledge one letter away).
      alikes.get(word)?.[0] ??
      single ??
      (swapped && (!candidate || candidate.edits > 1) ? swapped : undefined) ??
      (mistyped?.length ? chooseSubstitution(word, mistyped, language, { neighboursOnly: true }) : undefined) ??
      (candidate && candidate.edits > 1 ? nearer() : undefined) ??
      chooseFix(word, candidate, language) ??
      (mistyped?.length ? chooseSubstitution(word, mistyped, language) : undefined) ??
      (candidate ? undefined : nearer());
    if (fix && fix !== word) fixes.set(word, fix);
    // "the old hause": "house" and "pause" are as near; the others as near are searched beside the fix, a little
    // lower, so the passage where the question's other words stand decides.
    if (fix && fix === candidate?.word)
      for (const other of candidate.alternatives ?? []) alternatives.push({ word: other, for: fix });
  }
  // "tuneup" where the page writes "tune-up", "einsteiger kurs" where it writes "Einsteigerkurs": a word written
  // in one where the knowledge writes two joined by a hyphen, or two where it writes one, is the knowledge's word.
  const rejoined = new Map<string, string>();
  for (const [form, { written, split }] of joins) {
    if (!vocab.present.has(form)) continue;
    if (split) {
      if (vocab.unknown.has(written) && !fixes.has(written)) fixes.set(written, form);
    } else if (!written.split(" ").some((w) => fixes.has(w))) rejoined.set(written, form);
  }
  const fixed = fixes.size ? replaceWords(query, fixes) : query;
  const corrected = rejoined.size ? joinWords(fixed, rejoined) : fixed;
  // Typed in lower case, neither the knowledge's nor the language's, and no typo of either ("libary" where the page
  // says "libraries"): a slip, not a subject the bot lacks. Capitalised words are names ("HIPAA", "Botox"). English
  // only, where Hunspell and WordNet together know nearly every word; the other dictionaries miss too many
  // ("diabético").
  const typed = new Set(query.match(/[\p{L}\p{M}]+/gu) ?? []);
  const unrecognised = [...vocab.unknown.keys()].filter(
    (word) => language === "en" && !fixes.has(word) && word.length >= 3 && typed.has(word) && !isCorrectWord(word),
  );

  // How much each English question word is the question's subject (a noun) rather than how it is put (a verb, an
  // adjective, a general word): the engines weigh the absence of a subject most. For every word, not only those the
  // knowledge lacks: one it uses elsewhere ("own" in "your own logo") may still be missing from the passages found.
  const subject: QueryAnalysis["subject"] = [];
  // "Can I store my kayak…?": a word used as a verb is how the question is put, whatever else it can mean.
  const verbs =
    language === "en" ? englishVerbsIn(corrected.toLowerCase().match(/[\p{L}\p{M}']+/gu) ?? []) : new Set<string>();
  if (language === "en")
    for (const word of wordsOf(corrected))
      if (!unrecognised.includes(word) && !stopwords.has(word)) {
        const weight = verbs.has(word) ? 0 : subjectWeight(word);
        if (weight < 1) subject.push({ word, weight });
      }
  // In French, Spanish, Italian and Portuguese the dictionary tells by form: "vraiment", "realmente".
  const manner = wordsOf(corrected).filter(
    (word) =>
      !stopwords.has(word) &&
      (language === "en" ? isOnlyAdverb(word) : !!questionLexicon && isDerivedAdverb(word, questionLexicon, language)),
  );
  // German capitalises its nouns: from a customer who does, a word typed in lower case inside a sentence is a verb,
  // an adjective or an adverb ("Kann ich da parken?"), how the question is put rather than what it is about.
  if (language === "de")
    for (const word of lowerCaseWordsOfNounCapitaliser(corrected))
      if (!stopwords.has(word) && !subject.some((s) => s.word === word)) subject.push({ word, weight: 0 });
  // From one who types all in lower case, the dictionary tells: a word it writes only without a capital ("abstellen").
  if (language === "de" && questionLexicon && !/\p{Lu}/u.test(corrected.slice(1)))
    for (const word of wordsOf(corrected))
      if (!stopwords.has(word) && questionLexicon.caseOf(word) === "lower" && !subject.some((s) => s.word === word))
        subject.push({ word, weight: 0 });
  // "…même si on ne dort pas à l'hôtel ?": a conjugated verb (a form of nothing but verbs in the dictionary) is how
  // the question is put, as in English.
  // So is an infinitive after a modal or motion verb ("¿Puedo tomar…?", "On peut venir dîner…").
  if (questionLexicon && CONJUGATES[language]) {
    const sequence = corrected.toLowerCase().match(/[\p{L}\p{M}]+/gu) ?? [];
    const modal = MODALS[language];
    sequence.forEach((word, i) => {
      if (stopwords.has(word) || subject.some((s) => s.word === word)) return;
      const before = sequence[i - 1] ?? "";
      const modalBefore =
        modal?.test(before) || (before === "que" && language === "es" && HAY_QUE.test(sequence[i - 2] ?? ""));
      const afterModal = modalBefore && isVerbEntry(word, questionLexicon, language);
      if (afterModal || isVerbForm(word, questionLexicon, language)) subject.push({ word, weight: 0 });
    });
  }

  // Related words: the lexical resource's (English), then the owner's.
  const related: QueryAnalysis["related"] = [];
  const seen = new Set(wordsOf(corrected));
  // Candidate word → the question word it is related to: those the knowledge uses join the related words (one lookup).
  const relateUsed = async (candidates: Map<string, string>, weight: number) => {
    if (!candidates.size) return;
    const found = await readQuestionVocabulary(db, { botId, words: [], candidates: [...candidates.keys()] });
    for (const form of found.present)
      if (!seen.has(form)) {
        seen.add(form);
        related.push({ word: form, for: candidates.get(form)!, weight });
      }
  };
  if (language === "en") {
    let present = vocab.present;
    const fixed = [...fixes.values()];
    // "Which countries do you ship to?": the names WordNet gives as instances of the kind asked for, which is what a
    // page names ("We ship to Belgium and Norway") rather than the kind's own word.
    const kind = TYPE_WORD.exec(corrected.toLowerCase())?.[1];
    const kindNames = kind ? instancesOf(kind) : [];
    if (fixed.length || kindNames.length) {
      const more = await readQuestionVocabulary(db, {
        botId,
        words: fixed,
        candidates: [...variants(fixed), ...kindNames],
      });
      present = new Set([...present, ...more.present]);
      for (const w of more.englishStopwords) stop.add(w);
    }
    for (const word of wordsOf(corrected).filter((w) => !stop.has(w)))
      for (const r of relatedEnglishWords(word, { verb: verbs.has(word) }))
        for (const form of surfaceForms(r.word))
          if (present.has(form) && !seen.has(form)) {
            seen.add(form);
            related.push({ word: form, for: word, weight: r.weight * RELATED_WEIGHT_SCALE });
          }
    if (kind)
      for (const name of kindNames)
        if (present.has(name) && !seen.has(name)) {
          seen.add(name);
          related.push({ word: name, for: kind, weight: INSTANCE_WEIGHT });
        }
  }
  // Other forms of the same word, from the language's dictionary ("¿Abrís…?" where the page says "abrimos" or
  // "abre"): a stemmer leaves short verbs apart, the dictionary's own suffix rules do not.
  if (language !== "en" && questionLexicon) {
    const forms = new Map<string, string>();
    // Not for a function word ("tenéis": its forms are function words too) nor a word that asks for a kind of value,
    // whose forms may be another word's ("meses", of "mes", is also a form of the verb "mesar", as "mesas" is).
    const values = valueWordsOf(language);
    const add = (word: string) => {
      const folded = foldAccents(word);
      if (stopwords.has(word) || stopwords.has(folded) || values.has(folded)) return;
      for (const form of questionLexicon.forms(word, FORMS_PER_WORD))
        if (!forms.has(form) && forms.size < MAX_FORMS) forms.set(form, word);
    };
    // Also for a word the knowledge uses: the sentence that answers may say it in another form ("¿Venden…?" where
    // the page that answers says "vendido", the word "venden" standing elsewhere).
    for (const word of wordsOf(corrected)) if (questionLexicon.has(word)) add(word);
    // A follow-up's subject comes from the earlier turns ("¿Y los domingos?" after "¿A qué hora abrís…?"): the
    // engine borrows their words, so their forms are looked up too.
    const asked = new Set(wordsOf(corrected));
    for (const word of wordsOf(context ?? ""))
      if (!asked.has(word) && word.length >= 3 && questionLexicon.has(word)) add(word);
    await relateUsed(forms, FORM_WEIGHT);
  }
  // "Schirm" where the page says "Regenschirme": in a language that writes compounds as one word, a compound names a
  // kind of its last part. Not for a word typed in lower case by a writer who capitalises nouns (how the question is
  // put, not its subject), nor for one corrected as a typo, nor for a function word ("muss" is no part of "Apfelmus").
  if (COMPOUNDING.has(language))
    for (const [word, compounds] of vocab.compounds) {
      if (fixes.has(word) || stopwords.has(word) || subject.some((s) => s.word === word && s.weight === 0)) continue;
      for (const compound of compounds)
        if (!seen.has(compound)) {
          seen.add(compound);
          related.push({ word: compound, for: word, weight: COMPOUND_WEIGHT });
        }
    }
  // "Darf mein Papagei mit?" where the page says "Vögel sind nicht erlaubt": a German noun also searches its kinds
  // (OpenThesaurus's "Oberbegriff") and, for a compound kind, its last part ("Raubtier" → "Tier" for "Katze"), in
  // their dictionary forms ("Vögel"); only those the knowledge uses, at HYPERNYM_WEIGHT. All of a word's meanings
  // are listed together ("Birne" is a fruit and a light bulb), which the knowledge's own vocabulary and the low
  // weight temper.
  if (language === "de") {
    const kinds = await germanHypernyms();
    const candidates = new Map<string, string>();
    const add = (form: string, word: string) => {
      if (!candidates.has(form) && candidates.size < MAX_FORMS) candidates.set(form, word);
    };
    for (const word of wordsOf(corrected)) {
      if (stopwords.has(word) || fixes.has(word)) continue;
      for (const kind of kinds[word] ?? []) {
        const lower = kind.toLowerCase();
        add(lower, word);
        for (const form of questionLexicon?.forms(kind, FORMS_PER_WORD) ?? []) add(form.toLowerCase(), word);
        for (let i = 1; i <= lower.length - KIND_PART_MIN && candidates.size < MAX_FORMS; i++) {
          const part = lower.slice(i);
          add(part, word);
          // Only a part that is a noun of the dictionary has forms to look up ("tier", not "ubtier").
          const noun = part[0]!.toUpperCase() + part.slice(1);
          if (questionLexicon?.has(noun))
            for (const form of questionLexicon.forms(noun, FORMS_PER_WORD)) add(form.toLowerCase(), word);
        }
      }
    }
    await relateUsed(candidates, HYPERNYM_WEIGHT);
  }
  for (const r of alternatives)
    if (!seen.has(r.word)) {
      seen.add(r.word);
      related.push({ ...r, weight: ALTERNATIVE_FIX_WEIGHT });
    }
  for (const r of customerWordsFor(`${query}\n${corrected}`, customerRules(vocab.bot?.customerWords ?? "")))
    related.push({ word: r.word, for: r.for, weight: CUSTOMER_WORD_WEIGHT });

  const questionConfig = textSearchConfig(language);
  const knowledgeConfigs = [...new Set(knowledgeLanguages.map(textSearchConfig))];
  const configs = [...new Set([questionConfig, ...knowledgeConfigs])];
  const searchConfigs = knowledgeConfigs.length ? knowledgeConfigs : [questionConfig];
  // In a follow-up, a word that asks for a kind of value ("¿En qué meses?", "And the price?") says what is asked, not
  // about what: the earlier turns say that, so it weighs as they do (a stemmer may also make it another word: Spanish
  // "meses" and "mesas" are both "mes").
  const valueWords = context ? valueWordsOf(language) : undefined;
  const isValueWord = (word: string) => valueWords?.has(foldAccents(word.toLowerCase())) ?? false;
  const asked = corrected.match(/[\p{L}\p{M}]+/gu)?.filter(isValueWord) ?? [];
  const about = asked.length ? corrected.replace(/[\p{L}\p{M}]+/gu, (w) => (isValueWord(w) ? " " : w)) : corrected;
  const texts: SearchText[] = [
    ...configs.map((config) => ({ text: about, config, weight: 1, own: true })),
    ...(asked.length
      ? configs.map((config) => ({ text: asked.join(" "), config, weight: CONTEXT_WEIGHT, own: false }))
      : []),
    ...related.flatMap((r) => searchConfigs.map((config) => ({ text: r.word, config, weight: r.weight, own: false }))),
    ...(context ? configs.map((config) => ({ text: context, config, weight: CONTEXT_WEIGHT, own: false })) : []),
  ];
  // The question's words the knowledge uses (as typed: a corrected word is left out).
  const known = words.filter((w) => !stopwords.has(w) && !vocab.unknown.has(w) && !/^\d+$/.test(w));
  // Names typed in lower case ("do you ship to france"): words the dictionary writes only with a capital. Only for a
  // question with no capital after its first letter, the one case the engine reads them in.
  const lowerCase = new Set(corrected.match(/(?<![\p{L}\p{M}])\p{Ll}[\p{L}\p{M}]*/gu) ?? []);
  const names =
    questionLexicon && language !== "de" && !/\p{Lu}/u.test(corrected.slice(1))
      ? [...lowerCase].filter((w) => w.length >= 3 && !stopwords.has(w) && questionLexicon.caseOf(w) === "capital")
      : [];
  return {
    analysis: {
      language,
      corrected,
      related,
      ...(unrecognised.length ? { unrecognised } : {}),
      ...(subject.length ? { subject } : {}),
      ...(manner.length ? { manner } : {}),
      ...(known.length ? { known } : {}),
      ...(names.length ? { names } : {}),
    },
    request: { botId, k, texts },
  };
}

/** The one full-text ranking (db/queries/retrieval.ts), with the questions in flight grouped into one statement. */
const searches = grouped<Db, RankRequest, RankedChunk[]>({
  name: "search",
  max: 64,
  async run(db, requests) {
    const ranked = await rankChunks(db, requests);
    return ranked.map((value) => ({ value }));
  },
});

/**
 * The full-text candidates for an analysed question, best first: the one place they are produced, so
 * a vector search and a fusion of the two can sit beside it. A lone question is a batch of one.
 */
export async function fullTextPassages(db: Db, request: RankRequest): Promise<Passage[]> {
  const rows = await searches.call(db, request);
  return rows.map((r) => ({
    chunkId: r.id,
    sourceId: r.source_id,
    title: r.title,
    heading: r.heading,
    content: r.content,
    score: r.score,
  }));
}

/**
 * PostgreSQL full-text search (the same on PGlite and Postgres), over the question as analyzeQuestion
 * understood it: its language, its typos corrected, its related words beside its own.
 */
export const fullTextRetriever: Retriever = {
  async retrieve(db, query) {
    const { analysis, request } = await analyzeQuestion(db, query);
    return { passages: await fullTextPassages(db, request), analysis };
  },
};

/** A text's words as the vocabulary holds them: lower-cased runs of letters (PostgreSQL's `simple` parser splits the same way). */
export function wordsOf(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{M}]+/gu) ?? [])];
}

/** The word with a doubled letter written once ("stoore" → store); from five letters. */
export function undoubled(word: string): string[] {
  if (word.length < 5 || word.length > 24) return [];
  const out: string[] = [];
  for (let i = 1; i < word.length; i++) if (word[i] === word[i - 1]) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** The word with two neighbouring letters swapped, each way it can be ("pyhton" → python, ypthon…); from four letters. */
export function transpositions(word: string): string[] {
  if (word.length < 4 || word.length > 24) return [];
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i++)
    if (word[i] !== word[i + 1]) out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  return out;
}

/**
 * The words typed in lower case inside a sentence (lowercased), when the text also has a capitalised word inside a
 * sentence (its writer capitalises nouns); none otherwise, since many type everything in lower case.
 */
function lowerCaseWordsOfNounCapitaliser(text: string): string[] {
  const inside = [...text.matchAll(/(?<![.!?:]\s*|^\s*|[\p{L}\p{M}'-])([\p{L}\p{M}]+)/gu)].map((m) => m[1]!);
  if (!inside.some((word) => /^\p{Lu}\p{Ll}/u.test(word))) return [];
  return inside.filter((word) => /^\p{Ll}+$/u.test(word)).map((word) => word.toLowerCase());
}

/** Words that follow a question word at a question's start ("what is", "when do", "où est"), per language. */
const AFTER_QUESTION_WORD: Record<string, RegExp> = {
  en: /^(?:the|a|an|is|are|r|was|were|do|does|did|can|will|would|should|u|you|ur|your|time)$/u,
  fr: /^(?:est|sont|le|la|les|l|vous|tu|on|il|elle|ce|c)$/u,
  de: /^(?:ist|sind|kann|kannst|gibt|hat|habt|der|die|das|du|ihr|man)$/u,
  es: /^(?:es|son|está|esta|están|estan|el|la|los|las|hay)$/u,
};

/** At most this many of a question's words are tried joined to the next or split by a hyphen. */
const JOINED_WORDS = 24;

/**
 * The ways the question's words may be written in the knowledge instead: each word of four letters or more split
 * by a hyphen ("tuneup" → tune-up, "ebike" → e-bike), and each two words in a row joined, as one word when both have
 * three letters or more ("einsteiger kurs" → einsteigerkurs) or by a hyphen ("check in" → check-in). Form → the
 * words as the question writes them, and whether it splits one word.
 */
function joinedForms(query: string): Map<string, { written: string; split: boolean }> {
  const seq = (query.toLowerCase().match(/[\p{L}\p{M}]+/gu) ?? []).slice(0, JOINED_WORDS);
  const forms = new Map<string, { written: string; split: boolean }>();
  seq.forEach((word, i) => {
    if (word.length >= 4)
      for (let cut = 1; cut <= word.length - 2; cut++)
        forms.set(`${word.slice(0, cut)}-${word.slice(cut)}`, { written: word, split: true });
    // "zehnerkarte" where the page writes "10er-Karte": German writes a number in a compound in words or digits.
    for (const [numberWord, digits] of numberWordsOf("de"))
      if (word.startsWith(`${numberWord}er`) && word.length >= numberWord.length + 5)
        forms.set(`${digits}er-${word.slice(numberWord.length + 2)}`, { written: word, split: true });
    const next = seq[i + 1];
    if (!next) return;
    const written = `${word} ${next}`;
    if (word.length >= 3 && next.length >= 3) forms.set(`${word}${next}`, { written, split: false });
    forms.set(`${word}-${next}`, { written, split: false });
  });
  return forms;
}

/** The text with each pair of words in a row in `joins` ("einsteiger kurs") written as its form ("einsteigerkurs"). */
function joinWords(text: string, joins: Map<string, string>): string {
  let out = text;
  for (const [written, form] of joins) {
    const [a, b] = written.split(" ").map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{M}])${a}[\\s-]+${b}(?![\\p{L}\\p{M}])`, "giu"), form);
  }
  return out;
}

/** The text with each word in `fixes` replaced (whole words, any case). */
function replaceWords(text: string, fixes: Map<string, string>): string {
  // A capital stays ("Itlay" → Italy).
  return text.replace(/[\p{L}\p{M}]+/gu, (w) => {
    const fix = fixes.get(w.toLowerCase());
    return fix === undefined ? w : /^\p{Lu}/u.test(w) ? fix.charAt(0).toUpperCase() + fix.slice(1) : fix;
  });
}

/** The inflections an English base form may take in a text ("child" → children; "deliver" → delivers, delivered, delivering). */
export const surfaceForms = memoize((lemma: string): string[] => {
  const forms = new Set([lemma, pluralize.plural(lemma), `${lemma}s`]);
  if (/e$/.test(lemma)) forms.add(`${lemma}d`).add(`${lemma.slice(0, -1)}ing`);
  else forms.add(`${lemma}ed`).add(`${lemma}ing`);
  if (/[^aeiou]y$/.test(lemma)) forms.add(`${lemma.slice(0, -1)}ies`).add(`${lemma.slice(0, -1)}ied`);
  return [...forms];
});

/** Every inflection of every word related to `word`: what the vocabulary is asked whether it holds. */
const relatedForms = memoize((word: string) => relatedEnglishWords(word).flatMap((r) => surfaceForms(r.word)));

const parsedRules = new Map<string, CustomerWordRule[]>();
/** The owner's list as rules (parsed once per distinct text; an invalid list, which the form refuses, counts as empty). */
function customerRules(text: string): CustomerWordRule[] {
  if (!text.trim()) return [];
  let rules = parsedRules.get(text);
  if (!rules) {
    const parsed = parseCustomerWords(text);
    rules = parsed.ok ? parsed.rules : [];
    if (parsedRules.size >= 1000) parsedRules.clear();
    parsedRules.set(text, rules);
  }
  return rules;
}

/**
 * A verb's dictionary entry by language: its infinitive's ending, and the ending of the first person plural that
 * only a verb's forms take ("reservar" → reservamos; "alquiler" → alquileres; "réservation" → réservations).
 */
const CONJUGATES: Record<string, { infinitive: RegExp; plural: RegExp }> = {
  es: { infinitive: /(ar|er|ir|ír)$/, plural: /(amos|emos|imos)$/ },
  pt: { infinitive: /(ar|er|ir|or)$/, plural: /(amos|emos|imos)$/ },
  fr: { infinitive: /(er|ir|re)$/, plural: /ons$/ },
  it: { infinitive: /(are|ere|ire|rre)$/, plural: /iamo$/ },
};

/** Modal and motion verbs, which an infinitive follows ("puedo tomar", "peut venir", "posso prenotare"). */
const MODALS: Record<string, RegExp> = {
  es: /^(?:puedo|puedes|puede|podemos|podéis|podeis|pueden|podría|podria|podríamos|podriamos|quiero|quieres|quiere|queremos|queréis|quieren|quisiera|quisiéramos|debo|debe|debemos|voy|vamos|va|ir|venir|vengo)$/u,
  fr: /^(?:peux|peut|pouvons|pouvez|peuvent|pourrais|pourrait|pourrions|pourriez|pourrai|pourra|pourrons|pourrez|veux|veut|voulons|voulez|voudrais|voudrait|voudrions|dois|doit|devons|devez|faut|vais|va|allons|allez|aller|venir|viens|vient|venons|venez)$/u,
  it: /^(?:posso|puoi|può|puo|possiamo|potete|possono|potrei|potremmo|voglio|vorrei|vorremmo|devo|dobbiamo|vado|andare|venire)$/u,
  pt: /^(?:posso|pode|podemos|podem|poderia|quero|queria|queremos|devo|vou|vamos|ir|vir)$/u,
};

/** Spanish "hay que", "tengo que" + an infinitive: what one has to do. */
const HAY_QUE = /^(?:hay|tengo|tienes|tiene|tenemos|tenéis|teneis|tienen)$/u;

/** Whether a word is a verb's own dictionary entry, its infinitive ("tomar", "dîner" as "to dine"). */
function isVerbEntry(word: string, lexicon: Lexicon, language: string): boolean {
  const verb = CONJUGATES[language];
  return (
    verb !== undefined &&
    verb.infinitive.test(word) &&
    lexicon.entries(word).includes(word) &&
    lexicon.entryForms(word, 400).some((form) => verb.plural.test(form) && form.startsWith(word.slice(0, -3)))
  );
}

/** The ending that makes an adverb of an adjective, per language ("vrai" → "vraiment", "real" → "realmente"). */
const ADVERB_ENDING: Record<string, string> = { fr: "ment", es: "mente", it: "mente", pt: "mente" };

/**
 * Whether a word is an adverb made from an adjective: it has the ending, and the dictionary has it as an entry of its
 * own that takes no other form ("vraiment"; not "logement", which has a plural, nor Spanish "mente", "mind"), or
 * as a form of the adjective it is made from (Italian "esattamente" of esatto).
 */
export function isDerivedAdverb(word: string, lexicon: Lexicon, language: string): boolean {
  const ending = ADVERB_ENDING[language];
  if (!ending || !word.endsWith(ending) || word.length < ending.length + 2) return false;
  const entries = lexicon.entries(word);
  if (entries.length === 0) return false;
  if (entries.includes(word))
    return entries.length === 1 && lexicon.entryForms(word, 10).every((form) => form === word);
  return entries.every((entry) => word.startsWith(entry.slice(0, -1)));
}

/**
 * Whether a word is a conjugated verb: not a dictionary entry itself, and a form only of entries that are verbs
 * ("dort" of dormir, "tenéis" of tener; not "chambres", a form of the noun chambre as well as of chambrer).
 */
export function isVerbForm(word: string, lexicon: Lexicon, language: string): boolean {
  const verb = CONJUGATES[language];
  const entries = lexicon.entries(word);
  if (!verb || entries.length === 0 || entries.includes(word)) return false;
  return entries.every((entry) => isVerbEntry(entry, lexicon, language));
}
