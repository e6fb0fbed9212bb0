import { newStemmer } from "snowball-stemmers";
import { memoize } from "@/lib/memo";
import { eng, fra, deu, spa, ita, por, nld, swe, dan, nob, fin, rus, tur, hun, ron, cat } from "stopword";

/**
 * Words in a language: stemming with Snowball (the same algorithms as PostgreSQL's text search
 * configurations, so the engine and retrieval agree on what a word's stem is) and stopwords from the
 * `stopword` package's lists (short, conservative lists: they drop function words, never content words
 * such as "open" or "price"). Both are keyed by ISO 639-1 code; a language neither knows is read as English.
 */

/** ISO 639-1 → Snowball algorithm (snowball-stemmers names). */
const SNOWBALL: Record<string, string> = {
  en: "english",
  fr: "french",
  de: "german",
  es: "spanish",
  it: "italian",
  pt: "portuguese",
  nl: "dutch",
  sv: "swedish",
  da: "danish",
  no: "norwegian",
  nb: "norwegian",
  fi: "finnish",
  ru: "russian",
  tr: "turkish",
  hu: "hungarian",
  ro: "romanian",
  ca: "catalan",
};

const PACKAGE_STOPWORDS: Record<string, string[]> = {
  en: eng,
  fr: fra,
  de: deu,
  es: spa,
  it: ita,
  pt: por,
  nl: nld,
  sv: swe,
  da: dan,
  no: nob,
  nb: nob,
  fi: fin,
  ru: rus,
  tr: tur,
  hu: hun,
  ro: ron,
  ca: cat,
};

/**
 * What people add around a question in a chat, beyond the package's function words: question words,
 * politeness, "I'd like to know". Generic conversational words, per language; no business vocabulary.
 */
const CONVERSATIONAL: Record<string, string> = {
  en: `a about above after again against all also am an and any anyone anything are aren't as at be because been before
  being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
  back each either else etc even ever few for from further get gets getting give go goes going got had hadn't has hasn't
  have haven't having he he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is
  isn't it it's its itself just know let let's like lot me might mine more most much must my myself need needs no nor
  not now of off ok okay on once one ones only or other our ours ourselves out over please pls really same say
  shall she should shouldn't so some something such sure take takes tell than that that's the their theirs them
  themselves then there there's these they they'd they'll they're they've thing things this those through to too
  under until up us very want wants was wasn't way we we'd we'll we're we've well were weren't what what's when where
  where's which while who who's whom why why's will with won't would wouldn't yes yet you you'd you'll you're you've
  your yours yourself yourselves hi hello hey thanks thank thx help question
  plz btw idk wanna gonna gotta lemme gimme kinda sorta yep nope yeah cuz coz
  someone somebody anybody everyone everybody nobody everything nothing near across already often depending according
  till til`,
  fr: `est-ce quoi comment combien pourquoi quand puis peux peut pouvez pouvons peuvent pourrais pourrait pourriez voudrais
    voudrait voudriez veux veut voulons voulez veulent savoir dire
    bonjour salut merci svp stp plaît plait oui non si faut chez fait ya til
    vais vas va allons allez vont vers pres viens vient venons venez viennent venir viendra viendrons viendrez
    comme depuis pendant sous selon aussi très encore déjà toujours beaucoup trop entre donc alors car ainsi là
    pourra pourrons pourront pourrai pourras pourrez pourrions pourraient puisse puissent doit doivent devons devez dois
    devrait devrais faudra faudrait celle celui ceux celles ça
    jusqu jusque bcp tjrs tjs qqn qqch mtn jsp koi kel kelle chui pcq
    quelque quelques quelquun chose choses`,
  de: `bitte danke hallo ja nein gibt wie was wann wo warum welche welcher welches möchte möchten kann können könnt
    wissen sagen mal ans aufs durchs fürs hinterm hinters ums unterm unters überm übers vorm vors
    eig eigentlich vllt vlt vielleicht evtl eventuell ggf bzw usw nen irgendwo irgendwas irgendwie irgendwann irgendwer
    trotz könnten könntet möchtest`,
  es: `hola gracias favor sí si soy eres es somos son estoy estás está estamos están hay puedo puede pueden tienen tiene tengo hacen hace cómo como
    cuándo cuando dónde donde qué cuál cuáles cuánto cuánta cuántos cuántas quiero quisiera saber decir usted ustedes
    las los unos unas este esta estos estas tenéis tenemos tienes hacéis podéis puedes sois estáis vuestro vuestra
    vuestros vuestras entre sobre hasta desde durante según segun hacia tras cada otro otra otros otras mismo misma
    algo nada alguien nadie algún algun alguna algunos algunas mucho mucha muchos muchas poco poca pocos pocas muy
    más mas menos tan tanto también tampoco aún aun todavía todavia aquí aqui allí alli ahí ahi
    voy vas va vamos vais van mis tus kiero mientras oye oiga vengo vienes viene venimos venís vienen venir
    aunque pues entonces luego así siempre ahora
    podemos podría podrías podríamos podrían podríais podrá podrán podré podrás podréis pueda puedan pudiera debo debe
    deben debemos debería esa esos esas aquel aquella aquellos aquellas esto
    porq tmb tambn dnd cdo xfa porfa
    nuestro nuestra nuestros nuestras mío mía míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas
    he has ha hemos habéis han había habías habíamos habíais habían hubo haya hayas hayamos hayáis hayan habrá habría
    sido cosa cosas`,
};

/**
 * Cardinal numbers two to twelve written as words, per language (accents folded). "One", "un", "ein" are also
 * articles, French "neuf" is also "new" and Italian "sei" also "you are": those stay words ("-").
 */
const NUMBER_WORDS: Record<string, string> = {
  en: "two three four five six seven eight nine ten eleven twelve",
  fr: "deux trois quatre cinq six sept huit - dix onze douze",
  de: "zwei drei vier funf sechs sieben acht neun zehn elf zwolf",
  es: "dos tres cuatro cinco seis siete ocho nueve diez once doce",
  it: "due tre quattro cinque - sette otto nove dieci undici dodici",
  pt: "dois tres quatro cinco seis sete oito nove dez onze doze",
  nl: "twee drie vier vijf zes zeven acht negen tien elf twaalf",
};
const ACCENTED: Record<string, string[]> = { funf: ["fünf"], funft: ["fünft"], zwolf: ["zwölf"], tres: ["três"] };
/** Number word → its digits, for a language code (knownLanguage's). */
const numberWordsFor = memoize((code: string): Map<string, string> => {
  const map = new Map<string, string>();
  (NUMBER_WORDS[code] ?? "").split(" ").forEach((word, i) => word !== "-" && map.set(word, String(i + 2)));
  if (code === "pt") map.set("duas", "2");
  // "zu zweit", "zu dritt": how many come together (the ordinals are "zweite", "dritte").
  if (code === "de") ["zweit", "dritt", "viert", "funft", "sechst"].forEach((word, i) => map.set(word, String(i + 2)));
  // Written with their accents too ("fünf", "três").
  for (const [word, value] of [...map]) for (const accented of ACCENTED[word] ?? []) map.set(accented, value);
  return map;
});
export const numberWordsOf = (language: string) => numberWordsFor(knownLanguage(language));

/** Languages that write compounds as one word ("Regenschirm", "fietsenstalling"): a compound names a kind of its last part. */
export const COMPOUNDING = new Set(["de", "nl", "sv", "da", "no", "nb"]);

/** The language used for a code: itself when the engine knows it, else English. */
export function knownLanguage(language: string | undefined): string {
  const code = (language ?? "").toLowerCase().slice(0, 2);
  return SNOWBALL[code] ? code : "en";
}

const stopwordCache = new Map<string, Set<string>>();
export function stopwordsOf(language: string): Set<string> {
  const code = knownLanguage(language);
  let set = stopwordCache.get(code);
  if (!set) {
    const words = [...(PACKAGE_STOPWORDS[code] ?? []), ...(CONVERSATIONAL[code] ?? "").split(/\s+/)].filter(Boolean);
    set = new Set(words.map((word) => word.toLowerCase()));
    // Also without accents: customers often leave them out ("cuanto", "plait").
    for (const word of [...set]) set.add(foldAccents(word));
    stopwordCache.set(code, set);
  }
  return set;
}

/** Each language's stemmer, its stems (accents folded) remembered: a reply stems the same words of its passages again and again. */
const stemmers = new Map<string, (word: string) => string>();
/** Spanish pronouns written joined to a verb ("llamaros", "llámanos", "dímelo"). */
const CLITICS = "(?:me|te|se|nos|os|lo|la|los|las|le|les)";
const INFINITIVE_CLITICS = new RegExp(`^(\\p{L}{2,}(?:ar|er|ir))${CLITICS}{1,2}$`, "u");
const IMPERATIVE_CLITICS = new RegExp(`^(\\p{L}*[áéíó]\\p{L}*[ae])${CLITICS}{1,2}$`, "u");

/**
 * A Spanish verb without the pronouns joined to it: "llamaros" is "llamar", "llámanos" "llama", so that both find
 * the same stem (Snowball's Spanish stemmer leaves "-os" and an imperative's pronouns on). An imperative carries its
 * stress accent before them; a noun ending in the same letters ("película") keeps them.
 */
function withoutClitics(word: string): string {
  const infinitive = INFINITIVE_CLITICS.exec(word);
  // "primeros", "compañeros": nouns in "-eros", not "-er" + "os".
  if (infinitive && !(infinitive[1]!.endsWith("er") && word.endsWith("eros"))) return infinitive[1]!;
  const imperative = IMPERATIVE_CLITICS.exec(word);
  return imperative ? foldAccents(imperative[1]!) : word;
}

function stemmerOf(language: string): (word: string) => string {
  const code = knownLanguage(language);
  let stemFn = stemmers.get(code);
  if (!stemFn) {
    const stemmer = newStemmer(SNOWBALL[code]!);
    // German's Snowball stemmer keeps the plural "s" of loanwords ("Kinos", "Autos", "Babys"): dropped after a, o, y.
    stemFn =
      code === "de"
        ? memoize((word: string) => foldAccents(stemmer.stem(word)).replace(/(?<=\p{L}{2}[aoy])s$/u, ""))
        : code === "es"
          ? memoize((word: string) => foldAccents(stemmer.stem(withoutClitics(word))))
          : memoize((word: string) => foldAccents(stemmer.stem(word)));
    stemmers.set(code, stemFn);
  }
  return stemFn;
}

/** "é" → "e", "ß" stays: stems are compared without accents, since customers often type none. */
export function foldAccents(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "");
}

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
}

/** Lowercased words and numbers of `text`; French and Italian elisions ("l'heure", "qu'il") lose their article. */
export function tokens(text: string): string[] {
  return normalise(text).match(/\d+(?:[.,]\d+)*|\p{L}+(?:['-]\p{L}+)*/gu) ?? [];
}

/**
 * German gender-inclusive forms ("Freund*innen", "Lehrer:innen", "Kund_innen") say both forms at once: a question's
 * "Freundin" or "Freunde" finds them.
 */
const GENDER_INCLUSIVE = /(\p{L}+)[*:_·]in(?:nen)?(?!\p{L})/gu;

const ACRONYM_PLURAL = /(?<![\p{L}\d])(\p{Lu}{2,})s(?![\p{L}\d])/gu;

const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|dell|all|dall|nell|sull)'/;

/** The stem of one lowercase word, accents folded. */
export function stem(word: string, language: string): string {
  return stemmerOf(language)(word);
}

/**
 * Lowercased, stemmed words of `text` in `language` without stopwords, each once, in order of first appearance.
 * A hyphenated word is one term ("e-bikes" → "ebik"); with `parts` (for knowledge) its parts are terms too, so
 * a question's "tune up" or "bikes" still finds the knowledge's "tune-up" and "e-bikes".
 */
export function contentTerms(text: string, language = "en", { parts = true }: { parts?: boolean } = {}): string[] {
  // "SDKs", "APIs", "FAQs": an acronym's plural is the acronym (a stemmer keeps the "s" of a word without a vowel).
  text = text.replace(ACRONYM_PLURAL, "$1");
  if (knownLanguage(language) === "de") text = text.replace(GENDER_INCLUSIVE, "$1 $1in $1innen");
  const stop = stopwordsOf(language);
  const terms = new Set<string>();
  const add = (word: string) => {
    const stemmed = stem(word, language);
    if (!stop.has(stemmed)) terms.add(stemmed); // "ups" is "up"
  };
  const numbers = numberWordsOf(language);
  for (let token of tokens(text)) {
    if (/\d/.test(token)) {
      terms.add(token);
      continue;
    }
    // "for two people" finds "1 to 4 people", "deux nuits" finds "2 nuits": a number word is its digits.
    const value = numbers.get(token);
    if (value) {
      terms.add(value);
      continue;
    }
    if (stop.has(token)) continue;
    token = token.replace(ELISION, "").replace(/'s$/, "").replace(/'/g, "");
    if (token.length < 2 || stop.has(token) || stop.has(foldAccents(token))) continue;
    // "faites-vous", "gibt's": a pronoun joined by a hyphen is no part of the word.
    const pieces = token.split("-").filter((piece) => piece && !stop.has(piece) && !stop.has(stem(piece, language)));
    if (pieces.length === 0) continue;
    if (pieces.length === 1) {
      if (pieces[0]!.length >= 2) add(pieces[0]!);
      continue;
    }
    add(pieces.join(""));
    // "a ten-day course" lasts "ten days", which reads "10 days".
    if (parts) for (const piece of pieces) if (piece.length >= 2) add(numbers.get(piece) ?? piece);
  }
  return [...terms];
}

/** Whether every letter of `short`, in order, is in `long` (the typed word lacks letters of the other). */
export function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}
