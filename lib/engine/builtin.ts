import { fill, ownOr, phrasesFor, type Phrases } from "./phrases";
import {
  COMPOUNDING,
  contentTerms as termsIn,
  foldAccents,
  isSubsequence,
  knownLanguage,
  normalise,
  numberWordsOf,
  stem,
  stopwordsOf,
  tokens,
} from "./text";
import {
  MIN_RELEVANCE,
  type BotProfile,
  type EngineInput,
  type EngineResult,
  type Passage,
  type QueryAnalysis,
  type Turn,
} from "./types";
import { rawUnits, tidy } from "./units";
import { memoize } from "@/lib/memo";

const MAX_REPLY_CHARS = 600;
/** A list asked for is shown whole, up to this much. */
const MAX_LIST_CHARS = 1500;
const MAX_SENTENCES = 3;
/** A yes/no answer: the yes or no, then one or two sentences. */
const MAX_YES_NO_SENTENCES = 2;
/** A sentence joins the reply only if it scores at least this share of the best one. */
const CLOSE_SCORE = 0.6;
const PREVIOUS_TURN_WEIGHT = 0.5;
/** An answer-type match ("how much" ~ "$99") counts for less than the same word. */
const CUE_WEIGHT = 0.7;
/** A question word found only in the page's title or a heading above the unit's own. */
const HEADING_ONLY_WEIGHT = 0.3;
/** A question word found in the unit's own section heading ("Family plan" above the plan's sentence). */
const NEAR_HEADING_WEIGHT = 0.6;
const HEADING_BOOST = 1.4;
const TOP_PASSAGE_BOOST = 1.2;
const OTHER_PASSAGE_FACTOR = 0.8;
const LEAD_IN_FACTOR = 0.8;
/** A sentence that announces how many of the things asked for there are ("three roles"). */
const ANNOUNCES_BOOST = 1.2;
/** A question word the knowledge never uses (nor any word retrieval related to it) weighs this much more. */
const UNKNOWN_TERM_BOOST = 1.5;
/** A related word this close (another form of the word, the owner's own synonym) counts as the word itself. */
const SAME_WORD_WEIGHT = 0.85;
/** The least a question word the knowledge lacks weighs (times its idf), however general a word of the language. */
const GENERAL_WORD_WEIGHT = 0.9;
/** A question word that is no word of the knowledge or of the language, and no typo of one, weighs this much. */
const UNRECOGNISED_WEIGHT = 0.5;
/** A question word that is only an adverb ("honestly", "basically"), which the knowledge lacks, weighs this much. */
const MANNER_WEIGHT = 0.3;
/** A "which X" question's X that the knowledge never uses counts this much of its weight. */
const TYPE_WORD_WEIGHT = 0.5;
/** In the confidence, a word matched by the heading alone counts this much. */
const HEADING_CONFIDENCE = 0.6;
/** In a unit's score and relevance, an answer type asked for ("how much") that the unit does not have. */
const MISSING_CUE_FACTOR = 0.6;
/**
 * In the reply's confidence, an amount, a time, a duration… asked for that the answer does not hold: below the bar
 * whatever else it covers ("How much is a haircut?" is not answered by "Haircuts by appointment"). Not for "when",
 * which "after we receive the parcel" may answer.
 */
const MISSING_VALUE_CONFIDENCE = 0.3;

/**
 * Below this confidence the engine says it does not know (the bot's fallback, after which the conversation's
 * handoff policy may offer a person) rather than risk an unrelated fact. Calibrated on the evaluation's tune half.
 */
export const ABSTAIN_BELOW = 0.4;

// ---------------------------------------------------------------------------------------------------------------
// Answer types: what kind of fact a question asks for, so "How much is Pro?" finds "Plus: $49/month" although the
// sentence never says "cost". Only kinds of value (an amount of money, a time, a duration, a day, a bound, a size,
// a phone number, a list of parts), per language; related words for everything else come from retrieval (a lexical
// resource and the bot owner's own list).

type Cue =
  | "§money"
  | "§time"
  | "§duration"
  | "§weekend"
  | "§weekday"
  | "§month"
  | "§age"
  | "§place"
  | "§limit"
  | "§size"
  | "§distance"
  | "§phone"
  | "§contents"
  | "§when"
  | "§year"
  | "§discount";

const MONTHS =
  "january|february|march|april|may|june|july|august|september|october|november|december|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|januar|februar|marz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre";

const WEEKDAYS =
  "mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|lundis?|mardis?|mercredis?|jeudis?|vendredis?|montags?|dienstags?|mittwochs?|donnerstags?|freitags?|lunes|martes|miercoles|jueves|viernes";
const WEEKEND_DAYS = "saturdays?|sundays?|samedis?|dimanches?|samstags?|sonntags?|sabados?|domingos?";
/** "Mon–Fri", "Sa-So": abbreviated days count only in a range, where they cannot be ordinary words. */
const DAY_RANGE = String.raw`\b(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim|mo|di|mi|do|fr|sa|so)\.?\s?[-–]\s?(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim|mo|di|mi|do|fr|sa|so)\b`;

/** Numbers written as words, for durations ("within three working days", "en trois jours"); folded, lowercase. */
const NUMBER_WORDS =
  "\\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|few|several|couple of|deux|trois|quatre|cinq|sept|huit|neuf|dix|quinze|vingt|trente|quelques|zwei|drei|vier|funf|sechs|sieben|acht|neun|zehn|zwanzig|dreissig|wenigen|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|quince|veinte|treinta|unos pocos|pocos)";

/** "One" and the articles that say it before a unit of time ("within one week", "an hour", "un mois", "eine Woche"). */
const ONE_WORDS = "\\b(?:one|an|un|une|ein|eine|einen|einer|einem|uno|una)";

/** Three or more items in a row ("cash, cards and Maestro"), or two after a colon (not a time's) or in brackets. */
const ENUMERATION =
  /[^,;:()]+,\s*[^,;:()]+,?\s+(?:and|or|y|o|e|et|ou|und|oder)\s+[^,;:()]+|(?:(?<!\d):|\()\s*[^,;:()]+,\s*[^,;:()]+/u;

/** An amount of money ("€35", "9.99 USD", "12/month"), lowercased and accents folded. */
const AMOUNT =
  /[$€£¥₹]\s?\d|\d(?:[.,]\d+)?\s?(?:[$€£¥₹]|usd|eur|gbp|chf|dollars?|euros?|pounds?)(?![\p{L}])|\d\s?\/\s?(?:mo|month|yr|year|mois|an|monat|jahr|mes|ano)\b/u;
/** How much "hours" asked as a time of day matches where it counts a duration ("within 36 hours"). */
const COUNTED_WEIGHT = 0.3;

/** A number, in figures or words, before a unit of time ("24", "three", "an"). */
const NUMBER_WORD = new RegExp(`^(?:\\d+|${NUMBER_WORDS.slice(2)}|${ONE_WORDS.slice(2)})$`, "u");

/** Whether every word of the text that starts with the stem follows a number ("36 hours", "72 heures"). */
function onlyCounted(text: string, stem: string): boolean {
  const words = foldAccents(normalise(text)).match(/\d+|\p{L}+/gu) ?? [];
  let seen = false;
  for (let i = 0; i < words.length; i++)
    if (words[i]!.startsWith(stem)) {
      if (!NUMBER_WORD.test(words[i - 1] ?? "")) return false;
      seen = true;
    }
  return seen;
}

/** A price that is none. */
const FREE = /\b(?:free|gratuit\w*|kostenlos|gratis)\b/u;
/** A unit whose only price is "free" counts this much of the answer type "how much". */
const FREE_ONLY_FACTOR = 0.3;

/** Patterns over a unit's text (lowercased, accents folded) that show it holds a value of the kind. */
const VALUE_PATTERNS: Record<Exclude<Cue, "§when">, RegExp> = {
  "§money": new RegExp(`${AMOUNT.source}|${FREE.source}|\\d\\s?%`, "u"), // a share too ("un acompte de 25 %")
  "§time": new RegExp(
    `\\b\\d{1,2}(?::\\d{2})?\\s?(?:am|pm|a\\.m\\.|p\\.m\\.)|\\b\\d{1,2}[:h]\\d{2}\\b|\\b\\d{1,2}\\s?(?:h|uhr)\\b|\\b24\\/7\\b|\\b(?:${WEEKDAYS}|${WEEKEND_DAYS})\\b|${DAY_RANGE}`,
    "u",
  ),
  "§duration": new RegExp(
    // "72 h à l'avance", "96 h": hours written "h" count a duration when no clock shows them.
    String.raw`\b(?:2[5-9]|[3-9]\d|\d{3})\s?h\b|\b\d{1,2}\s?h\b(?=\s*(?:a l'avance|d'avance|avant|vorher|im voraus|de antelacion|antes|in advance|before|beforehand)(?![\p{L}]))|` +
      `(?:\\b\\d+|${NUMBER_WORDS}|${ONE_WORDS})\\s*(?:(?:-|–|to|a|à|bis|y|or|ou|oder|o)\\s*(?:\\d+|${NUMBER_WORDS})\\s*)?` +
      // "a 45-minute session", "a 14-day return window": the number joined to its unit by a hyphen.
      String.raw`-?(?:business\s+|working\s+|jours?\s+ouvr\w*\s*|werk\w*\s+|dias?\s+habiles?\s*)?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|heures?|jours?|semaines?|mois|ans|annees?|minuten|stunden?|tagen?|wochen?|monaten?|jahren?|minutos?|horas?|dias?|semanas?|meses|anos?)\b`,
    "u",
  ),
  "§weekend": new RegExp(`\\b(?:${WEEKEND_DAYS})\\b|\\bweekends?\\b|\\bweek-ends?\\b|\\bwochenenden?\\b`, "u"),
  "§month": new RegExp(`\\b(?:${MONTHS})\\b`, "u"),
  "§age":
    /\d+\s*(?:(?:-|–|to|a|à|bis)\s*\d+\s*)?(?:years?|yrs|anos|ans|jahren?)\b|\b(?:aged?|under|over|up to|hasta|menores de|mayores de|moins de|plus de|unter|uber|ab)\s+\d+\b/u,
  "§weekday": new RegExp(`\\b(?:${WEEKDAYS})\\b|\\bweekdays?\\b|${DAY_RANGE}`, "u"),
  // A bound: "up to 100 MB", "at most 3", "max. 20 guests", "jusqu'à 10", "bis zu 5", "hasta 8", "10 maximum".
  "§limit":
    /\b(?:up to|at most|no more than|not more than|maximum(?: of)?|max\.?|limit(?:ed)? (?:of|to)|jusqu'?a|au maximum|au plus|maximum de|bis zu|hochstens|maximal|hasta|como maximo|maximo(?: de)?|un maximo de)\s+\d|\d+\s*(?:\p{L}+\s+)?(?:max(?:imum)?|au maximum|como maximo|hochstens)\b/u,
  // A size: "100 MB", "2 GB", "26 inch", "50 cm", "12 kg".
  "§size":
    /\d(?:[.,]\d+)?\s?(?:kb|mb|gb|tb|ko|mo|go|mm|cm|m|km|inch|inches|"|kg|lb|lbs|ml|litres?|liters?|zoll|pulgadas?)(?![\p{L}\d])/u,
  // A price lowered: "30% off", "20 % de réduction", "10 % Rabatt", "half price", "tarifa reducida".
  "§discount":
    /\d\s?%\s?(?:off|discount|de reduction|de remise|rabatt|nachlass|ermassigung|de descuento|menos)\b|\b(?:half price|half-price|moitie prix|demi-tarif|tarif reduit|tarifs reduits|halber preis|ermassigt\w*|reduziert\w*|mitad de precio|tarifa reducida|precio reducido)\b/u,
  // A distance: "12 km", "two miles", "within 3 miles", "500 metres", "45 Kilometer" (not an area: "60 m²").
  "§distance": new RegExp(
    `(?:\\d(?:[.,]\\d+)?|${NUMBER_WORDS})\\s?-?(?:km|kms|kilometres?|kilometers?|kilometre|kilometros?|kilometer[n]?|miles?|mi|metres?|meters?|metros?|meter[n]?|m)(?![\\p{L}\\d²])`,
    "u",
  ),
  // A phone number: "0117 496 0788", "963 55 21 47", "+44 117 496 0321", "07700 900123" (not "10 000", "13:00").
  "§phone":
    /(?<![\d,.])(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,5}\)?(?:[\s.-]\d{2,5}){2,4}|\d{4,5}[\s.-]\d{5,6})(?!\d|[.,:]\d)/u,
  // What a thing is made of or comes with: a list ("chicken, rabbit and green beans", "Paella (chicken, rabbit,
  // beans)"), or a sentence that leads into one ("The kit includes:").
  "§contents": new RegExp(`${ENUMERATION.source}|:\\s*$`, "u"),
  // A year something happened in: "in 2011", "since 1987", "seit 2004", "depuis 1990", "desde 1995".
  "§year": /\b(?:in|since|from|en|depuis|desde|seit|im|im jahr|ano|annee)\s+(?:1[89]|20)\d{2}(?!\d)/u,
  // A street address: "22 Canal Street", "12 rue de Rivoli", "Calle de la Reina 14", "Hauptstraße 5".
  "§place":
    /\b\d{1,5}[a-z]?,?\s+(?:[\p{L}'’.-]+\s+){0,3}(?:street|st|road|rd|avenue|ave|lane|way|square|boulevard|blvd|drive|rue|chemin|allee)\b|\b(?:calle|c\/|avenida|avda|plaza|paseo|carrer|via|viale|piazza|rua|travessa|avenue|rue)\s+(?:[\p{L}'’.-]+\s+){0,4}\d{1,5}\b|\b[\p{L}-]+(?:strasse|str\.|weg|platz|allee|gasse|damm)\s+\d{1,5}\b/u,
};
/** A point in time relative to another: "before", "in advance", "vorher", "avant", "antes"… (folded). */
const RELATIVE =
  /\b(?:before|after|ahead|in advance|beforehand|prior to|vor beginn|im voraus|avant|apres|a l'avance|antes|despues|con antelacion|prima|dopo|in anticipo)\b/u;

const CUE_PATTERNS: Record<Cue, RegExp> = {
  ...VALUE_PATTERNS,
  // "When…?" is answered by a time, a day, a month, or a point relative to something ("24 hours before",
  // "2 Tage vor Beginn"); not by how long a thing lasts ("held for three to five minutes").
  "§when": new RegExp(
    [
      ...(["§time", "§weekday", "§weekend", "§month"] as const).map((cue) => VALUE_PATTERNS[cue].source),
      RELATIVE.source,
    ].join("|"),
    "u",
  ),
};

/** The question word of "Where…?": a pseudo-term that a street address matches (see CUE_PATTERNS). */
const PLACE = "§place";
/**
 * "Where is/are…?" asks where a thing is (folded; "ou" alone is French for "or"). "Where do you deliver?" asks where
 * something is done, which an address does not answer.
 */
const WHERE =
  /(?<![\p{L}])(?:where(?:s| is| are|'s|'re| r)|whereabouts|ou (?:se trouve|est|etes|sont)|donde (?:esta|estan|estais|se encuentra)|wo (?:ist|sind|finde|befindet)|dove (?:si trova|e|siete)|onde (?:fica|e|esta))(?![\p{L}])/u;
/** A "where is" question is about the place more than the thing named ("the store"): its weight, as an unknown word's. */
const PLACE_WEIGHT = 1.5;

/** Phrases of a question that ask for a kind of value; removed from the words matched, since the kind stands for them (global: matchAll). */
const CUE_PHRASES: [Cue, RegExp][] = [
  [
    "§duration",
    /\b(?:how (?:long|quickly|soon|fast|often|frequently)|a quelle frequence|tous les combien|toutes les combien|wie (?:oft|haufig)|cada cuanto(?: tiempo)?|con que frecuencia|how much (?:time|notice)|how many (?:days|weeks|hours|minutes|months|years)|combien de temps|en combien de temps|combien (?:de |d')(?:jours|semaines|heures|minutes|mois|ans|annees)|quels? delais?|wie (?:lange?|schnell)|wie viele (?:tage|wochen|stunden|minuten|monate|jahre)|cuanto tiempo|cuanto tarda\w*|cuant[oa]s (?:dias|semanas|horas|minutos|meses|anos)|que plazo)\b/gu,
  ],
  [
    "§money",
    /\b(?:how much|combien(?: (?:ca|cela) coute)?|wie ?viel(?: kostet)?|was kostet|cuanto (?:cuesta|vale|es)|cuanto|quanto costa|quanto custa)\b/gu,
  ],
  // "a quel heure" as typed, "um wieviel uhr", "a q hora".
  // "por la noche" (at night; "la noche" alone is also a night's stay, priced), "nachts".
  [
    "§time",
    /\b(?:what time|a quel(?:le)? heure|quel(?:le)? heure|um wie ?viel uhr|a (?:que|q) hora|que hora|(?:por|x) la noche|de noche|nachts)\b/gu,
  ],
  // "When did you open?", "Seit wann gibt es…?": a past event, answered by a year, not by opening hours.
  [
    "§year",
    /^(?:(?:and|et|und|y|e|en)\s+)?(?:(?:when|what year|which year) (?:did|was|were)|since when|in (?:what|which) year|depuis quand|en quelle annee|seit wann|in welchem jahr|desde cuando|en que ano)\b/gu,
  ],
  // "When…?" at the start of a question ("when" inside one is a conjunction: "What happens when I cancel?").
  [
    "§when",
    /^(?:(?:and|et|und|y|e|en)\s+)?(?:when|quand|a partir de quand|jusqu'a quand|wann|ab wann|bis wann|cuando|desde cuando|hasta cuando|quando|wanneer)\b/gu,
  ],
  [
    "§contents",
    /\bwhat(?:'s| is| are| comes?| goes)? (?:in|inside|into|included in|included with|with)\b|(?<=\bwhat (?:does|do|did|will) [^?.!]{1,40}?)\b(?:include|contain|come with|consist of)\b|\bque (?:lleva|llevan|incluye|incluyen|contiene|contienen|trae|traen)\b|\bqu'?est-ce qu'il y a dans\b|\b(?:il )?y a quoi (?:\p{L}+ )?dans\b|\bqu'y a-t-il dans\b|\bque (?:contient|contiennent|comprend|comprennent)\b|\bwas (?:ist|gehort) (?:in|drin|dazu)\b|\bwas (?:enthalt|beinhaltet)\b/gu,
  ],
  // "How far…?" asks for a distance; "how far in advance" for a time before.
  [
    "§distance",
    /\b(?:how far(?! (?:in advance|ahead|before|back))|what distance|how many (?:km|kilometres|kilometers|miles|metres|meters)|a quelle distance|combien de (?:km|kilometres|metres)|wie weit|wie viele (?:kilometer|meter)|a que distancia|que tan lejos|cuantos (?:km|kilometros|metros))\b/gu,
  ],
  [
    "§phone",
    /\b(?:(?:tele)?phone number|(?:tel|phone) (?:no|nr|number)|number to call|(?:what|which) number (?:do|should|can|could|shall|would|must) (?:i|we) (?:call|ring|dial|phone)|(?:quel|a quel) numero (?:dois-je |faut-il |puis-je )?(?:appeler|composer)|welche nummer|a que numero (?:llamo|llamar|puedo llamar|tengo que llamar)|num(?:ero)? de tel(?:ephone|efono)?|(?:telefon|handy)nummer|numero di telefono)\b/gu,
  ],
  [
    "§age",
    /\b(?:how old|what age|at what age|from what age|a partir de que edad|hasta que edad|que edad|a quel age|quel age|wie alt|ab welchem alter|bis zu welchem alter)\b/gu,
  ],
];

/** Single words that ask for a kind of value; they stay question words too ("price" also matches "prices"). */
const CUE_WORDS: Record<Cue, Record<string, string>> = {
  "§money": {
    en: "price prices pricing priced cost costs costing fee fees charge charges expensive cheap cheaper affordable",
    fr: "prix cout couts coute coutent tarif tarifs frais cher chere",
    de: "preis preise kosten kostet gebuhr gebuhren teuer gunstig",
    es: "precio precios cuesta cuestan costo costos coste tarifa tarifas caro barato",
  },
  // Parts of the day are answered by a time ("in the morning" by "from 7:00").
  "§time": {
    en: "hour hours schedule morning mornings afternoon afternoons evening evenings midday noon",
    fr: "heure heures horaire horaires matin matins matinee apres-midi soir soirs soiree midi",
    de: "uhrzeit uhrzeiten offnungszeiten zeiten morgens vormittag vormittags nachmittag nachmittags abends mittags",
    es: "hora horas horario horarios mañana mañanas tarde tardes mediodia",
  },
  "§duration": { en: "", fr: "delai delais", de: "dauer dauert", es: "plazo plazos tarda tardan" },
  "§weekend": { en: "weekend weekends", fr: "week-end week-ends weekend", de: "wochenende", es: "finde" },
  "§month": { en: "month months", fr: "mois", de: "monat monate monaten", es: "mes meses" },
  "§age": { en: "age ages", fr: "age ages", de: "alter", es: "edad edades" },
  "§weekday": { en: "weekday weekdays", fr: "semaine", de: "werktag werktags wochentags", es: "laborables" },
  "§place": { en: "address", fr: "adresse", de: "adresse anschrift", es: "direccion dirección" },
  "§limit": {
    en: "maximum max limit limits largest biggest",
    fr: "maximum maximale maximal limite limites plafond",
    de: "maximal maximale maximum hochstens limit grenze",
    es: "maximo maxima limite limites",
  },
  "§phone": { en: "phone telephone", fr: "telephone", de: "telefon", es: "telefono" },
  "§when": {},
  "§year": {},
  "§contents": { en: "ingredients contents", fr: "ingredients contenu", de: "zutaten inhalt", es: "ingredientes" },
  "§distance": { en: "distance", fr: "distance", de: "entfernung", es: "distancia" },
  "§discount": {
    en: "discount discounts discounted reduction reductions concession concessions",
    fr: "reduction reductions remise remises rabais",
    de: "rabatt rabatte ermassigung ermassigungen nachlass",
    es: "descuento descuentos rebaja rebajas",
  },
  "§size": {
    en: "size sizes big large",
    fr: "taille tailles",
    de: "grosse grossen",
    es: "tamano tamanos talla tallas",
  },
};

/**
 * Day names and the word for their group ("Saturdays" is answered by "closed at weekends", never by another day's
 * hours): a day asked about matches its group word at CUE_WEIGHT.
 */
const DAY_GROUPS: Record<string, { days: string; group: string }[]> = {
  en: [
    { days: "saturday saturdays sunday sundays", group: "weekend weekends" },
    {
      days: "monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday fridays",
      group: "weekday weekdays",
    },
  ],
  fr: [
    { days: "samedi samedis dimanche dimanches", group: "week-end week-ends weekend" },
    { days: "lundi lundis mardi mardis mercredi mercredis jeudi jeudis vendredi vendredis", group: "semaine" },
  ],
  de: [
    { days: "samstag samstags sonntag sonntags", group: "wochenende wochenenden" },
    {
      days: "montag montags dienstag dienstags mittwoch mittwochs donnerstag donnerstags freitag freitags",
      group: "werktag werktags wochentags",
    },
  ],
  es: [
    { days: "sábado sábados domingo domingos", group: "fin de semana finde" },
    { days: "lunes martes miércoles jueves viernes", group: "laborables" },
  ],
};

const dayCache = new Map<string, { own: Map<string, string[]>; other: Map<string, string[]> }>();
/** Day stem → its group's stems, and → the other groups' words ("weekdays" for Saturday), for the language. */
function dayGroups(language: string): { own: Map<string, string[]>; other: Map<string, string[]> } {
  let maps = dayCache.get(language);
  if (!maps) {
    maps = { own: new Map(), other: new Map() };
    const groups = DAY_GROUPS[language] ?? [];
    for (const { days, group } of groups) {
      const groupTerms = termsIn(group, language);
      const others = groups.filter((g) => g.group !== group).flatMap((g) => termsIn(g.group, language));
      for (const day of termsIn(days, language)) {
        maps.own.set(day, groupTerms);
        maps.other.set(day, others);
      }
    }
    dayCache.set(language, maps);
  }
  return maps;
}

/**
 * The other group's word for a day ("on weekdays only" for Saturday): it says a little about the day, and may say no;
 * less than a word of the question, so it never covers the day.
 */
const OTHER_DAY_GROUP_WEIGHT = 0.5;

/** Another month than the question's, in a unit: less than a word of the same kind, so never the key of an answer. */
const OTHER_MONTH_WEIGHT = 0.6;
/** The months in order, per language (folded, lowercase). */
const MONTH_NAMES: Record<string, string[]> = {
  en: "january february march april may june july august september october november december".split(" "),
  fr: "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(" "),
  de: "januar februar marz april mai juni juli august september oktober november dezember".split(" "),
  es: "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(" "),
};
/** The seasons and their months (meteorological, northern hemisphere), per language (folded, lowercase). */
const SEASONS: Record<string, [string, number[]][]> = {
  en: [
    ["spring", [2, 3, 4]],
    ["summer", [5, 6, 7]],
    ["autumn", [8, 9, 10]],
    ["winter", [11, 0, 1]],
  ],
  fr: [
    ["printemps", [2, 3, 4]],
    ["ete", [5, 6, 7]],
    ["automne", [8, 9, 10]],
    ["hiver", [11, 0, 1]],
  ],
  de: [
    ["fruhling fruhjahr", [2, 3, 4]],
    ["sommer", [5, 6, 7]],
    ["herbst", [8, 9, 10]],
    ["winter", [11, 0, 1]],
  ],
  es: [
    ["primavera", [2, 3, 4]],
    ["verano", [5, 6, 7]],
    ["otono", [8, 9, 10]],
    ["invierno", [11, 0, 1]],
  ],
};
/**
 * "In summer" and "in August": a season's term → its months' terms, and a month's term → its season's, for the
 * language (a season asked about is answered by its months, a month by what is said of its season).
 */
const seasonTerms = memoize((language: string): Map<string, string[]> => {
  const code = knownLanguage(language);
  const months = (MONTH_NAMES[code] ?? []).map((name) => termsIn(name, language)[0] ?? name);
  const out = new Map<string, string[]>();
  const add = (term: string, words: string[]) => out.set(term, [...(out.get(term) ?? []), ...words]);
  for (const [names, indexes] of SEASONS[code] ?? []) {
    const seasons = termsIn(names, language);
    const ofSeason = indexes.map((i) => months[i]!);
    for (const season of seasons) add(season, ofSeason);
    for (const month of ofSeason) add(month, seasons);
  }
  return out;
});
/** Month name (folded) → 0..11, for the language. */
const monthIndex = memoize(
  (language: string): Map<string, number> =>
    new Map((MONTH_NAMES[knownLanguage(language)] ?? []).map((name, i) => [name, i] as const)),
);
/** Month term (stemmed) → the other months' terms, for the language: any month matches a question's month a little. */
const monthTerms = memoize((language: string): Map<string, string[]> => {
  const terms = (MONTH_NAMES[knownLanguage(language)] ?? []).map((name) => termsIn(name, language)[0] ?? name);
  return new Map(terms.map((term) => [term, terms.filter((other) => other !== term)] as const));
});
/**
 * "from April to October", "d'avril à octobre", "von April bis Oktober", "de abril a octubre": the months a text says
 * something lasts, as [first, last] (0..11; a range over the new year wraps).
 */
function monthRangesIn(folded: string, language: string): [number, number][] {
  const { range } = monthPatterns(language);
  if (!range) return [];
  const index = monthIndex(language);
  const ranges: [number, number][] = [];
  for (const m of folded.matchAll(range)) ranges.push([index.get(m[1]!)!, index.get(m[2]!)!]);
  return ranges;
}
/** The language's month names as one pattern (a month named) and as a range ("april to october"), built once. */
const monthPatterns = memoize((language: string): { name?: RegExp; range?: RegExp } => {
  const names = [...monthIndex(language).keys()].join("|");
  if (!names) return {};
  return {
    name: new RegExp(`(?<![\\p{L}])(${names})(?![\\p{L}])`, "gu"),
    range: new RegExp(
      `(?<![\\p{L}])(${names})\\s*(?:-|–|—|to|until|till|through|a|à|au|jusqu'a|bis|hasta)\\s*(${names})(?![\\p{L}])`,
      "gu",
    ),
  };
});
const inMonthRange = (month: number, [first, last]: [number, number]) =>
  first <= last ? first <= month && month <= last : month >= first || month <= last;

/** The days of the week in order, Monday first, per language (folded, lowercase). */
const DAY_NAMES: Record<string, string[]> = {
  en: "monday tuesday wednesday thursday friday saturday sunday".split(" "),
  fr: "lundi mardi mercredi jeudi vendredi samedi dimanche".split(" "),
  de: "montag dienstag mittwoch donnerstag freitag samstag sonntag".split(" "),
  es: "lunes martes miercoles jueves viernes sabado domingo".split(" "),
};
/** "tuesday to saturday", "du mardi au samedi", "von Montag bis Freitag", "de martes a sábado": two days and a word between. */
const dayRangePattern = memoize((language: string): RegExp | undefined => {
  const names = DAY_NAMES[knownLanguage(language)]?.join("|");
  return names
    ? new RegExp(
        `(?<![\\p{L}])(${names})s?\\s*(?:-|–|—|to|until|till|through|thru|a|à|au|al|jusqu'au|bis|hasta)\\s*(${names})s?(?![\\p{L}])`,
        "gu",
      )
    : undefined;
});
/**
 * The days a sentence's ranges hold between their ends ("open Tuesday to Saturday" holds Friday), as terms: the
 * sentence speaks of each of them as much as of the two it names.
 */
function daysInRanges(folded: string, language: string): string[] {
  const pattern = dayRangePattern(language);
  if (!pattern || !pattern.test(folded)) return [];
  pattern.lastIndex = 0;
  const names = DAY_NAMES[knownLanguage(language)]!;
  const days: string[] = [];
  for (const m of folded.matchAll(pattern))
    for (let i = (names.indexOf(m[1]!) + 1) % 7; i !== names.indexOf(m[2]!); i = (i + 1) % 7)
      days.push(...termsIn(names[i]!, language));
  return days;
}

const cueStemCache = new Map<string, Map<string, Cue>>();
/** Stem → answer type, for the language. */
function cueStems(language: string): Map<string, Cue> {
  let map = cueStemCache.get(language);
  if (!map) {
    map = new Map();
    for (const [cue, byLanguage] of Object.entries(CUE_WORDS) as [Cue, Record<string, string>][])
      // As a question's words become terms: "après-midi" and "week-end" are one term each, without the hyphen.
      for (const word of (byLanguage[language] ?? "").split(/\s+/).filter(Boolean))
        for (const term of termsIn(word, language, { parts: false })) map.set(term, cue);
    cueStemCache.set(language, map);
  }
  return map;
}

/**
 * The single words that ask for a kind of value in a language ("price", "horario", "Öffnungszeiten"), without
 * accents: a question is built of them as of function words, so retrieval corrects a typo of one even where the
 * knowledge never uses the word.
 */
export const valueWordsOf = memoize(
  (language: string): ReadonlySet<string> =>
    new Set(
      Object.values(CUE_WORDS).flatMap((byLanguage) =>
        (byLanguage[knownLanguage(language)] ?? "").split(/\s+/).filter(Boolean).map(foldAccents),
      ),
    ),
);

function cuesIn(text: string): Set<Cue> {
  const folded = foldAccents(normalise(text));
  const found = new Set<Cue>();
  for (const [cue, pattern] of Object.entries(CUE_PATTERNS) as [Cue, RegExp][])
    if (pattern.test(folded)) found.add(cue);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Language

/** The language a text's words look most like, by stopwords (for text retrieval gave no language for). */
export function guessLanguage(text: string): string {
  const words = tokens(text);
  let best = "en";
  let bestHits = 0;
  for (const language of ["en", "fr", "de", "es", "it", "pt", "nl"]) {
    const stop = stopwordsOf(language);
    let hits = 0;
    for (const word of words) if (stop.has(word)) hits++;
    if (hits > bestHits) {
      best = language;
      bestHits = hits;
    }
  }
  return best;
}

function languageOf(analysis: QueryAnalysis | undefined, text: string): string {
  const given = analysis?.language;
  if (given && given !== "und") return knownLanguage(given);
  return guessLanguage(text);
}

/** Lowercased, stemmed words of `text` without stopwords (English unless a language is given), each once. */
export function contentTerms(text: string, language = "en"): string[] {
  return termsIn(text, language);
}

// ---------------------------------------------------------------------------------------------------------------
// Small talk

type Social = "identity" | "howareyou" | "thanks" | "goodbye" | "greeting" | "ack" | "yes";

const YOU = "(?:you|u|ya)";
/** A word boundary that knows letters beyond ASCII. */
const B = "(?<![\\p{L}\\d])";
const E = "(?![\\p{L}\\d])";
const SOCIAL_PATTERNS: [Social, RegExp][] = [
  [
    "identity",
    new RegExp(
      `\\b(?:who (?:are|r) ${YOU}|what (?:are|r) ${YOU}|what can ${YOU} do|what do ${YOU} do|how can ${YOU} help(?: me)?|` +
        `what can ${YOU} help(?: me)? with|are ${YOU} (?:a |an )?(?:bot|robot|human|real person|real|person|ai|machine)|` +
        `what(?:'s| is) your name|introduce yourself)\\b|${B}(?:qui (?:etes|êtes)-vous|qui es-tu|wer (?:bist du|sind sie)|quien eres|quien es usted|quién eres|quién es usted)${E}`,
      "gu",
    ),
  ],
  [
    "howareyou",
    new RegExp(
      `\\b(?:how (?:are|r) ${YOU}(?: doing)?(?: today)?|how(?:'s| is) it going|how do you do|what'?s up)\\b|` +
        `${B}(?:(?:comment )?ça va|comment allez-vous|wie geht(?:'s| es (?:ihnen|dir))?|qué tal|que tal|cómo (?:está|estás)|como (?:esta|estas))${E}`,
      "gu",
    ),
  ],
  [
    "thanks",
    new RegExp(
      `\\b(?:thanks?(?: you)?(?: (?:so|very) much| a lot| a bunch| again| for (?:the|your) help)?|thx|ty|cheers|much appreciated|(?:i )?appreciate (?:it|that|your help))\\b|` +
        `${B}(?:merci(?: beaucoup| bien)?|(?:vielen )?dank(?:e(?: schön| sehr)?)?|(?:muchas )?gracias|grazie(?: mille)?|obrigad[oa]|bedankt|dank je(?: wel)?)${E}`,
      "gu",
    ),
  ],
  [
    "goodbye",
    new RegExp(
      `\\b(?:good ?bye|bye(?: bye)?|see ${YOU}(?: later| soon| tomorrow)?|talk (?:to ${YOU} )?(?:later|soon)|` +
        `have a (?:good|great|nice|lovely) (?:day|one|evening|night|weekend)|take care|that'?s all|that is all|good night)\\b|` +
        `${B}(?:au revoir|à bientôt|a bientot|bonne (?:journée|journee|soirée|soiree)|tschüss|tschüs|auf wiedersehen|adiós|adios|hasta (?:luego|pronto)|arrivederci|tchau|tot ziens)${E}`,
      "gu",
    ),
  ],
  [
    "greeting",
    new RegExp(
      `\\b(?:hi|hello|hey|hiya|howdy|heya|yo|greetings|good (?:morning|afternoon|evening|day)|morning|evening)\\b|` +
        `${B}(?:bonjour|bonsoir|salut|coucou|hallo|guten (?:morgen|tag|abend)|servus|moin|hola|buen(?:os|as) (?:días|dias|tardes|noches)|buongiorno|ciao|olá|ola|bom dia|hoi|goedemorgen|goedemiddag)${E}`,
      "gu",
    ),
  ],
  [
    "ack",
    new RegExp(
      `\\b(?:ok(?:ay)?|k|great|awesome|cool|perfect|nice|got it|understood|sounds good|alright|all right|fine|i see|makes sense|good|wow|no|nope|nah)\\b|` +
        `${B}(?:d'accord|parfait|super|génial|genial|très bien|tres bien|non|alles klar|gut|prima|nein|vale|perfecto|genial|de acuerdo|bueno)${E}`,
      "gu",
    ),
  ],
  ["yes", new RegExp(`\\b(?:yes|yep|yeah|yup|sure|please)\\b|${B}(?:oui|ja|bitte|sí|si|claro|por favor)${E}`, "gu")],
];
const FILLER =
  /\b(?:there|all|everyone|everybody|folks|guys|team|again|so|oh|ah|well|and|just|very|that helps|helpful|i|me|you|u|bot|for|it|that|this)\b/g;

/** What the message is, if it is only small talk; undefined when it asks something. */
function detectSocial(message: string, botName: string, language: string): Set<Social> | undefined {
  let rest = ` ${normalise(message)} `;
  const found = new Set<Social>();
  for (const [kind, pattern] of SOCIAL_PATTERNS) {
    const stripped = rest.replace(pattern, " ");
    if (stripped !== rest) found.add(kind);
    rest = stripped;
  }
  // "ok" and "no" are small talk on their own; "Is it nice?" is a question.
  if (found.size === 0 || ([...found].every((kind) => kind === "ack" || kind === "yes") && message.includes("?")))
    return undefined;
  rest = rest.replace(FILLER, " ");
  for (const word of tokens(botName))
    rest = rest.replace(new RegExp(`${B}${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${E}`, "gu"), " ");
  return termsIn(rest, language).length === 0 && termsIn(rest, "en").length === 0 ? found : undefined;
}

/** Words for "question" that announce one ("Quick question:", "Petite question :", "Kurze Frage:", "Una duda:"). */
const ANNOUNCING =
  /^(?:(?:i|we|have|got|a|an|one|another|more|quick|short|small|little|just|question|questions|query|une|petite|autre|encore|j'ai|ai|eine|kurze|kleine|noch|frage|fragen|ich|habe|hätte|hatte|una|otra|pregunta|preguntas|duda|dudas|tengo|rapida|rápida|breve|domanda|pergunta|uma|vraag|vraagje|een|heb|ik)\s*)+[:.!]?$/u;

const QUESTION_NOUN =
  /(?<![\p{L}])(?:question|questions|query|frage|fragen|pregunta|preguntas|duda|dudas|domanda|pergunta|vraag|vraagje)(?![\p{L}])/u;

/**
 * "Hi there! Quick question: do you deliver? Thanks a lot!": the sentences that only greet, thank or announce a
 * question are no part of it (a message that is nothing else is small talk, answered as such before this).
 */
export function withoutSmallTalk(text: string, botName = "", language = "en"): string {
  const parts = text.split(/(?<=[.!?:])\s+(?=\S)/);
  if (parts.length < 2) return text;
  const announces = (part: string) => {
    const plain = normalise(part).trim();
    return ANNOUNCING.test(plain) && QUESTION_NOUN.test(plain);
  };
  const kept = parts.filter((part) => !detectSocial(part, botName, language) && !announces(part));
  return kept.length ? kept.join(" ") : text;
}

/** A greeting opens a message: "Good morning, …", "Hallo! …" (one or more, with the punctuation between them). */
const OPENING_GREETINGS = new RegExp(
  `^(?:[\\s\\p{P}]*(?:${SOCIAL_PATTERNS.find(([kind]) => kind === "greeting")![1].source}))+[\\s\\p{P}]*`,
  "u",
);

/**
 * An acknowledgement that opens a message before what it asks ("OK, and…", "Vale, ¿y…?", "D'accord, et…", "Alles klar,
 * und…"): followed by a punctuation mark, or by a word that leans on the turn before.
 */
const OPENING_ACK = new RegExp(
  `^[\\s¿¡]*(?:${SOCIAL_PATTERNS.find(([kind]) => kind === "ack")![1].source})(?:[\\s]*[,.!:;]+|(?=\\s+(?:and|et|und|y|e|en)(?![\\p{L}])))[\\s]*`,
  "u",
);

/** The message without the greetings and acknowledgements that open it ("hey, what time…" → "what time…"). */
export function withoutOpening(message: string): string {
  return normalise(message).replace(OPENING_GREETINGS, "").replace(OPENING_ACK, "");
}

/**
 * The question with greetings and thanks removed, so "Good morning, what are your hours?" does not search for
 * "morning". A greeting's words only where a greeting stands, at the start: "Do you run evening classes?" and
 * "Morning Yoga" keep theirs.
 */
function questionText(message: string): string {
  let text = withoutOpening(message);
  for (const [kind, pattern] of SOCIAL_PATTERNS) {
    if (kind === "thanks" || kind === "goodbye" || kind === "howareyou") text = text.replace(pattern, " ");
  }
  return text.replace(/^\W*(?:(?:ok(?:ay)?|great|cool|perfect|alright|sure|yes|yeah|no|and|so)\b\W*)+/, " ");
}

function socialReply(kinds: Set<Social>, bot: BotProfile, p: Phrases) {
  if (kinds.has("identity")) {
    const name = bot.name.trim();
    return { kind: "smalltalk" as const, reply: name ? fill(p.identity, name) : p.identityNameless };
  }
  if (kinds.has("thanks")) return { kind: "thanks" as const, reply: kinds.has("goodbye") ? p.welcomeBye : p.welcome };
  if (kinds.has("goodbye")) return { kind: "smalltalk" as const, reply: p.goodbye };
  if (kinds.has("howareyou")) return { kind: "smalltalk" as const, reply: p.howAreYou };
  if (kinds.has("greeting")) return { kind: "greeting" as const, reply: ownOr(bot.welcomeMessage, p.greeting) };
  if (kinds.has("yes")) return { kind: "smalltalk" as const, reply: p.sure };
  return { kind: "smalltalk" as const, reply: p.ack };
}

const FOLLOW_UP_START =
  /^(?:and|but|also|so|or|plus|then|what about|how about|what if|same for|et|mais|aussi|und|aber|auch|y|pero|también|tambien|e|ma|en)(?![\p{L}\d])/u;
const FOLLOW_UP_PRONOUN =
  /(?<![\p{L}\d])(?:it|its|it's|that|this|these|those|they|them|their|one|ones|same|else|ça|cela|celui|celle|ceux|celles|le|la|les|lui|es|das|dies|diese|dieser|dieses|ihn|ihm|sie|eso|esto|ese|esa|esos|esas|lo|la|los|las)(?![\p{L}\d])/u;

/** "That way", "comme ça", "así": a way of doing something said before, per language (folded). */
const THAT_WAY: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:(?:that|this|the same) way|like (?:that|this))(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:comme (?:ca|cela)|de cette (?:facon|maniere)|ainsi)(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:auf diese (?:weise|art)|so wie)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:asi|de esa (?:forma|manera)|de este modo)(?![\p{L}])/u,
};

/** The longest message starting with "and", "but", "what about"… that still leans on the turn before. */
const FOLLOW_UP_AND_WORDS = 14;

const GERMAN_POINTING_BACK =
  /(?<![\p{L}])(?:da|dabei|dafür|dafur|dort|dorthin|dazu|davon|daran|damit|darin|darauf|darüber|daruber)(?![\p{L}])/u;

/** True for a short message that leans on an earlier turn ("How much does it cost?", "what about that one?", "Et le samedi ?"). */
export function isFollowUp(message: string, language = guessLanguage(message)): boolean {
  const text = normalise(message)
    .replace(OPENING_ACK, "")
    .replace(/^[\s¿¡"'«]+/, "")
    .trim();
  const words = text.match(/[\p{L}\d']+/gu) ?? [];
  if (words.length === 0 || detectSocial(message, "", language)) return false;
  // "And if I only arrive after six in the evening?": an "and…" leans on the turn before, however it goes on.
  if (FOLLOW_UP_START.test(text)) return words.length <= FOLLOW_UP_AND_WORDS;
  if (words.length > 8) return false;
  // "la"/"le"/"las" are articles before a noun in French and Spanish; only English "it"-words count anywhere.
  // German points back with "da", "dabei", "dafür" ("Kann ich da parken?"); its "gibt es" points nowhere.
  if (
    language === "en"
      ? FOLLOW_UP_PRONOUN.test(text)
      : /(?<![\p{L}])(?:ça|cela|es|das|dies|eso|esto)(?![\p{L}])/u.test(
          language === "de" ? text.replace(/\bgibt(?:'s|s| es)(?![\p{L}])/gu, "gibt") : text,
        ) ||
        (language === "de" && GERMAN_POINTING_BACK.test(text))
  )
    return true;
  // "Elle ferme à quelle heure ?", "Is she allowed to…?": a person or thing named before.
  if (POINTING_PRONOUN[knownLanguage(language)]?.test(foldAccents(text))) return true;
  if (language === "en" && /\bthere\b/.test(text) && !/\b(?:is|are|was|were|be)\s+there\b/.test(text)) return true;
  // "¿A partir de qué edad?", "Which months?": three words or fewer with one thing named lean on the turn before; so
  // does a question that names nothing but the kind of value it asks for ("How much notice do I have to give?").
  const content = termsIn(message, language).length;
  const stripped = stripCues(normalise(message));
  if (stripped.tags.size > 0 && termsIn(stripped.text, language).length === 0) return true;
  // "C'est combien par personne ?": French "c'est" points back, unless the message names what "ce" is.
  if (language === "fr" && /^c'?est(?![\p{L}])/u.test(text) && content <= 1) return true;
  return content === 0 || (words.length <= 3 && content <= 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Knowledge: passages → sentence-sized units

type Unit = {
  passage: Passage;
  rank: number; // the passage's position when sorted by score, 0 = best
  docOrder: [number, number, number]; // source, chunk, position: the order a reader meets it in
  text: string; // tidied, ready to show
  terms: Set<string>; // stems and answer types
  headingTerms: Set<string>;
  /** A table row's column labels ("Plan", "Price"): the row names an instance of each ("Plan: Team"). */
  labelTerms: Set<string>;
  /** A table row's columns: its label, its cell as shown, and the label's terms. */
  columns?: { label: string; cell: string; terms: Set<string> }[];
  /** The unit's own section heading ("Family plan — €12 per month"), which often names its subject. */
  nearHeading: string;
  nearHeadingTerms: Set<string>;
  item: boolean;
  ordered: boolean; // a numbered step: useless without the other steps
  list?: string; // shared by a list's items and its lead-in ("We offer four plans:"), if it has one
  leadIn: boolean;
  /** Number ranges the unit states ("10–14 years"), so a question's "7" finds them. */
  ranges: [number, number][];
  /** Open bounds it states ("under 12", "vor 8 Uhr", "ab 18 Jahren"), as ranges: a question's number inside one. */
  bounds: [number, number][];
  /** Leans on the sentence before it ("Tras ese plazo…", "It is refunded…"): shown with it. */
  anaphoric: boolean;
  /** Adds to the sentence before it ("At the counter you can also pay in cash."). */
  additive: boolean;
  /** Names several things ("Visa, Mastercard and Maestro", "Austria, Poland and Denmark"). */
  enumerates: boolean;
  /** Names several things with capitals (places, brands, people). */
  enumeratesNames: boolean;
  /** Its only price is "free" ("wrapped free of charge"), no amount. */
  freeOnly: boolean;
};

/** A passage's display units with everything that depends only on its text and language (splitting, tidying, stemming). */
type AnalysedUnit = Pick<
  Unit,
  | "text"
  | "terms"
  | "headingTerms"
  | "labelTerms"
  | "columns"
  | "nearHeading"
  | "nearHeadingTerms"
  | "item"
  | "ordered"
  | "leadIn"
  | "ranges"
  | "bounds"
  | "anaphoric"
  | "additive"
  | "enumerates"
  | "enumeratesNames"
  | "freeOnly"
> & {
  key: string;
  rawList?: number;
};

/**
 * Analysed units by chunk and language: a chunk's text never changes under its id (a re-import writes new
 * chunks), and the same few chunks answer most questions, so each is split and stemmed once per process,
 * not on every request. The text is compared on a hit all the same. Bounded; the oldest entry goes first.
 */
const analysed = new Map<string, { passage: Pick<Passage, "content" | "title" | "heading">; units: AnalysedUnit[] }>();
const MAX_ANALYSED = 5_000;

function analyse(passage: Passage, language: string): AnalysedUnit[] {
  const cacheKey = `${passage.chunkId}:${language}`;
  const hit = analysed.get(cacheKey);
  if (
    hit &&
    hit.passage.content === passage.content &&
    hit.passage.title === passage.title &&
    hit.passage.heading === passage.heading
  )
    return hit.units;
  const units: AnalysedUnit[] = [];
  for (const raw of rawUnits(passage.content, language)) {
    const text = tidy(raw.text);
    const heading = `${passage.title} ${passage.heading} ${raw.heading} ${raw.labels ?? ""}`;
    const nearHeading = raw.heading || passage.heading.split("›").at(-1)?.trim() || "";
    const matched = raw.cells ?? text;
    const folded = foldAccents(normalise(matched));
    units.push({
      key: foldAccents(text.toLowerCase()).replace(/[^\p{L}\d]+/gu, ""),
      text,
      terms: new Set<string>([...termsIn(matched, language), ...cuesIn(matched), ...daysInRanges(folded, language)]),
      headingTerms: new Set<string>([...termsIn(heading, language), ...cuesIn(heading)]),
      nearHeading: tidy(nearHeading).replace(/[.:]$/, ""),
      nearHeadingTerms: new Set<string>([...termsIn(nearHeading, language), ...cuesIn(nearHeading)]),
      labelTerms: new Set<string>(raw.labels ? termsIn(raw.labels, language) : []),
      columns: raw.columns?.map(({ label, cell }) => ({ label, cell, terms: new Set(termsIn(label, language)) })),
      item: raw.item,
      ordered: raw.ordered === true,
      rawList: raw.list,
      leadIn: !raw.item && raw.list !== undefined,
      ranges: rangesIn(text),
      bounds: boundsIn(numbersAsDigits(foldAccents(normalise(text)), language)),
      anaphoric: !raw.item && !raw.cells && ANAPHORA.test(foldAccents(normalise(text))),
      additive: !raw.item && !raw.cells && ADDITIVE.test(folded),
      enumerates: ENUMERATION.test(text),
      enumeratesNames: listsNamesInFull(text, language),
      freeOnly: FREE.test(folded) && !AMOUNT.test(folded),
    });
  }
  if (analysed.size >= MAX_ANALYSED) analysed.delete(analysed.keys().next().value!);
  analysed.set(cacheKey, {
    passage: { content: passage.content, title: passage.title, heading: passage.heading },
    units,
  });
  return units;
}

function inRangeOrBound(unit: Unit, n: number): boolean {
  return [...unit.ranges, ...unit.bounds].some(([low, high]) => low <= n && n <= high);
}

/** A question's number inside a bound a sentence states ("7" in "before 9 o'clock") counts this much. */
const BOUND_WEIGHT = 0.7;
/** Words before a number that bound it from above ("under 12") or from below ("over 65", "ab 16"), folded. */
const UPPER_BOUND =
  /(?<![\p{L}])(?:before|under|below|less than|younger than|vor|unter|weniger als|juenger als|avant|moins de|antes de|menos de|menores de|prima delle|sotto i)\s+(?:(?:the|der|den|dem|les|las|los|le|la)\s+)?(\d{1,4})(?![\d.,:])/gu;
const LOWER_BOUND =
  /(?<![\p{L}])(?:after|over|above|more than|older than|at least|from|nach|uber|ueber|ab|mehr als|mindestens|apres|plus de|au moins|a partir de|despues de|mas de|mayores de|desde|al menos|dopo le|oltre)\s+(?:(?:the|der|den|dem|les|las|los|le|la)\s+)?(\d{1,4})(?![\d.,:])/gu;

/** "within 8 km", "up to 6 people", "bis zu 4 Personen": upper bounds that include their number. */
const UPPER_BOUND_INCLUSIVE =
  /(?<![\p{L}])(?:within|up to|at most|no more than|innerhalb von|bis zu|hochstens|maximal|jusqu'a|au maximum|dans un rayon de|hasta|como maximo|dentro de)\s+(\d{1,4})(?![\d.,:])/gu;

/**
 * "under 12" → [0, 11], "before 9" → [0, 8], "within 8" → [0, 8], "over 65" → [66, ∞), "ab 16" → [16, ∞): open
 * bounds a text states.
 */
function boundsIn(folded: string): [number, number][] {
  const bounds: [number, number][] = [];
  for (const m of folded.matchAll(UPPER_BOUND)) bounds.push([0, Number(m[1]) - 1]);
  for (const m of folded.matchAll(UPPER_BOUND_INCLUSIVE)) bounds.push([0, Number(m[1])]);
  for (const m of folded.matchAll(LOWER_BOUND)) {
    // "from 2 to 4" is a range (rangesIn), not "2 or more".
    if (/^\s*(?:-|–|to|a|à|au|bis|y|and|till|until|hasta)\s*\d/u.test(folded.slice(m.index + m[0].length))) continue;
    const n = Number(m[1]);
    // "from 12" and "ab 16" include the number; "over 65", "after 9" do not.
    bounds.push([
      /^(?:from|ab|a partir de|desde|at least|mindestens|au moins|al menos)\b/.test(m[0]) ? n : n + 1,
      Infinity,
    ]);
  }
  return bounds;
}

/** "within seven km" → "within 7 km": number words as digits (folded text). */
function numbersAsDigits(folded: string, language: string): string {
  const numbers = numberWordsOf(language);
  return folded.replace(/\p{L}+/gu, (word) => numbers.get(word) ?? word);
}

/** "10–14 years", "from 2 to 4", "de 13 a 16": the ranges of whole numbers a text states. */
function rangesIn(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(
    /(?<![\d.,:])(\d{1,4})\s*(?:-|–|—|to|a|à|au|bis|y|and|till|until|hasta)\s*(\d{1,4})(?![\d.,:])/gu,
  )) {
    const low = Number(m[1]);
    const high = Number(m[2]);
    if (low < high) ranges.push([low, high]);
  }
  return ranges;
}

/**
 * A sentence that begins by pointing back ("This is…", "It is refunded…", "After that…", "Tras ese plazo…",
 * "Cela…", "Danach…"): without the sentence before it, it answers nothing. Per language, demonstratives and
 * pronouns within the first two words.
 */
const ANAPHORA =
  /^(?:\p{L}+\s+)?(?:this|that|these|those|it|they|he|she|such|ella|ese|esa|eso|esos|esas|este|esta|esto|estos|estas|ello|dicho|dicha|ce|cet|cette|ces|cela|ca|il|ils|elle|elles|er|dies|diese|dieser|dieses|das|danach|dafur|dabei|daher)(?![\p{L}])/u;
/** "also", "aussi", "auch", "también": the sentence adds to what the one before it says (folded, lowercase). */
const ADDITIVE =
  /(?<![\p{L}])(?:also|as well|aussi|egalement|auch|ebenfalls|tambien|ademas|anche|inoltre|tambem|ook)(?![\p{L}])/u;
/** Two or more capitalised names joined in a list ("the Austria, Poland and Denmark", "Ashford and Kingsley"). */
const NAME_ENUMERATION =
  /\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*(?:\s*,\s*\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*)*,?\s+(?:and|or|y|o|e|et|ou|und|oder)\s+\p{Lu}/u;

/** Words that say a list gives examples, not all there is ("such as", "including"), per language (folded, lowercase). */
const OPEN_LIST: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:such as|including|like|e\.g|for example|for instance|among others|etc|and more|and many more|and others)(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:comme|notamment|par exemple|entre autres|dont|etc)(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:wie|darunter|zum beispiel|z\. ?b|unter anderem|u\. ?a|usw|etc)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:como|incluido|incluidos|incluida|incluidas|por ejemplo|entre otros|entre otras|etc)(?![\p{L}])/u,
  it: /(?<![\p{L}])(?:come|tra cui|ad esempio|per esempio|eccetera|ecc|etc)(?![\p{L}])/u,
  pt: /(?<![\p{L}])(?:como|incluindo|por exemplo|entre outros|entre outras|etc)(?![\p{L}])/u,
  nl: /(?<![\p{L}])(?:zoals|waaronder|bijvoorbeeld|onder andere|enz|etc)(?![\p{L}])/u,
};

/** Whether a text lists names in full ("Polish, Tamil and Spanish"), not as examples ("such as Visa and Amex"). */
function listsNamesInFull(original: string, language: string): boolean {
  // Days and months are capitalised in English but name no thing ("on Tuesday and Thursday").
  const text = original.replace(DAYS_AND_MONTHS, "x");
  const found = NAME_ENUMERATION.exec(text);
  if (!found) return false;
  const open = OPEN_LIST[language] ?? OPEN_LIST.en!;
  const end = found.index + found[0].length;
  const around = (from: number, to: number) => foldAccents(normalise(text.slice(Math.max(0, from), to)));
  return !open.test(around(found.index - 30, found.index)) && !open.test(around(end, end + 25));
}

const DAYS_AND_MONTHS = new RegExp(`\\b(?:${WEEKDAYS}|${WEEKEND_DAYS}|${MONTHS})\\b`, "giu");

function buildUnits(passages: Passage[], language: string): Unit[] {
  const byScore = passages
    .map((passage, index) => ({ passage, index }))
    .sort((a, b) => b.passage.score - a.passage.score || a.index - b.index);
  const sourceOrder = new Map<string, number>();
  for (const { passage } of byScore)
    if (!sourceOrder.has(passage.sourceId)) sourceOrder.set(passage.sourceId, sourceOrder.size);
  const seen = new Set<string>(); // overlapping chunks repeat sentences
  const units: Unit[] = [];
  byScore.forEach(({ passage }, rank) => {
    analyse(passage, language).forEach((unit, position) => {
      if (unit.key.length < 2 || seen.has(unit.key)) return;
      seen.add(unit.key);
      units.push({
        passage,
        rank,
        docOrder: [sourceOrder.get(passage.sourceId) ?? 0, passage.chunkId, position],
        text: unit.text,
        terms: unit.terms,
        headingTerms: unit.headingTerms,
        nearHeading: unit.nearHeading,
        nearHeadingTerms: unit.nearHeadingTerms,
        labelTerms: unit.labelTerms,
        columns: unit.columns,
        item: unit.item,
        ordered: unit.ordered,
        list: unit.rawList === undefined ? undefined : `${rank}:${unit.rawList}`,
        leadIn: unit.leadIn,
        ranges: unit.ranges,
        bounds: unit.bounds,
        anaphoric: unit.anaphoric,
        additive: unit.additive,
        enumerates: unit.enumerates,
        enumeratesNames: unit.enumeratesNames,
        freeOnly: unit.freeOnly,
      });
    });
  });
  return units;
}

// ---------------------------------------------------------------------------------------------------------------
// The question

type Query = {
  language: string;
  /** stem → weight: 1 for the message's own words, less for those borrowed from the turn it follows up. */
  terms: Map<string, number>;
  /** Answer types asked for by phrase ("how much" → §money). */
  tags: Set<Cue>;
  /** The message's own words (not the borrowed ones). */
  own: string[];
  /** Question word → the answer type it also stands for ("price" → §money). */
  cueOf: Map<string, Cue>;
  /**
   * Question word → words retrieval searched for it, each with its weight; `halves` marks the two words a long word
   * is made of ("any time" for "anytime"); `defined` the terms of a label whose list names the word ("Low season:
   * …, November, …").
   */
  related: Map<string, { terms: string[]; weight: number; halves?: boolean; apart?: string; defined?: boolean }[]>;
  /** The kind of thing a "which X" question asks for ("countries"): the answer names instances, rarely the word. */
  typeWord?: string;
  /** The words before the type word in its phrase ("courier" in "Which courier services…?"). */
  kindWords: Set<string>;
  /** False when every question word is an answer-type word, so "How much does it cost?" may match "$99". */
  needsDirect: boolean;
  yesNo: boolean;
  /** Names the question is about ("the Kingsley branch", "the Plus plan"): an answer must be about them too. */
  names: string[];
  /** The earlier question's words that this one does not repeat: what "the treatment" may refer back to. */
  context: string[];
  /** A follow-up's own words that the earlier question did not say ("child" in "And a child's kayak?"): asked now. */
  fresh: string[];
  /** The verb of a "which X do you…?" question ("offer"): it frames the question and puts no unit on its topic. */
  frame: Set<string>;
  /** Question words retrieval found to be slips it could not fix (analysis.unrecognised), as terms. */
  unrecognised: Set<string>;
  /** Question words that are only adverbs ("honestly", "basically"; analysis.manner), as terms. */
  manner: Set<string>;
  /** Question word → how much it is what the question is about (analysis.subject; absent means fully). */
  subject: Map<string, number>;
  /** The terms of the question proper (mainClause): the sentence that asks, without its clauses of condition. */
  proper: string[];
  /** Question words the knowledge uses somewhere (analysis.known), as terms; empty when retrieval did not say. */
  known: Set<string>;
  /** The words of the sentences around the one that asks, which set its scene ("I was here last year. Do you…?"). */
  scene: Set<string>;
};

/**
 * The subject of the conversation so far: the words of the latest user turns, back to one that stood alone, and
 * the kinds of value they asked for ("¿A qué hora…?" then "¿Y los festivos?" still asks for a time).
 */
function previousQuestion(history: Turn[], language: string): { terms: string[]; tags: Set<Cue> } {
  const terms: string[] = [];
  const tags = new Set<Cue>();
  let checked = 0;
  for (let i = history.length - 1; i >= 0 && checked < 3; i--) {
    const turn = history[i];
    if (turn?.role !== "user") continue;
    checked++;
    const earlier = earlierTurn(`${language}\n${turn.content}`);
    if (tags.size === 0) for (const tag of earlier.tags) tags.add(tag);
    for (const term of earlier.terms) if (!terms.includes(term)) terms.push(term);
    if (terms.length > 0 && !earlier.followUp) break;
  }
  return { terms, tags };
}

/**
 * What an earlier user turn asked (its words, the kinds of value, whether it leaned on the turn before), by
 * language and text: each turn is read again on every later turn of its conversation. At most 2,000 turns (of
 * up to 8,000 characters) are remembered.
 */
const earlierTurn = memoize((key: string) => {
  const cut = key.indexOf("\n");
  const language = key.slice(0, cut);
  const content = key.slice(cut + 1);
  const stripped = stripCues(questionText(content));
  return {
    tags: stripped.tags,
    terms: termsIn(stripped.text, language, { parts: false }),
    followUp: isFollowUp(content, language),
  };
}, 2_000);

/**
 * The question without its answer-type phrases ("how much", "cuánto"), and the types they ask for. Phrases are
 * found without accents but cut from the text as written, since stemming needs the accents ("degustación").
 */
function stripCues(text: string): { text: string; tags: Set<Cue> } {
  const chars = [...text];
  const foldedChars = chars.map(foldChar);
  const tags = new Set<Cue>();
  let folded = foldedChars.join("");
  for (const [cue, pattern] of CUE_PHRASES) {
    const matches = [...folded.matchAll(pattern)];
    for (const match of matches) {
      tags.add(cue);
      // Code-unit offsets → character offsets (the same, but for characters outside the BMP).
      const start = [...folded.slice(0, match.index)].length;
      const end = start + [...match[0]].length;
      for (let i = start; i < end; i++) {
        chars[i] = " ";
        foldedChars[i] = " ";
      }
    }
    if (matches.length > 0) folded = foldedChars.join("");
  }
  return { text: chars.join(""), tags };
}

/** One character without its accents, when that leaves one character ("é" → "e"; "ß", "æ" stay). */
function foldChar(c: string): string {
  if (c.charCodeAt(0) < 0x80) return c;
  const folded = foldAccents(c);
  return folded.length === 1 ? folded : c;
}

const YES_NO_START: Record<string, RegExp> = {
  en: /^(?:(?:and|so|but|also|ok|okay|hi|hello)\W+)*(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|have|has|had|may|might|must|am|isn't|aren't|don't|doesn't|didn't|can't|won't|wouldn't|couldn't)(?![\p{L}])/u,
  fr: /^(?:(?:et|alors|mais|bonjour)\W+)*(?:est-ce qu|y a-t-il|ya[- ]?t[- ]?il|y a t il|\p{L}+-(?:vous|il|elle|on|ils|elles|je|tu|t-il|t-elle|t-on)(?![\p{L}]))/u,
  de: /^(?:(?:und|also|aber|hallo)\W+)*(?:ist|sind|war|waren|hat|haben|habt|hast|kann|kannst|können|konnen|darf|dürfen|durfen|gibt|muss|müssen|mussen|soll|sollen|wird|werden|bieten|liefern|akzeptieren|nehmen|machen|bist|seid|gilt|geht|brauche|brauchen)(?![\p{L}])/u,
  it: /^(?:(?:e|ma)\W+)*(?:è|e|sono|avete|posso|potete|c'è|ce|ci sono|fate|accettate)(?![\p{L}])/u,
  pt: /^(?:(?:e|mas)\W+)*(?:é|e|são|sao|tem|têm|posso|podem|há|ha|fazem|aceitam)(?![\p{L}])/u,
  nl: /^(?:(?:en|maar)\W+)*(?:is|zijn|heeft|hebben|kan|kunnen|mag|mogen|moet|doen|bieden|leveren)(?![\p{L}])/u,
};
/** Question words, per language: a question that starts with one asks for a value, not a yes or a no. */
const WH: Record<string, string> = {
  en: "what|which|when|where|who|whom|whose|why|how",
  fr: "que|qu'|quel|quelle|quels|quelles|quoi|quand|où|ou|comment|combien|pourquoi|qui|à quelle|a quelle",
  de: "wer|wie|was|wann|wo|warum|welche|welcher|welches|welchen|wieviel|woher|wohin|weshalb",
  es: "qué|que|q|a q|cuál|cual|cuáles|cuales|cuándo|cuando|dónde|donde|cómo|como|cuánto|cuanto|cuánta|cuanta|cuántos|cuantos|cuántas|cuantas|quién|quien|por qué|a qué|a que",
  it: "che|cosa|quale|quali|quando|dove|come|perché|perche|quanto|quanta|quanti|chi",
  pt: "o que|que|qual|quais|quando|onde|como|porque|porquê|quanto|quanta|quantos|quem",
  nl: "wat|welk|welke|waar|wanneer|hoe|waarom|wie|hoeveel",
};
/** The language's question words of one word ("what", "quand"), and in English with "'s" ("what's"). */
export const questionWordsOf = memoize((language: string): readonly string[] => {
  const code = knownLanguage(language);
  const words = (WH[code] ?? WH.en!).split("|").filter((w) => /^\p{L}+$/u.test(w));
  return code === "en" ? [...words, ...words.map((w) => `${w}'s`)] : words;
});
const whStart = (language: string) =>
  // An elided question word ("qu'est-ce que…", "qu'y a-t-il") runs on into the next word.
  new RegExp(
    `^(?:(?:and|et|und|y|e|pero|mais|aber|en|ma|mas)\\W+)*(?:${WH[language] ?? WH.en})(?:(?<=')|(?![\\p{L}]))`,
    "u",
  );

/** "What about…", "how about…", "what if…": a question word that asks about another case of the same thing. */
const ANOTHER_CASE =
  /^(?:(?:and|but|so|or|et|mais|y|pero|und|aber|e|ma)\W+)*(?:what about|how about|what if|qu'en est-il|quid|que tal|qué tal|was ist mit|wie ist es mit|wie sieht es mit)(?![\p{L}])/u;

/** Whether a follow-up asks with a question word of its own ("And how far…?", "¿Y dónde…?"), not about another case. */
function asksItsOwn(opening: string, language: string): boolean {
  const code = knownLanguage(language);
  return whStart(code).test(opening) && !ANOTHER_CASE.test(opening);
}

/** Whether a question asks for a yes or a no ("Do you ship to Norway?", "Livrez-vous en Suisse ?", "¿Hacen envíos?"). */
export function isYesNoQuestion(message: string, language = guessLanguage(message)): boolean {
  const text = normalise(message)
    .replace(/^[\s¿¡"'«]+/, "")
    .trim();
  const code = knownLanguage(language);
  if (whStart(code).test(text)) return false;
  const start = YES_NO_START[code];
  if (start?.test(text)) return true;
  // "I have an old bike. Would you buy it? I'm not after a new one.": the question is the part that asks.
  const asked = message.lastIndexOf("?");
  if (asked >= 0 && !/\?\s*$/.test(message)) return isYesNoQuestion(message.slice(0, asked + 1), language);
  // "Our son is 15, can he come to the spa?": what comes first says how things are; the question is the last part.
  const last = /\?\s*$/.test(message)
    ? text
        .split(/[.!;:–—]\s*|,\s+|\s-\s|¿/)
        .pop()
        ?.trim()
    : undefined;
  if (last && last !== text && last.split(/\s+/).length >= 2) return isYesNoQuestion(last, language);
  if (!/\?\s*$/.test(message) || text.split(/\s+/).length < 2 || FOLLOW_UP_START.test(text)) return false;
  // German puts the verb first: a word, then a pronoun or an article ("Liefert ihr auch…?", "Hat der Laden…?").
  if (code === "de") return GERMAN_VERB_FIRST.test(text);
  // Spanish, French, Italian and Portuguese also ask by intonation alone ("Le magasin est ouvert le lundi ?"):
  // a question with no question word, at its start or anywhere ("Vous ouvrez à quelle heure ?").
  const inSitu = WH_IN_SITU[code];
  return inSitu !== undefined && !inSitu.test(text);
}

/** Question words anywhere in a question, where a language asks by intonation (unaccented "que", "ou", "como" are conjunctions). */
const WH_IN_SITU: Record<string, RegExp> = {
  es: /(?<![\p{L}])(?:qué|cuál|cuáles|cuándo|dónde|cómo|cuánto|cuánta|cuántos|cuántas|quién|quiénes)(?![\p{L}])/u,
  // "quand" and "où" also join clauses ("inclus quand on achète un an", "la salle où on mange"): a question word
  // only near the end ("Vous ouvrez quand ?", "On se gare où ?").
  fr: /(?<![\p{L}])(?:quel|quelle|quels|quelles|quoi|comment|combien|pourquoi)(?![\p{L}])|(?<![\p{L}])(?:quand|où)(?:\W+[\p{L}'-]+){0,2}\W*$/u,
  it: /(?<![\p{L}])(?:quanto|quanta|quanti|quante|quando|dove|perché|quale|quali|cosa)(?![\p{L}])/u,
  pt: /(?<![\p{L}])(?:quanto|quanta|quantos|quantas|quando|onde|qual|quais|porquê)(?![\p{L}])/u,
};
const GERMAN_VERB_FIRST =
  /^\p{L}+(?:'s)?\s+(?:ich|du|er|sie|es|man|wir|ihr|der|die|das|den|dem|ein|eine|einen|einem|mein|meine|meinen|dein|deine|deinen|euer|eure|jemand)(?![\p{L}])/u;

/**
 * The stems of capitalised words inside a question (not its first word): names of places, products, plans.
 * German capitalises every noun, so there a capital tells nothing.
 */
function namesIn(text: string, language: string): string[] {
  if (language === "de") return [];
  const names: string[] = [];
  for (const match of text.matchAll(/(?<=[\p{L}\d,;:]\s+)\p{Lu}[\p{L}'-]*/gu))
    for (const term of termsIn(match[0], language, { parts: false })) names.push(term);
  return names;
}

/**
 * "do you ship to norway", "is the solo plan enough": from a question typed all in lower case, the names it says
 * all the same: the words the language's dictionary writes only with a capital (retrieval's `analysis.names`), and
 * those the passages write with one inside a sentence and never without. Not in German, which capitalises nouns.
 */
function lowerCaseNames(
  text: string,
  language: string,
  own: string[],
  units: Unit[],
  analysis: QueryAnalysis | undefined,
): string[] {
  if (language === "de" || /\p{Lu}/u.test(text.slice(1))) return [];
  const names = new Set((analysis?.names ?? []).flatMap((word) => termsIn(word, language, { parts: false })));
  const wanted = new Set(own.filter((term) => !names.has(term)));
  if (wanted.size === 0 || units.length === 0) return [...names];
  const capitalised = new Set<string>();
  const plain = new Set<string>();
  for (const unit of units) {
    const cased = casedTerms(`${language}\n${unit.text}`);
    for (const term of wanted) {
      if (cased.capitalised.has(term)) capitalised.add(term);
      if (cased.plain.has(term)) plain.add(term);
    }
  }
  for (const term of capitalised) if (!plain.has(term)) names.add(term);
  return [...names];
}

/**
 * A sentence's terms written with a capital inside it, and those written in lower case, once per sentence rather
 * than per question (a lower-case question compares its words with every passage's). Keyed "language\ntext".
 */
const casedTerms = memoize((key: string): { capitalised: Set<string>; plain: Set<string> } => {
  const newline = key.indexOf("\n");
  const language = key.slice(0, newline);
  const text = key.slice(newline + 1);
  const termsOf = (pattern: RegExp) =>
    new Set([...text.matchAll(pattern)].flatMap((match) => termsIn(match[0], language, { parts: false })));
  return {
    capitalised: termsOf(/(?<=[\p{L}\d,;:]\s+)\p{Lu}\p{Ll}[\p{L}'-]*/gu),
    plain: termsOf(/(?<![\p{L}\p{M}'-])\p{Ll}[\p{L}\p{M}'-]*/gu),
  };
}, 20_000);

/** "Which regions…", "¿Qué métodos aceptan…", "Welche Karten…": the noun after the question word. */
export const TYPE_WORD =
  /^[\s¿¡]*(?:which|what|que|cuales?|quels?|quelles?|welche[rsnm]?|quali|quais|welke)\s+(?:(?:kinds?|types?|sorts?) of\s+|(?:types?|genres?|sortes?|tipos?|clases?) de\s+|arten? von\s+)?(\p{L}+)/u;
/**
 * Where the kind asked for comes after the question word and other words: French "Vous vendez quoi comme bougies ?",
 * "Qu'est-ce que vous avez comme desserts ?"; German "Was für Kurse gibt es?" (folded, lowercase).
 */
const KIND_LATER: Record<string, RegExp> = {
  fr: /(?<![\p{L}])(?:quoi|qu'est-ce qu|qu'est ce qu|qu'y a-t-il)(?![\p{L}]).*?(?<![\p{L}])comme\s+(?:des?\s+|d'|les?\s+|la\s+)?(\p{L}+)/u,
  de: /^[\s]*was\s+fur\s+(?:ein(?:e[nmrs]?)?\s+)?(\p{L}+)/u,
};
/** "What kinds of…", "quel type de…", "qué tipo de…", "welche Arten von…": the word for a kind only says a kind is asked for. */
const KIND_OF =
  /^[\s¿¡]*(?:which|what|que|quels?|quelles?|welche[rsnm]?)\s+(kinds?|types?|sorts?|genres?|sortes?|tipos?|clases?|arten?)\s+(?:of|de|von)\s/u;
/**
 * English puts the head of a noun phrase last ("which bike brands do you sell?" asks for brands): up to three words
 * after "which"/"what", ending before the verb, and the last of them is the kind of thing asked for.
 */
const TYPE_PHRASE_EN =
  /^[\s]*(?:which|what)\s+(?:(?:kinds?|types?|sorts?) of\s+)?((?:\p{L}+\s+){0,2}?\p{L}+)\s+(?:do|does|did|can|could|are|is|were|was|will|would|should|may|might|have|has)\b/u;

/**
 * The verb of a "which X do you…?" question ("What plans do you offer?", "¿Qué vinos tenéis?"): it frames the
 * question, the X is what it asks about, so it counts for this share of a word.
 */
const FRAME_VERBS: Record<string, string> = {
  en: "offer have sell provide accept support carry stock serve take make",
  fr: "proposez proposer offrez offrir avez acceptez vendez faites",
  de: "bieten bietet haben habt hat akzeptieren akzeptiert verkaufen verkauft gibt",
  es: "ofreceis ofrecen ofreces ofrece teneis tienen tienes tiene aceptais aceptan aceptas acepta vendeis venden hay",
};
const FRAME_WEIGHT = 0.2;
const frameCache = new Map<string, Set<string>>();
function frameVerbs(language: string): Set<string> {
  let set = frameCache.get(language);
  if (!set) {
    set = new Set(termsIn(FRAME_VERBS[language] ?? "", language, { parts: false }));
    frameCache.set(language, set);
  }
  return set;
}

/** The longest word split into two halves that the knowledge may write apart ("anytime" → "any time"). */
const JOINED_MAX = 24;

/**
 * The question's words that may be expanded (halves of a joined word, an acronym's words): each distinct word once,
 * the first EXPANDED_WORDS of them. A question has far fewer; a message of thousands of words would otherwise cost
 * seconds of CPU.
 */
const EXPANDED_WORDS = 40;
function expandable(words: string[]): string[] {
  return [...new Set(words)].slice(0, EXPANDED_WORDS);
}

/** "lecole" → "ecole", "quil" → "il": an article or pronoun elided before a vowel or h, without its apostrophe. */
export const ELIDED_WITHOUT_APOSTROPHE = /^(?:l|d|j|m|n|s|t|c|qu)((?:[aeiouyh]|[\u00e0-\u00ff])\p{L}{2,})$/u;

/** The terms of each way to cut a word in two ("anytime" → "any" + "time"), by language and word; remembered per word. */
const wordHalves = memoize((key: string): { parts: string[]; apart?: string }[] => {
  const cut = key.indexOf("\n");
  const language = key.slice(0, cut);
  const token = key.slice(cut + 1);
  const splits: { parts: string[]; apart?: string }[] = [];
  for (let i = 2; i <= token.length - 2; i++) {
    const halves = [token.slice(0, i), token.slice(i)].map((half) => ({ half, terms: termsIn(half, language) }));
    // Each half a word of three letters or more, or a stopword ("any"); one of them at least a word.
    if (halves.some((h) => h.terms.length > 0 && h.half.length < 3)) continue;
    const parts = halves.flatMap((h) => h.terms);
    // With a stopword for a half, only the two written apart say it ("any time" for "anytime"; "line" alone is no
    // "online").
    if (parts.length === 1) splits.push({ parts, apart: `${token.slice(0, i)} ${token.slice(i)}`.toLowerCase() });
    else if (parts.length > 1) splits.push({ parts });
  }
  return splits;
});

/** How much a label's words say a word its list names ("Low season: November to March" for "November"). */
const DEFINED_WEIGHT = 0.8;

/**
 * A label and the short items it defines ("Low season: January, February and November (bank holidays excepted)"):
 * the label's terms (one to three) and the items' terms; undefined for anything else. Keyed "language\ntext".
 */
const definitionIn = memoize((key: string): { label: string[]; items: string[] } | undefined => {
  const newline = key.indexOf("\n");
  const language = key.slice(0, newline);
  const match = /^([^:;,.]{2,40}?)\s?:\s+(.+)$/u.exec(key.slice(newline + 1));
  if (!match) return undefined;
  const label = termsIn(match[1]!, language, { parts: false });
  const items = match[2]!
    .replace(/\([^)]*\)/g, " ")
    .replace(/[.!;]\s*$/u, "")
    .split(ITEM_SEPARATOR)
    .map((item) => item.trim())
    .filter(Boolean);
  if (label.length === 0 || label.length > 3 || items.length < 3) return undefined;
  if (items.some((item) => item.split(/\s+/).length > 4)) return undefined;
  return { label, items: items.flatMap((item) => termsIn(item, language, { parts: false })) };
});

function buildQuery(
  text: string,
  history: Turn[],
  language: string,
  analysis: QueryAnalysis | undefined,
  units: Unit[] = [],
): Query {
  const { text: stripped, tags } = stripCues(questionText(text));
  const { sentences, asking: question } = sentencesOf(stripped, language);
  // "Which…", "What kinds of…" open the sentence that asks, wherever it stands in the message.
  const folded = foldAccents((question ?? stripped).trim());
  const kind = KIND_OF.exec(folded)?.[1];
  const [kindTerm] = kind ? termsIn(kind, language, { parts: false }) : [];
  const own = termsIn(stripped, language, { parts: false }).filter((term) => term !== kindTerm);
  const borrow = !analysis?.standalone && isFollowUp(text, language);
  const earlier = previousQuestion(history, language);
  const previous = borrow ? earlier : { terms: [], tags: new Set<Cue>() };
  const terms = new Map<string, number>();
  for (const term of previous.terms) terms.set(term, PREVIOUS_TURN_WEIGHT);
  // "And on weekends?", "What if I pay yearly?" ask the earlier turn's kind of value again; "And how far…?" asks its own.
  const opening = normalise(text).replace(/^[\s¿¡"'«]+/, "");
  if (tags.size === 0 && FOLLOW_UP_START.test(opening) && !asksItsOwn(opening, language))
    for (const tag of previous.tags) tags.add(tag);
  for (const term of own) terms.set(term, 1);
  // "I'm coming with my two kids next week. Can I book a table for four?": the sentences around the question set its
  // scene, as an earlier turn does; their words weigh as an earlier turn's.
  const scene = new Set<string>();
  if (sentences.length >= 2 && question) {
    const asked = new Set(termsIn(question, language, { parts: false }));
    // "Nous avons un furet, très sage. Est-ce qu'il peut venir ?": a question that points back with "he", "she" or
    // "they" asks about what the scene names, whose words then weigh as the question's own (not those retrieval reads
    // as how the question is put: its verbs).
    const pointsBack = POINTING_PRONOUN[knownLanguage(language)]?.test(foldAccents(normalise(question))) ?? false;
    const howPut = new Set(
      pointsBack
        ? (analysis?.subject ?? []).flatMap(({ word, weight }) =>
            weight < ABOUT_MIN ? termsIn(word, language, { parts: false }) : [],
          )
        : [],
    );
    for (const term of own)
      if (!asked.has(term)) {
        terms.set(term, pointsBack && !howPut.has(term) ? 1 : PREVIOUS_TURN_WEIGHT);
        scene.add(term);
      }
  }
  // The kind of value asked for is the asking sentence's, when it says what it asks about: "We come on Saturday
  // night. Can we book a table on the terrace?" asks for no time.
  if (scene.size > 0) {
    const asking = sentencesOf(questionText(text), language).asking;
    const own = asking ? stripCues(asking) : undefined;
    if (own && termsIn(own.text, language, { parts: false }).length > 0) {
      tags.clear();
      for (const tag of own.tags) tags.add(tag);
    }
  }
  // "Where…?" asks for a place: a street address answers it, though it repeats none of the question's words.
  if (WHERE.test(foldAccents(normalise(text)))) terms.set(PLACE, 1);

  const cues = cueStems(language);
  const cueOf = new Map<string, Cue>();
  for (const term of terms.keys()) {
    const cue = cues.get(term);
    if (cue) cueOf.set(term, cue);
  }
  // "And how long does it run?" after "How much does the boat trip cost?": a follow-up that asks its own kind of value
  // leaves the earlier turn's word for another kind ("cost") behind.
  if (tags.size > 0)
    for (const [term, cue] of cueOf)
      if (!own.includes(term) && !tags.has(cue)) {
        terms.delete(term);
        cueOf.delete(term);
      }
  // "What is the price of…?", "¿Cuál es el precio…?", "Quel est le coût…?": a word for an amount right after the
  // question word asks for one, as "how much" does.
  if (tags.size === 0) {
    const asking = normalise(question ?? stripped).replace(/^[\s¿¡"'«]+/, "");
    if (whStart(knownLanguage(language)).test(asking)) {
      const words = asking.match(/[\p{L}\p{M}']+/gu) ?? [];
      if (words.slice(1, 4).some((word) => cues.get(termsIn(word, language, { parts: false })[0] ?? "") === "§money"))
        tags.add("§money");
    }
  }
  const related: Query["related"] = new Map();
  for (const r of analysis?.related ?? []) {
    const [forTerm] = termsIn(r.for, language);
    const words = termsIn(r.word, language);
    if (!forTerm || words.length === 0 || !terms.has(forTerm)) continue;
    const list = related.get(forTerm) ?? [];
    list.push({ terms: words, weight: Math.min(1, Math.max(0, r.weight)) });
    related.set(forTerm, list);
  }
  // "anytime" where the page says "any time", "checkup" for "check-up": a long word also matches its two halves.
  // Only a word's length (up to JOINED_MAX letters): every split is stemmed, so a run of 8,000 letters would cost
  // seconds of CPU per request.
  for (const token of expandable(tokens(stripped))) {
    const hyphenated = token.length <= JOINED_MAX && /^\p{L}+(?:-\p{L}+)+$/u.test(token);
    const joined = hyphenated || (token.length >= 6 && token.length <= JOINED_MAX && /^\p{L}+$/u.test(token));
    const [term] = joined ? termsIn(token, language, { parts: false }) : [];
    if (!term || !terms.has(term)) continue;
    // "Gold-Tarif" where the page's table says "Tarif: Gold": a hyphenated word also matches its parts together.
    const parts = hyphenated ? termsIn(token, language).filter((part) => part !== term) : [];
    const splits = hyphenated ? (parts.length > 1 ? [{ parts }] : []) : wordHalves(`${language}\n${token}`);
    if (splits.length === 0) continue;
    const list = related.get(term) ?? [];
    for (const { parts, apart } of splits)
      list.push({ terms: parts, weight: 1, ...(hyphenated ? {} : { halves: true }), ...(apart ? { apart } : {}) });
    related.set(term, list);
  }
  // "Wasser Flasche" where the page writes "Wasserflasche": two words in a row are the compound they make, in a
  // language that writes compounds as one word.
  if (COMPOUNDING.has(language))
    own.forEach((term, i) => {
      const next = own[i + 1];
      if (!next || /\d/.test(term + next)) return;
      for (const part of [term, next])
        related.set(part, [...(related.get(part) ?? []), { terms: [term + next], weight: 1 }]);
    });
  // "lecole", "darriver": a French or Italian elision typed without its apostrophe is the word after it.
  if (language === "fr" || language === "it")
    for (const token of expandable(tokens(stripped))) {
      const elided = ELIDED_WITHOUT_APOSTROPHE.exec(token)?.[1];
      const [term] = elided ? termsIn(token, language, { parts: false }) : [];
      const [word] = elided ? termsIn(elided, language, { parts: false }) : [];
      if (!term || !word || !terms.has(term)) continue;
      // Only where the passages say the word and not the token: "cours" is a word, not "c'ours".
      if (units.some((unit) => unit.terms.has(term)) || !units.some((unit) => unit.terms.has(word))) continue;
      related.set(term, [...(related.get(term) ?? []), { terms: [word], weight: 1 }]);
    }
  const { own: days, other: otherDays } = dayGroups(language);
  const months = monthTerms(language);
  for (const term of terms.keys()) {
    // "in December" and "from April to October": another month says a little about this one (and may say no).
    const group = days.get(term) ?? months.get(term);
    if (!group) continue;
    const list = related.get(term) ?? [];
    const weight = days.has(term) ? CUE_WEIGHT : OTHER_MONTH_WEIGHT;
    for (const word of group) list.push({ terms: [word], weight });
    for (const word of otherDays.get(term) ?? []) list.push({ terms: [word], weight: OTHER_DAY_GROUP_WEIGHT });
    related.set(term, list);
  }
  // "Do you close in summer?" and "closed from 10 to 25 August".
  const seasons = seasonTerms(language);
  for (const term of terms.keys()) {
    const words = seasons.get(term);
    if (words)
      related.set(term, [
        ...(related.get(term) ?? []),
        ...words.map((word) => ({ terms: [word], weight: CUE_WEIGHT })),
      ]);
  }
  // "And in November?" where the knowledge says "Low season: January, February and November" and gives prices by
  // season: a word named in the list a label defines is said, a little less, by the label's words.
  for (const unit of units) {
    if (unit.columns) continue;
    const defined = definitionIn(`${language}\n${unit.text}`);
    if (!defined) continue;
    for (const term of terms.keys())
      if (defined.items.includes(term) && !defined.label.includes(term))
        related.set(term, [
          ...(related.get(term) ?? []),
          { terms: defined.label, weight: DEFINED_WEIGHT, defined: true },
        ]);
  }
  const englishPhrase = language === "en" ? TYPE_PHRASE_EN.exec(folded)?.[1]?.split(/\s+/) : undefined;
  const phrase =
    englishPhrase?.at(-1) ?? TYPE_WORD.exec(folded)?.[1] ?? KIND_LATER[knownLanguage(language)]?.exec(folded)?.[1];
  const subject = new Map(
    (analysis?.subject ?? []).flatMap(({ word, weight }) =>
      termsIn(word, language, { parts: false }).map((term) => [term, weight] as const),
    ),
  );
  // The kind of thing asked for is a noun: not "happen" in "What happens if…?".
  const [candidate] = phrase ? termsIn(phrase, language, { parts: false }) : [];
  const typeWord = candidate !== undefined && subject.get(candidate) !== 0 ? candidate : undefined;
  // "Which courier services…?": the words before the head say which kind, and a list of the kind need not say them
  // (not in "What flavour of ice cream…?", whose head comes first).
  const kindWords = new Set(
    typeWord && !englishPhrase?.includes("of")
      ? (englishPhrase?.slice(0, -1) ?? []).flatMap((w) => termsIn(w, language, { parts: false }))
      : [],
  );
  const frame = new Set<string>();
  if (typeWord && own.includes(typeWord))
    for (const verb of frameVerbs(language))
      if (terms.get(verb) === 1 && verb !== typeWord) {
        terms.set(verb, FRAME_WEIGHT);
        frame.add(verb);
      }
  return {
    language,
    terms,
    tags,
    own,
    typeWord: typeWord && own.includes(typeWord) ? typeWord : undefined,
    kindWords,
    cueOf,
    related,
    needsDirect: [...terms.keys()].some((term) => !cueOf.has(term)),
    yesNo: isYesNoQuestion(text, language),
    names: [...namesIn(text, language), ...lowerCaseNames(text, language, own, units, analysis)].filter(
      (term, i, all) => own.includes(term) && !cueOf.has(term) && !days.has(term) && all.indexOf(term) === i,
    ),
    context: earlier.terms.filter((term) => !terms.has(term)),
    fresh: borrow ? own.filter((term) => !previous.terms.includes(term) && !cueOf.has(term)) : [],
    frame,
    unrecognised: new Set((analysis?.unrecognised ?? []).flatMap((word) => termsIn(word, language, { parts: false }))),
    manner: new Set((analysis?.manner ?? []).flatMap((word) => termsIn(word, language, { parts: false }))),
    subject,
    proper: termsIn(mainClause(text, language), language),
    known: new Set((analysis?.known ?? []).flatMap((word) => termsIn(word, language, { parts: false }))),
    scene,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Matching the question against the units

type Scorer = {
  idf(term: string): number;
  match(unit: Unit, term: string): number;
  known(term: string): boolean;
  /** Whether another sentence of the unit's section (same passage, same heading) says the term. */
  sectionSays(unit: Unit, term: string): boolean;
};

function scorer(units: Unit[], query: Query): Scorer {
  const documentFrequency = new Map<string, number>();
  for (const unit of units) {
    for (const term of unit.terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    for (const term of unit.headingTerms)
      if (!unit.terms.has(term)) documentFrequency.set(`h:${term}`, (documentFrequency.get(`h:${term}`) ?? 0) + 1);
  }
  const has = (set: Set<string>, term: string) => set.has(term);
  // `labels`: a table row's column labels also say its words, together with its cells ("Tarif: Gold" for "Gold-Tarif").
  const df = (term: string) => documentFrequency.get(term) ?? 0;
  // `text`: what the set's words were read from, where two halves written apart are looked for.
  const relatedIn = (set: Set<string>, term: string, labels?: Set<string>, text?: string) => {
    let best = 0;
    for (const r of query.related.get(term) ?? []) {
      // "weekend" where the knowledge writes "weekend", here or in a passage not given: its halves ("end") are other
      // words ("online" is no "line").
      if (r.halves && (df(term) > 0 || query.known.has(term))) continue;
      if (
        r.terms.every((t) => has(set, t) || labels?.has(t)) &&
        (!labels || r.terms.some((t) => has(set, t))) &&
        (!r.apart || writtenApart(text, r.apart))
      )
        best = Math.max(best, r.weight);
    }
    return best;
  };
  const compounds = COMPOUNDING.has(query.language) ? compoundMatches(units, query) : undefined;
  const clipped = clippedMatches(
    units,
    query,
    (term) => documentFrequency.has(term) || documentFrequency.has(`h:${term}`),
  );
  const relatedDf = (term: string) => {
    let most = 0;
    for (const r of query.related.get(term) ?? [])
      if (r.terms.length === 1 && r.weight >= SAME_WORD_WEIGHT)
        most = Math.max(most, documentFrequency.get(r.terms[0]!) ?? 0);
    return most;
  };
  let sections: Map<Passage, Map<string, Set<string>>> | undefined;
  const sectionTerms = (unit: Unit) => {
    if (!sections) {
      sections = new Map();
      for (const u of units) {
        const byHeading = sections.get(u.passage) ?? new Map<string, Set<string>>();
        sections.set(u.passage, byHeading);
        const terms = byHeading.get(u.nearHeading) ?? new Set<string>();
        byHeading.set(u.nearHeading, terms);
        for (const term of u.terms) terms.add(term);
      }
    }
    return sections.get(unit.passage)?.get(unit.nearHeading);
  };
  return {
    sectionSays: (unit, term) => sectionTerms(unit)?.has(term) ?? false,
    // A term the knowledge never uses weighs most: it is what the question is about and the knowledge is not.
    // A word the knowledge uses only in another form ("abrís" where it says "abrimos" or "abre") is as common as
    // that form, not as rare as a word it never uses.
    idf: (term) => Math.log(1 + units.length / (df(term) || relatedDf(term) || df(`h:${term}`) || 0.5)),
    known: (term) =>
      df(term) > 0 ||
      (/^\d+$/.test(term) && units.some((unit) => inRangeOrBound(unit, Number(term)))) ||
      (compounds?.get(term)?.size ?? 0) > 0 ||
      (clipped.get(term)?.size ?? 0) > 0 ||
      df(`h:${term}`) > 0 ||
      (query.related.get(term) ?? []).some((r) => r.terms.every((t) => df(t) > 0 || df(`h:${t}`) > 0)),
    match(unit, term) {
      if (unit.terms.has(term))
        // "What hours is the helpline staffed?" and "callbacks within 36 hours": the word counting a duration is
        // not the time of day asked for.
        return query.cueOf.get(term) === "§time" && !unit.terms.has("§time") && onlyCounted(unit.text, term)
          ? COUNTED_WEIGHT
          : 1;
      if (/^\d+$/.test(term)) {
        const n = Number(term);
        if (unit.ranges.some(([low, high]) => low <= n && n <= high)) return 1;
        if (unit.bounds.some(([low, high]) => low <= n && n <= high)) return BOUND_WEIGHT;
      }
      const cue = query.cueOf.get(term);
      const viaRelated = relatedIn(unit.terms, term, unit.labelTerms, unit.text);
      const viaCue = cue && unit.terms.has(cue) ? CUE_WEIGHT : 0;
      const best = Math.max(
        viaRelated,
        viaCue,
        compounds?.get(term)?.get(unit) ?? 0,
        clipped.get(term)?.has(unit) ? CLIPPED_WEIGHT : 0,
      );
      if (best > 0) return best;
      // "What plans…?" and a price table's row "Plan: Team": the row names one.
      if (term === query.typeWord && unit.labelTerms.has(term)) return 1;
      if (term === query.typeWord && unit.enumerates) return CUE_WEIGHT;
      if (unit.nearHeadingTerms.has(term) || relatedIn(unit.nearHeadingTerms, term, undefined, unit.nearHeading) > 0)
        return NEAR_HEADING_WEIGHT;
      if (
        unit.headingTerms.has(term) ||
        relatedIn(unit.headingTerms, term, undefined, unit.passage.heading) > 0 ||
        (cue && unit.headingTerms.has(cue))
      )
        return HEADING_ONLY_WEIGHT;
      return 0;
    },
  };
}

/** Whether a text writes two halves apart ("any time", "check-up"), given as "any time". */
function writtenApart(text: string | undefined, apart: string): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return lower.includes(apart) || lower.includes(apart.replace(" ", "-"));
}

/** A clipped word ("appart", "info") matching the word it shortens counts this much. */
const CLIPPED_WEIGHT = 0.6;
/** The shortest clipped word, and how many letters at least it leaves out. */
const CLIPPED_MIN = 4;
const CLIPPED_CUT = 3;
/** From this many letters, a clipped word may leave out a single letter of a stem ("appoi" of "appoint", appointment). */
const CLIPPED_LONG = 5;

/**
 * Question word that no unit says → the units with a word it begins ("appart" → "appartement", "info" →
 * "information"): chat clips long words. Only for a word that is not a word of the passages itself.
 */
function clippedMatches(units: Unit[], query: Query, said: (term: string) => boolean): Map<string, Set<Unit>> {
  const found = new Map<string, Set<Unit>>();
  for (const term of query.terms.keys()) {
    if (term.length < CLIPPED_MIN || term.startsWith("§") || /\d/.test(term) || said(term)) continue;
    if ((query.related.get(term) ?? []).length > 0) continue;
    // "dept" for department: a slip no dictionary knows may also be a word written without some of its letters.
    const abbreviation = query.unrecognised.has(term);
    const matched = new Set<Unit>();
    for (const unit of units)
      for (const word of unit.terms)
        if (
          (word.length >= term.length + (term.length >= CLIPPED_LONG ? 1 : CLIPPED_CUT) && word.startsWith(term)) ||
          (abbreviation &&
            word.length >= term.length + 2 &&
            word.startsWith(term.slice(0, 2)) &&
            isSubsequence(term, word))
        ) {
          matched.add(unit);
          break;
        }
    if (matched.size > 0) found.set(term, matched);
  }
  return found;
}

/** A compound of the knowledge whose last part is the question's word ("Regenschirm" for "Schirm"). */
const COMPOUND_HEAD_WEIGHT = 0.7;
/** The question's compound whose last part is a word of the knowledge ("Mietvertrag" for "Vertrag"). */
const COMPOUND_PART_WEIGHT = 0.5;
/** The shortest word, and the shortest rest of a compound, that counts as a part of one. */
const COMPOUND_MIN = 4;

/**
 * Question word → the units that hold it as the last part of a compound, or whose word is the last part of the
 * question's compound, with the weight of the match. A compound names a kind of its last part: a
 * "Regenschirm" is a "Schirm", a "Mietvertrag" a "Vertrag".
 */
function compoundMatches(units: Unit[], query: Query): Map<string, Map<Unit, number>> {
  const found = new Map<string, Map<Unit, number>>();
  // A day's name is no kind of its last part: "Mittwoch" is no "Woche", "Sonntag" no "Tag".
  const days = dayGroups(query.language).own;
  for (const term of query.terms.keys()) {
    if (term.length < COMPOUND_MIN || term.startsWith("§") || /\d/.test(term)) continue;
    const matched = new Map<Unit, number>();
    for (const unit of units) {
      let weight = 0;
      for (const word of unit.terms) {
        if (days.has(word)) continue;
        if (word.length >= term.length + COMPOUND_MIN && word.endsWith(term)) weight = COMPOUND_HEAD_WEIGHT;
        else if (
          weight === 0 &&
          word.length >= COMPOUND_MIN &&
          term.length >= word.length + COMPOUND_MIN &&
          term.endsWith(word)
        )
          weight = COMPOUND_PART_WEIGHT;
        if (weight === COMPOUND_HEAD_WEIGHT) break;
      }
      if (weight > 0) matched.set(unit, weight);
    }
    if (matched.size > 0) found.set(term, matched);
  }
  return found;
}

/** "ur", "iz": a word of one or two letters the knowledge does not use is chat shorthand, not a subject. */
function isShorthand(term: string): boolean {
  return term.length <= 2 && !/\d/.test(term);
}

/** How much a question word weighs: rarer in the knowledge is more; answer-type words weigh as their type; unknown ones most. */
function termWeight(s: Scorer, query: Query, term: string): number {
  // No address among the passages: a "where" question is answered in other ways ("We ship to Belgium").
  if (term === PLACE) return s.known(term) ? s.idf(term) * PLACE_WEIGHT : 0;
  const cue = query.cueOf.get(term);
  const weight = s.idf(cue ?? term);
  // "Where do I send the form?" after "Is there a discount…?": the earlier turn's kind of value, which this one
  // does not ask for, in a word the knowledge never uses, says nothing about this answer.
  if (cue && (query.terms.get(term) ?? 1) < 1 && !query.tags.has(cue) && !s.known(term)) return 0;
  if (cue || s.known(term)) return weight;
  if (isShorthand(term)) return 0;
  // A word of an earlier turn that the knowledge does not use says nothing about this answer.
  if ((query.terms.get(term) ?? 1) < 1) return 0;
  // "Which regions do you deliver to?" is answered by "the Austria, Poland and Denmark".
  if (term === query.typeWord || query.kindWords.has(term)) return weight * TYPE_WORD_WEIGHT;
  // A slip retrieval could not fix ("libary") says little about what is asked.
  if (query.unrecognised.has(term)) return weight * UNRECOGNISED_WEIGHT;
  // "What do I honestly get…?": an adverb is how the question is put.
  if (query.manner.has(term)) return weight * MANNER_WEIGHT;
  // "And how long does the whole procedure run?": a follow-up that asks for a kind of value about the earlier turn's
  // subject; a word of its own that is mostly not a noun is how it is put.
  if (
    (query.tags.size > 0 || query.own.some((t) => query.cueOf.has(t))) &&
    (query.subject.get(term) ?? 1) < ABOUT_MIN &&
    [...query.terms.keys()].some((t) => !query.own.includes(t))
  )
    return weight * MANNER_WEIGHT;
  // Weighs most when it is what the question is about ("scooters"), less when it is how it is put ("own", "mend").
  return weight * Math.max(GENERAL_WORD_WEIGHT, UNKNOWN_TERM_BOOST * (query.subject.get(term) ?? 1));
}

/**
 * Kinds of value a yes/no question asks about by naming them ("Is there a minimum age…?", "Is there a fee…?"); not
 * days or parts of the day, which a sentence about other days or hours answers ("only on weekdays").
 */
const VALUE_ASKED = new Set<Cue>(["§age", "§money", "§duration", "§limit", "§size", "§phone"]);

/** The share of the question's weight a set of units covers (0..1); a heading counts as `headingCredit`. */
function coverage(
  s: Scorer,
  units: Unit[],
  query: Query,
  headingCredit: number,
  missingValue = MISSING_CUE_FACTOR,
): number {
  const byTags = () => {
    if (query.tags.size === 0) return 0;
    let found = 0;
    for (const tag of query.tags) if (units.some((unit) => unit.terms.has(tag))) found++;
    return found / query.tags.size;
  };
  if (query.terms.size === 0) return byTags();
  let covered = 0;
  let total = 0;
  for (const [term, share] of query.terms) {
    const weight = termWeight(s, query, term) * share;
    if (weight === 0) continue;
    let best = 0;
    for (const unit of units) {
      const match = s.match(unit, term);
      best = Math.max(best, match === HEADING_ONLY_WEIGHT || match === NEAR_HEADING_WEIGHT ? headingCredit : match);
    }
    // A word of the scene the answer does not say may not matter ("I was talking about you with a friend."): it
    // counts for an answer that says it, never against one that does not.
    if (best === 0 && query.scene.has(term)) continue;
    covered += weight * best;
    total += weight;
  }
  // Only chat shorthand ("ur phone number?"): the kind of value asked for is all there is to go by.
  if (total === 0 && [...query.terms.keys()].every((term) => isShorthand(term) && !s.known(term))) return byTags();
  let result = total > 0 ? covered / total : 0;
  for (const tag of query.tags)
    if (!units.some((unit) => hasValue(unit, tag))) result *= tag === "§when" ? MISSING_CUE_FACTOR : missingValue;
  // "Is there a minimum age for the tours?": a yes/no question proper about a kind of value, where neither the word
  // nor a value of its kind is said.
  if (query.yesNo)
    for (const [term, cue] of query.cueOf)
      if (
        VALUE_ASKED.has(cue) &&
        query.own.includes(term) &&
        query.proper.includes(term) &&
        !query.tags.has(cue) &&
        !units.some((unit) => s.match(unit, term) > 0 || hasValue(unit, cue))
      )
        result *= missingValue;
  // "Which ferry goes to the island?": a kind of thing the knowledge never names, and no list of things, is a value of
  // the kind asked for that is missing.
  if (query.typeWord && !s.known(query.typeWord) && !units.some((unit) => unit.item || unit.enumerates))
    result *= missingValue;
  return result;
}

/** Whether a unit speaks to the question: it covers enough of the question's weight, with a real shared word when one is needed. */
function isRelevant(s: Scorer, unit: Unit, query: Query): boolean {
  if (query.terms.size === 0) return [...query.tags].some((tag) => unit.terms.has(tag));
  if (query.needsDirect) {
    // Of the words that weigh something: chat shorthand the knowledge does not use ("ur") is no word to share. A
    // word for a kind of value other than the one asked for is what the question is about ("When can I reach you by
    // phone?" asks for a time).
    const asksOther = (term: string) => query.tags.size > 0 && !query.tags.has(query.cueOf.get(term)!);
    const words = [...query.terms.keys()].filter(
      (term) => (!query.cueOf.has(term) || asksOther(term)) && !(isShorthand(term) && !s.known(term)),
    );
    const direct = words.some((term) => s.match(unit, term) >= HEADING_ONLY_WEIGHT || unit.headingTerms.has(term));
    if (words.length > 0 && !direct) return false;
  }
  // A question about a name the knowledge knows is not answered by a sentence about something else; a sentence
  // of the section that names it speaks of it too ("Our orchard in Kessingland grows… Visits to the orchard are…").
  // A name in the scene around the question is not what it asks about ("We are sailing to Isle X on Sunday. What
  // does your lunch box hold?").
  if (
    query.names.some(
      (name) => !query.scene.has(name) && s.known(name) && s.match(unit, name) === 0 && !s.sectionSays(unit, name),
    ) &&
    !coversEveryOf(unit, query)
  )
    return false;
  return coverage(s, [unit], query, 1) >= MIN_RELEVANCE;
}

/** "members get 15% off": a share that answers "how much off?", but less well than an amount answers "how much?". */
function percentOnly(unit: Unit): boolean {
  return PERCENT.test(unit.text) && !AMOUNT.test(foldAccents(normalise(`${unit.nearHeading} ${unit.text}`)));
}
const PERCENT = /\d\s?%/u;

/** Whether a unit holds a value of the kind, in its text or in its own section heading ("Basic plan — €8 per month"). */
function hasValue(unit: Unit, tag: Cue): boolean {
  return unit.terms.has(tag) || unit.nearHeadingTerms.has(tag);
}

function score(s: Scorer, unit: Unit, query: Query): number {
  let total = 0;
  for (const [term, weight] of query.terms) total += weight * termWeight(s, query, term) * s.match(unit, term);
  // The value may be in the unit's own section heading ("Essential plan — £16.50 per month" above what it includes).
  // "How much is the gift box?": an amount answers it better than "wrapped free of charge" beside the box.
  for (const tag of query.tags)
    if (hasValue(unit, tag))
      total += s.idf(tag) * (tag === "§money" && (unit.freeOnly || percentOnly(unit)) ? FREE_ONLY_FACTOR : 1);
  // "How much…?" is answered by an amount, "how long…?" by a duration: a sentence without one is a poorer answer.
  if (query.tags.size > 0 && ![...query.tags].some((tag) => hasValue(unit, tag))) total *= MISSING_CUE_FACTOR;
  // A word of the scene around the question is not what it is about ("Are you open on Sundays? We'd like to come for
  // a birthday." and a section headed "Birthday cakes").
  const onTopic = [...query.terms.keys()].some(
    (term) => !query.frame.has(term) && !query.scene.has(term) && unit.headingTerms.has(term),
  );
  if (onTopic) total *= HEADING_BOOST;
  if (unit.rank === 0) total *= TOP_PASSAGE_BOOST;
  if (unit.leadIn)
    total *= LEAD_IN_FACTOR; // "We offer four plans:" names the topic; its items hold the facts
  // "What roles…?" and "Team accounts have three roles." (the sentences that name them follow): the list's start.
  else if (announcedCount(unit, query) > 0) total *= ANNOUNCES_BOOST;
  if (aboutOtherDays(unit, query)) total *= OTHER_DAYS_FACTOR;
  return total / (1 + Math.max(0, unit.text.length - 300) / 600); // long units collect terms by sheer size
}

/** A sentence about other days than the one asked ("no service on Sundays" for Thursday's hours) weighs this much less. */
const OTHER_DAYS_FACTOR = 0.5;

/**
 * Whether the question asks what happens on a day and the unit names days, none of them that one nor within a range
 * it states ("Tuesday to Saturday" holds Friday). Not for a yes/no question, which other days' sentences may answer
 * ("Home visits on Tuesdays only" for "…on Mondays?").
 */
function aboutOtherDays(unit: Unit, query: Query): boolean {
  if (query.yesNo) return false;
  const days = dayGroups(query.language).own;
  const asked = [...query.terms.keys()].filter((term) => days.has(term) && (query.terms.get(term) ?? 0) >= 1);
  if (asked.length === 0) return false;
  let named = false;
  for (const term of unit.terms)
    if (days.has(term)) {
      if (asked.includes(term)) return false;
      named = true;
    }
  return named;
}

/** 1 when the question asks "which X" and the unit is a list's item or names several things: the shape of the answer. */
function listsKind(unit: Unit, query: Query): number {
  return query.typeWord && (unit.item || unit.enumerates) ? 1 : 0;
}

/** At most this many sections are listed as an answer. */
const MAX_SECTIONS = 8;

/**
 * The sections whose own heading names the kind a "which X" question asks for ("Clifton clinic" for "Which
 * clinics…?"), in reading order; not a heading above other sections ("Our clinics and opening hours").
 */
function sectionsOfKind(units: Unit[], query: Query): string[] {
  if (!query.typeWord) return [];
  const parents = new Set<string>();
  for (const unit of units)
    for (const segment of unit.passage.heading.split("›").slice(0, -1)) parents.add(segment.trim().toLowerCase());
  const found = new Map<string, string>();
  for (const unit of [...units].sort(compareDocOrder)) {
    const key = unit.nearHeading.toLowerCase();
    if (!unit.nearHeading || found.has(key) || parents.has(key) || !unit.nearHeadingTerms.has(query.typeWord)) continue;
    // A question a FAQ answers ("Do you sell vouchers?") is no thing of the kind.
    if (/\?\s*$/.test(unit.nearHeading)) continue;
    found.set(key, unit.nearHeading);
  }
  return [...found.values()].slice(0, MAX_SECTIONS);
}

/** Whether the reply's units say the section's own words besides the kind ("Clifton" of "Clifton clinic"). */
function namedBy(section: string, units: Unit[], query: Query, language: string): boolean {
  const own = termsIn(section, language).filter((term) => term !== query.typeWord);
  return own.length > 0 && own.every((term) => units.some((unit) => unit.terms.has(term)));
}

/** How many of the earlier question's words a unit or its headings say. */
function inContext(unit: Unit, query: Query): number {
  let found = 0;
  for (const term of query.context) if (unit.terms.has(term) || unit.headingTerms.has(term)) found++;
  return found;
}

function compareDocOrder(a: Unit, b: Unit): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a.docOrder[i] ?? 0) - (b.docOrder[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function nearDuplicate(a: Unit, b: Unit): boolean {
  let shared = 0;
  for (const term of a.terms) if (b.terms.has(term)) shared++;
  return shared / Math.max(1, Math.min(a.terms.size, b.terms.size)) > 0.8;
}

/** Whether a word of the question is said by some of a list's items and not all ("the Gold plan" of the plans). */
function namesAnItem(s: Scorer, units: Unit[], list: string, query: Query): boolean {
  const items = units.filter((unit) => unit.list === list && unit.item);
  return query.own.some((term) => {
    const saying = items.filter((unit) => s.match(unit, term) === 1).length;
    return saying > 0 && saying < items.length;
  });
}

/**
 * Whether the question names this list item in particular ("the Plus plan"), not the list ("your plans"); or the
 * conversation did, for a follow-up ("In which months?" after "Do you have mussels?").
 */
function singlesOut(s: Scorer, units: Unit[], best: Unit, query: Query): boolean {
  if (!best.item || !best.list) return true;
  const siblings = units.filter((unit) => unit.list === best.list && unit !== best && unit.item);
  if (siblings.length === 0) return true;
  return [...query.terms.keys()].some(
    (term) =>
      !query.cueOf.has(term) && s.match(best, term) === 1 && !siblings.some((unit) => s.match(unit, term) === 1),
  );
}

type Selection = { chosen: Unit[]; best?: Unit; shownList?: string; confidence: number };

/** Picks the units that answer: the best one and one or two that add to it, or a whole list when the question asks for it. */
function selectUnits(units: Unit[], query: Query, exclude: Set<string> = new Set(), bySection = true): Selection {
  const s = scorer(units, query);
  const scores = new Map(units.map((unit) => [unit, score(s, unit, query)]));
  const scoreOf = (unit: Unit) => scores.get(unit) ?? 0;
  const ranked = units
    .filter((unit) => !exclude.has(unit.text) && scoreOf(unit) > 0 && isRelevant(s, unit, query))
    // On equal evidence, the unit about what the conversation was about ("How long does the treatment take?" after
    // a question about implants), then for "which X…?" a list's item, then the one that says less besides
    // ("Paella: 18 €" over a menu that lists paella among five dishes and one price for all).
    .sort(
      (a, b) =>
        scoreOf(b) - scoreOf(a) ||
        inContext(b, query) - inContext(a, query) ||
        listsKind(b, query) - listsKind(a, query) ||
        a.terms.size - b.terms.size ||
        compareDocOrder(a, b),
    );
  // "And for kids?" after the price of an e-bike: the follow-up's own word is what it asks about now; a sentence
  // that says only the earlier turn's words answers the earlier question, whatever its score.
  const borrows = [...query.terms.keys()].some((t) => t !== PLACE && !query.frame.has(t) && !query.own.includes(t));
  if (borrows) {
    // Its own words the earlier question did not say, when it has some that say what it is about ("a child's kayak"
    // after a touring kayak: "child", not "kayak").
    const own = query.own.filter((term) => !query.cueOf.has(term) && termWeight(s, query, term) > 0);
    const subjects = query.fresh.filter((term) => own.includes(term) && (query.subject.get(term) ?? 1) >= ABOUT_MIN);
    const fresh = subjects.length > 0 ? subjects : own;
    const says = (unit: Unit) => fresh.some((term) => s.match(unit, term) > 0);
    if (fresh.length > 0 && ranked.some(says)) ranked.sort((a, b) => Number(says(b)) - Number(says(a)));
  }
  const top = ranked[0];
  if (!top) return { chosen: [], confidence: 0 };
  // "What should I bring?" under a section "What to bring" that is a list: the list answers it, though a sentence
  // beside it says other words of the question ("first visit"). A word of the question must be the section's, said
  // by none of its items nor by that sentence, and no word may single out one item ("the Gold plan").
  const sectionWords = query.yesNo ? [] : query.own.filter((term) => !query.cueOf.has(term) && !top.terms.has(term));
  // "Which amenities are there in every room?" under a section "In every room" that is a list: its heading says all
  // the question says besides the kind asked for, so its items are the things of that kind.
  const besidesKind = query.own.filter(
    (term) => term !== query.typeWord && !query.cueOf.has(term) && termWeight(s, query, term) > 0,
  );
  // Or it names the kind itself, under headings that say the rest ("Which soups are on your menu?" and a table
  // under "Menu › Soups").
  const headingSaysAll = (unit: Unit) =>
    !query.yesNo &&
    query.typeWord !== undefined &&
    ((besidesKind.length > 0 && besidesKind.every((t) => unit.nearHeadingTerms.has(t))) ||
      (unit.nearHeadingTerms.has(query.typeWord) && besidesKind.every((t) => unit.headingTerms.has(t))));
  const sectionList =
    top.item || !bySection
      ? undefined
      : ranked.find(
          (unit) =>
            unit.item &&
            unit.list &&
            (sectionWords.some(
              (term) =>
                unit.nearHeadingTerms.has(term) &&
                !units.some((other) => other.list === unit.list && other.terms.has(term)),
            ) ||
              headingSaysAll(unit)) &&
            !namesAnItem(s, units, unit.list, query),
        );
  const best = sectionList ?? top;

  const wholeList = sectionList
    ? sectionList.list
    : best.leadIn
      ? best.list
      : !singlesOut(s, units, best, query)
        ? best.list
        : undefined;
  const chosen = [best];
  let length = best.text.length;
  if (wholeList) {
    for (const unit of units.filter((u) => u.list === wholeList).sort(compareDocOrder)) {
      if (chosen.includes(unit)) continue;
      if (length + unit.text.length + 1 > MAX_LIST_CHARS) break;
      chosen.push(unit);
      length += unit.text.length + 1;
    }
  } else {
    // Sentences from the best sentence's passage read as one answer; others must score clearly higher to join, and
    // add a question word the answer does not cover yet. A list's other items are neighbours, not answers.
    // "Studio accounts have three access levels." announces the sentences that name them: those are the answer,
    // not neighbours.
    const announced = announcedCount(best, query);
    const limit = announced ? 1 : query.yesNo ? MAX_YES_NO_SENTENCES : MAX_SENTENCES;
    // The question's most telling word that the best sentence says: a neighbour that does not say it is about
    // something else ("Sundays" asked; the weekday hours beside "closed on Sundays" are not the answer).
    const key = query.own
      .filter((term) => (!query.cueOf.has(term) || best.terms.has(term)) && s.match(best, term) >= CUE_WEIGHT)
      .sort((a, b) => termWeight(s, query, b) - termWeight(s, query, a))[0];
    const effective = (unit: Unit) => scoreOf(unit) * (unit.passage === best.passage ? 1 : OTHER_PASSAGE_FACTOR);
    // The best unit is about what the question names only through its section's heading ("Basic membership — $29"
    // above "Two guest passes a year"): a sentence of another section is about something else.
    const bySection = [...query.terms.keys()].some(
      (term) => !query.cueOf.has(term) && best.nearHeadingTerms.has(term) && !best.terms.has(term),
    );
    for (const unit of ranked.slice(1).sort((a, b) => effective(b) - effective(a) || compareDocOrder(a, b))) {
      if (chosen.length >= limit || effective(unit) < scoreOf(best) * CLOSE_SCORE) break;
      if (length + unit.text.length + 1 > MAX_REPLY_CHARS || chosen.some((other) => nearDuplicate(other, unit)))
        continue;
      if (unit.leadIn || (unit.item && unit.list && chosen.some((other) => other.list === unit.list) && !unit.ordered))
        continue;
      if (unit.passage !== best.passage && !addsCoverage(s, chosen, unit, query)) continue;
      // Relevant only through its section's mention of a name the answer itself says: a neighbour, not the answer.
      if (query.names.some((name) => s.match(best, name) > 0 && s.match(unit, name) === 0)) continue;
      if (bySection && unit.nearHeading !== best.nearHeading) continue;
      if (key && s.match(unit, key) < CUE_WEIGHT && !addsCoverage(s, chosen, unit, query)) continue;
      // The same kind of value for something else ("Basic: $9" beside "Plus: $49", the weekday hours beside Sunday's).
      if (key && s.match(unit, key) < CUE_WEIGHT && sameKindOfValue(unit, best)) continue;
      chosen.push(unit);
      length += unit.text.length + 1;
    }
    // "How can I pay?" under a section "Paying": the question names the section's subject and nothing else, so the
    // section's other sentences answer it too, though they do not say the word ("Memberships are collected by direct
    // debit"). Not when a kind of value is asked for (the time of breakfast, not what it costs), nor for yes or no.
    const valueAsked = query.tags.size > 0 || query.cueOf.size > 0;
    const asksForSection =
      !query.yesNo &&
      !valueAsked &&
      query.own.some((term) => best.nearHeadingTerms.has(term)) &&
      query.own.every((term) => best.nearHeadingTerms.has(term) || termWeight(s, query, term) === 0);
    if (asksForSection)
      for (const unit of units
        .filter((u) => u.passage === best.passage && u.nearHeading === best.nearHeading)
        .sort(compareDocOrder)) {
        if (chosen.length >= limit || length + unit.text.length + 1 > MAX_REPLY_CHARS) break;
        if (chosen.includes(unit) || unit.terms.size === 0 || unit.leadIn || unit.item) continue;
        if (chosen.some((other) => nearDuplicate(other, unit)) || exclude.has(unit.text)) continue;
        chosen.push(unit);
        length += unit.text.length + 1;
      }
    if (announced)
      for (const unit of following(units, best, announced)) {
        if (chosen.includes(unit) || length + unit.text.length + 1 > MAX_LIST_CHARS) break;
        chosen.push(unit);
        length += unit.text.length + 1;
      }
    // "Tras ese plazo…" needs the sentence it points back to; "At the counter you can also pay in cash", asked what
    // there is, the things the sentence before names ("We accept Visa, Mastercard and Maestro.").
    // "We don't take American Express." is the exception to the sentence before it ("We accept cash, Visa and
    // Mastercard."): asked how, or what, the rule comes with it.
    for (const unit of [...chosen]) {
      const exception = !query.yesNo && opensNegated(unit.text, query.language);
      const previous =
        unit.anaphoric || (unit.additive && !query.yesNo) || exception ? following(units, unit, -1)[0] : undefined;
      const before =
        unit.anaphoric ||
        previous?.enumeratesNames ||
        (exception && previous && !opensNegated(previous.text, query.language) && sharesWord(previous, unit))
          ? previous
          : undefined;
      if (before && !chosen.includes(before) && length + before.text.length + 1 <= MAX_LIST_CHARS) {
        chosen.push(before);
        length += before.text.length + 1;
      }
    }
    // A numbered step is useless alone: show all the steps.
    const steps = chosen.find((unit) => unit.ordered && unit.list)?.list;
    if (steps)
      for (const unit of units.filter((u) => u.list === steps).sort(compareDocOrder)) {
        if (chosen.includes(unit)) continue;
        if (length + unit.text.length + 1 > MAX_LIST_CHARS) break;
        chosen.push(unit);
        length += unit.text.length + 1;
      }
  }
  const shownList = wholeList ?? chosen.find((unit) => unit.ordered && unit.list)?.list;
  const selection = {
    chosen: chosen.sort(compareDocOrder),
    best,
    shownList,
    // A list chosen because its heading says all the question says besides the kind: its items are of that kind.
    confidence: coverage(
      s,
      chosen,
      sectionList && headingSaysAll(sectionList)
        ? { ...query, terms: new Map([...query.terms].filter(([term]) => term !== query.typeWord)) }
        : query,
      HEADING_CONFIDENCE,
      MISSING_VALUE_CONFIDENCE,
    ),
  };
  // The section's list answers too little of the question to be said, and the best sentence enough: the sentence is
  // the answer.
  if (sectionList && selection.confidence < ABSTAIN_BELOW) {
    const plain = selectUnits(units, query, exclude, false);
    if (plain.confidence >= ABSTAIN_BELOW) return plain;
  }
  return selection;
}

const VALUE_KINDS: Cue[] = [
  "§money",
  "§time",
  "§duration",
  "§weekday",
  "§weekend",
  "§month",
  "§age",
  "§size",
  "§distance",
];
function sameKindOfValue(a: Unit, b: Unit): boolean {
  return VALUE_KINDS.some((kind) => a.terms.has(kind) && b.terms.has(kind));
}

/**
 * The units of the same passage and paragraph after `unit` (`count` of them), or the one before it (`count` = -1):
 * sentences of one paragraph, not list items or another section.
 */
function following(units: Unit[], unit: Unit, count: number): Unit[] {
  const siblings = units
    .filter((u) => u.passage === unit.passage && !u.item && u.nearHeading === unit.nearHeading)
    .sort(compareDocOrder);
  const at = siblings.indexOf(unit);
  if (count < 0) {
    const before = siblings[at - 1];
    return before && before.docOrder[2] === unit.docOrder[2] - 1 ? [before] : [];
  }
  const out: Unit[] = [];
  for (let i = at + 1; i < siblings.length && out.length < count; i++) {
    if (siblings[i]!.docOrder[2] !== siblings[i - 1]!.docOrder[2] + 1) break;
    out.push(siblings[i]!);
  }
  return out;
}

const COUNT_WORDS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  sept: 7,
  huit: 8,
  zwei: 2,
  drei: 3,
  vier: 4,
  funf: 5,
  sechs: 6,
  sieben: 7,
  acht: 8,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
};

/**
 * How many things a sentence announces that the question asks for ("three access levels" for "What roles…?"), when it
 * names none of them itself: the sentences after it name them.
 */
function announcedCount(unit: Unit, query: Query): number {
  if (!query.typeWord || unit.enumerates || unit.item) return 0;
  const words = tokens(foldAccents(unit.text));
  for (let i = 0; i + 1 < words.length; i++) {
    const n = /^\d+$/.test(words[i]!) ? Number(words[i]) : COUNT_WORDS[words[i]!];
    if (!n || n < 2 || n > 8) continue;
    // The counted noun, within the next three words ("three access levels", "four paid plans", "three kinds of access").
    if (words.slice(i + 1, i + 4).some((w) => termsIn(w, query.language).includes(query.typeWord!))) return n;
  }
  return 0;
}

function addsCoverage(s: Scorer, chosen: Unit[], unit: Unit, query: Query): boolean {
  for (const term of query.own) {
    const have = Math.max(...chosen.map((other) => s.match(other, term)));
    if (s.match(unit, term) > have && s.match(unit, term) >= CUE_WEIGHT) return true;
  }
  return false;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2)).replace(/[\s,;:.]+$/, "")}…`;
}

/** Joins the units; a lead-in keeps its colon only when the list it introduces is shown after it. */
function composeReply(chosen: Unit[], shownList: string | undefined, query: Query): string {
  const parts = chosen.map((unit) =>
    unit.text.endsWith(":") && !(unit.leadIn && unit.list === shownList)
      ? `${unit.text.slice(0, -1)}.`
      : askedItem(askedColumns(unit, query), query),
  );
  return truncate(parts.join(" "), shownList ? MAX_LIST_CHARS : MAX_REPLY_CHARS);
}

/** Between the items of a list in a sentence: a comma, "and", "or" (per language). */
const ITEM_SEPARATOR = /,\s+(?:(?:and|or|y|o|e|et|ou|und|oder|en|of)\s+)?|\s+(?:and|or|y|o|e|et|ou|und|oder|en|of)\s+/u;

/**
 * A sentence that gives a value of the kind asked for to each of several things ("Starter is then $182 a year, Team
 * $470 a year and Business $1,238 a year") cut to the one the question singles out: the item that alone says a word
 * of the question. The words before a colon stay ("Paying yearly saves 20%: Starter is then $182 a year.").
 */
function askedItem(text: string, query: Query): string {
  // The kind of value asked for, by phrase ("how much") or by word ("What does it cost…?").
  const asked = new Set<Cue>([...query.tags, ...query.cueOf.values()]);
  if (query.yesNo || asked.size === 0) return text;
  const colon = text.search(/:\s/);
  const head = colon >= 0 ? text.slice(0, colon + 2) : "";
  const body = (colon >= 0 ? text.slice(colon + 2) : text).replace(/[.!]\s*$/u, "");
  const items = body.split(ITEM_SEPARATOR);
  // Each item gives such a value: for a time, a number ("Open Tuesday to Saturday, 13:00 to 16:00 for lunch and…"
  // is the days and their hours, not three times).
  const gives = (item: string) =>
    [...cuesIn(item)].some((cue) => asked.has(cue)) && (!asked.has("§time") || /\d/.test(item));
  if (items.length < 3 || !items.every(gives)) return text;
  const termsOf = items.map((item) => new Set(termsIn(item, query.language)));
  const singledBy = (words: Iterable<string>) => {
    const singled = new Set<number>();
    for (const term of words) {
      const holders = termsOf.flatMap((terms, i) => (terms.has(term) ? [i] : []));
      if (holders.length === 1) singled.add(holders[0]!);
    }
    return singled;
  };
  // Else a follow-up's earlier turn may name it ("How much is Silver?", then "And if I book a year ahead?").
  let singled = singledBy(query.own);
  if (singled.size === 0) singled = singledBy([...query.terms.keys()].filter((term) => !query.own.includes(term)));
  if (singled.size !== 1) return text;
  const item = items[[...singled][0]!]!;
  return `${head}${head ? item : upperFirst(item)}.`;
}

/**
 * A table row cut to what the question asks for: its first cell (what the row is about) and the columns whose
 * label says something the question says and the other columns' labels do not ("high season" of "Low season |
 * Mid season | High season"). The whole row when the question picks out no column, or all of them, or when the
 * columns it picks hold no value of the kind it asks for.
 */
function askedColumns(unit: Unit, query: Query): string {
  const [first, ...values] = unit.columns ?? [];
  if (!first || values.length < 2) return unit.text;
  // A word of the row's own name ("Gold" in "Plan: Gold") says which row, not which column ("Gold members").
  const named = new Set(termsIn(first.cell, query.language));
  const terms = [...query.terms.keys()].filter((term) => !named.has(term));
  // Or by a label the knowledge defines by the question's word ("Low season" for November, DEFINED_WEIGHT).
  const says = (column: { terms: Set<string> }, term: string) =>
    column.terms.has(term) ||
    (query.related.get(term) ?? []).some((r) => r.defined && r.terms.every((t) => column.terms.has(t)));
  const asked = values.filter((column) =>
    terms.some((term) => says(column, term) && !values.every((other) => says(other, term))),
  );
  if (asked.length === 0 || asked.length === values.length) return unit.text;
  if (query.tags.size > 0 && !asked.some((column) => [...cuesIn(column.cell)].some((cue) => query.tags.has(cue))))
    return unit.text;
  return tidy([first, ...asked].map(({ label, cell }) => (label ? `${label}: ${cell}` : cell)).join("; "));
}

// ---------------------------------------------------------------------------------------------------------------
// Yes or no first

/** Words that say a thing is not so, per language (folded, lowercase). */
const NEGATIONS: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:not|never|cannot|none|neither|nor|unavailable|closed|no longer|excluded|exclude|excludes)(?![\p{L}])|n't(?![\p{L}])|(?<![\p{L}])no(?!\s+(?:extra|additional|later|more|less|longer|fewer|matter|problem|charge|cost)(?![\p{L}]))(?![\p{L}-])/u,
  fr: /(?<![\p{L}])(?:ne|n'|jamais|aucune|ni|ferme|fermes|fermee|fermees|fermons|ferment|indisponible|exclu|exclue|exclus|exclues|exclut|excluent|(?:pas|aucun)(?!\s+(?:de\s+)?(?:souci|soucis|probleme|problemes)(?![\p{L}])))(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:nicht|kein(?!\s+problem(?![\p{L}]))|keine|keinen|keinem|keiner|nie|niemals|geschlossen|nein|ausgenommen|ausgeschlossen|exklusive)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:no(?!\s+hay\s+problema(?![\p{L}]))|nunca|ningun(?!\s+problema(?![\p{L}]))|ninguna|ninguno|ni|cerrado|cerrada|cerrados|cerradas|cerramos|cierra|cierran|jamas|excluido|excluida|excluidos|excluidas|excluye|excluyen)(?![\p{L}])/u,
  it: /(?<![\p{L}])(?:non|mai|nessun|nessuna|chiuso|chiusa|escluso|esclusa|esclusi|escluse|esclude|escludono)(?![\p{L}])/u,
  pt: /(?<![\p{L}])(?:nao|nunca|nenhum|nenhuma|fechado|fechada|excluido|excluida|exclui|excluem)(?![\p{L}])/u,
  nl: /(?<![\p{L}])(?:niet|geen|nooit|gesloten|uitgesloten)(?![\p{L}])/u,
};
/** How many words into a sentence a negation says the sentence as a whole is denied ("We do not lend…"). */
const OPENING_NEGATION_WORDS = 4;

/** Whether a sentence opens by denying ("No admitimos…", "We don't take…", "Wir nehmen keine…"). */
function opensNegated(text: string, language: string): boolean {
  const negation = NEGATIONS[knownLanguage(language)];
  const opening =
    foldAccents(normalise(text))
      .match(/[\p{L}\d']+/gu)
      ?.slice(0, OPENING_NEGATION_WORDS) ?? [];
  return negation !== undefined && negation.test(opening.join(" "));
}

/** Whether two units share a word (not a kind of value). */
function sharesWord(a: Unit, b: Unit): boolean {
  return [...a.terms].some((term) => !term.startsWith("§") && b.terms.has(term));
}

/** "Only on weekday mornings": a restriction that answers no when the question asks about something it leaves out. */
const ONLY: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:only|exclusively)(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:seulement|uniquement|exclusivement)(?![\p{L}])|(?<![\p{L}])ne\b.*\bque(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:nur|ausschließlich|ausschliesslich)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:solo|solamente|unicamente|exclusivamente)(?![\p{L}])/u,
  it: /(?<![\p{L}])(?:solo|soltanto|solamente)(?![\p{L}])/u,
  pt: /(?<![\p{L}])(?:so|apenas|somente)(?![\p{L}])/u,
  nl: /(?<![\p{L}])(?:alleen|uitsluitend)(?![\p{L}])/u,
};

/**
 * "yes" or "no" when the passage decides it, with the sentence that decides it (to say first); undefined when
 * it does not decide ("Are you open on Sundays?" is decided by "We are closed on Sundays", not by the weekday hours).
 */
function decideYesNo(
  s: Scorer,
  selection: Selection,
  query: Query,
  message: string,
): { decision: "yes" | "no"; lead?: Unit } | undefined {
  const { chosen, best } = selection;
  if (!best) return undefined;
  const language = query.language;
  const fold = (text: string) => foldAccents(normalise(text));
  const negation = NEGATIONS[language] ?? NEGATIONS.en!;
  const questionProper = mainClause(message, language);
  const askedNegatively = negation.test(fold(questionProper));
  const own = query.own;
  // Said in the sentence, or by the heading of its own section ("SDKs" above "Client libraries exist for Python").
  // A name is said of every thing of its kind too ("Two-factor authentication is available on every plan"), as is a
  // word that qualifies the thing ("the basic plan"); and by every sentence of the section that names it
  // ("FlexiStep insoles are… A second fitting is included in the price.").
  const questionWords = wordTerms(message, language);
  const every = new Map<Unit, Set<string>>();
  const everyIn = (unit: Unit) => every.get(unit) ?? every.set(unit, everyOf(unit, query)).get(unit)!;
  const covers = (unit: Unit, term: string) =>
    s.match(unit, term) >= NEAR_HEADING_WEIGHT ||
    (query.names.includes(term) && (everyIn(unit).size > 0 || s.sectionSays(unit, term))) ||
    qualifiesEvery(everyIn(unit), questionWords, term, language);
  const uncovered = own.filter((term) => !chosen.some((unit) => covers(unit, term)));
  if (!askedNegatively) {
    // A negation in the sentence most about the question ("Opened bags cannot be refunded"), or in one that
    // covers what the best sentence leaves out ("closed on Sundays" beside the weekday hours); near a word of the
    // question, since "no card required" says nothing against "Is there a trial?".
    if (negatesQuestion(s, best, query, negation)) return { decision: "no", lead: best };
    for (const unit of chosen)
      if (negatesQuestion(s, unit, query, negation) && own.some((term) => covers(unit, term) && !covers(best, term)))
        return { decision: "no", lead: unit };
  }
  const only = ONLY[language] ?? ONLY.en!;
  const restricting = chosen.find((unit) => only.test(fold(unit.text)));
  // What the restriction leaves out must be what is asked, or a scene the knowledge speaks of ("I'm on the Basic
  // plan."), not a scene it never mentions ("My father broke his wrist skiing. Do you do home visits?" and "home
  // visits on weekdays only").
  const leftOut = (term: string) => !query.scene.has(term) || query.known.has(term) || s.known(term);
  if (restricting && uncovered.some(leftOut)) return { decision: "no", lead: restricting };
  // "Do you have a dentist who speaks French?" against "Besides English, our team speaks Polish, Tamil and Spanish.":
  // the one thing the answer lacks is a name, where a sentence that says the rest lists the names of its kind.
  if (!askedNegatively && uncovered.length === 1 && query.names.includes(uncovered[0]!)) {
    const rest = own.filter((term) => term !== uncovered[0]);
    const lister = chosen.find((unit) => unit.enumeratesNames && rest.every((term) => covers(unit, term)));
    if (lister) return { decision: "no", lead: lister };
  }
  const outside = !askedNegatively ? outsideBound(chosen, query, fold(message)) : undefined;
  if (outside) return { decision: "no", lead: outside };
  // "Can I come at 8pm on a Saturday?" and "…, Saturday 10:00 to 17:00": a time outside the hours stated for the day.
  const closed = !askedNegatively ? outsideHours(chosen, query, fold(message)) : undefined;
  if (closed) return { decision: "no", lead: closed };
  // "Can I do the tour in December?" and "The tour runs from April to October.": a month outside the months it lasts.
  const { name: monthName } = monthPatterns(language);
  const asked =
    !askedNegatively && monthName ? new Set([...fold(message).matchAll(monthName)].map((m) => m[1]!)) : undefined;
  if (asked?.size === 1) {
    const month = monthIndex(language).get([...asked][0]!)!;
    const seasonal = chosen.find((unit) => {
      const ranges = monthRangesIn(fold(unit.text), language);
      return ranges.length > 0 && ranges.every((range) => !inMonthRange(month, range));
    });
    if (seasonal) return { decision: "no", lead: seasonal };
  }
  // "I'm allergic to sesame, can I have the falafel wrap?" and "The falafel wrap comes with sesame sauce.".
  const allergen = !askedNegatively ? containsAllergen(s, chosen, query, message, negation) : undefined;
  if (allergen) return { decision: "no", lead: allergen };
  // Yes only from a sentence that says all of it: "no passport or visa is needed" and "We sell tours" do not
  // together say "yes" to "Do you sell visas?".
  const whole = chosen.find((unit) => own.every((term) => covers(unit, term)));
  if (uncovered.length === 0 && own.length > 0 && whole) return { decision: "yes", lead: whole };
  // Or from one that says all of what it is about when only how it is put is missing ("Can I bring my dog to the
  // garden?" and "Dogs are welcome in the garden."): two subject words or more, and no negation.
  // Mostly a noun: "entire" in "my entire order history" (one noun sense of five) is how the thing is put, not it.
  const isAbout = (term: string) => (query.subject.get(term) ?? 1) >= ABOUT_MIN;
  const about = own.filter(isAbout);
  const sayer =
    about.length >= 2 && !askedNegatively
      ? chosen.find((unit) => about.every((term) => covers(unit, term)) && !negation.test(fold(unit.text)))
      : undefined;
  if (sayer) return { decision: "yes", lead: sayer };
  // Or from one that says all of the question proper, when the rest sets the scene ("If I bought my jacket from you,
  // will you replace a broken zip for free?" and "A broken zip is replaced for free when the jacket was bought from
  // us."), and alone it covers as much of the whole question as an answer must (the scene may be long).
  // Of it, the words that say what it is about when it has some: a verb ("valen", "works") is how it is put.
  const clause = askedNegatively ? [] : termsIn(questionProper, language).filter((t) => own.includes(t));
  const main = clause.some(isAbout) ? clause.filter(isAbout) : clause;
  // The scene matters when the knowledge speaks of it elsewhere than in the passages given ("We come with a toddler.
  // Can we book the loft room?" where another page says the loft is up a ladder): no yes then.
  const scene = own.filter(
    (term) => !clause.includes(term) && query.known.has(term) && !s.known(term) && query.subject.get(term) !== 0,
  );
  // "…I only pay by postal order. Can I pay for my order that way?": a question proper that asks about a way the scene
  // says asks about the scene too, so it alone decides nothing.
  const pointsBack = THAT_WAY[knownLanguage(language)]?.test(fold(questionProper)) ?? false;
  const proper =
    main.length > 0 && main.length < own.length && !pointsBack
      ? chosen.find(
          (unit) =>
            main.every((term) => covers(unit, term)) &&
            scene.every((term) => covers(unit, term)) &&
            !negation.test(fold(unit.text)) &&
            coverage(s, [unit], query, HEADING_CONFIDENCE, MISSING_VALUE_CONFIDENCE) >= ABSTAIN_BELOW,
        )
      : undefined;
  if (proper) return { decision: "yes", lead: proper };
  return undefined;
}

/** A third person's pronoun, which points back to what a sentence before the question named, per language (folded). */
const POINTING_PRONOUN: Record<string, RegExp> = {
  en: /(?<![\p{L}'])(?:he|she|they|him|her|them)(?![\p{L}'])/u,
  fr: /(?<![\p{L}])(?:il|elle|ils|elles)(?![\p{L}'])(?!\s+(?:y|faut|est\s+possible)(?![\p{L}]))/u,
  de: /(?<![\p{L}])(?:er|ihn|ihm)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:el|ella|ellos|ellas)(?![\p{L}])(?=\s+(?:puede|pueden|podra|podran|va|van|esta|estan|tiene|tienen|necesita|necesitan))/u,
};

/** A word at least this much a noun (subject weight, lib/knowledge/wordnet.ts) says what a yes/no question is about. */
const ABOUT_MIN = 0.5;

/** Words that open a clause setting the scene, before or after the question proper ("If my bike breaks down, …"). */
const CONDITION: Record<string, string> = {
  en: "if|when|while",
  fr: "si|quand(?!\\s+m[eê]me(?![\\p{L}]))|lorsque", // "quand même" is "anyway"
  es: "si|cuando",
  de: "wenn|falls",
  it: "se|quando",
  pt: "se|quando",
};

/**
 * A message's sentences (those with a letter), and the last one that asks (ends in or holds a "?"). A clause that
 * states joins one that asks with a comma, a dash or a colon ("My mum is housebound, do you do home visits?", "Somos
 * seis, ¿tenéis…?", "On arrive tard : la réception est ouverte ?"):
 * the asking clause is a sentence of its own, unless the clause before is a condition ("If it rains, do you…?") or
 * itself asks.
 */
function sentencesOf(text: string, language: string): { sentences: string[]; asking?: string } {
  const sentences = text
    .split(/(?<=[.!?])\s+(?=\S)/)
    .flatMap((sentence) => splitAskingClause(sentence, language))
    .filter((part) => /\p{L}/u.test(part));
  return { sentences, asking: sentences.findLast((sentence) => sentence.includes("?")) };
}

/** A clause that opens with a condition word ("If…", "Si…", "Wenn…"), per language. */
const conditionStart = memoize((code: string): RegExp | undefined => {
  const condition = CONDITION[code];
  return condition ? new RegExp(`^[¿¡\\s]*(?:${condition})(?![\\p{L}])`, "iu") : undefined;
});

function splitAskingClause(sentence: string, language: string): string[] {
  if (!sentence.includes("?")) return [sentence];
  const code = knownLanguage(language);
  const startsCondition = conditionStart(code);
  const asks = (clause: string) => {
    const plain = normalise(clause).replace(/^[\s¿¡"'«]+/, "");
    return YES_NO_START[code]?.test(plain) || whStart(code).test(plain);
  };
  for (const match of [...sentence.matchAll(/,\s+(?=\S)|\s(?=¿)|\s[-–—]\s+(?=\S)|\s?:\s+(?=\S)/g)].reverse()) {
    const before = sentence.slice(0, match.index).trim();
    const after = sentence.slice(match.index! + match[0].length).trim();
    // A clause that itself asks is no scene ("Will I see the same dentist, or does it change?").
    if (!/\p{L}/u.test(before) || startsCondition?.test(normalise(before)) || asks(before)) continue;
    if (after.startsWith("¿") || asks(after)) return [before, after];
  }
  return [sentence];
}

/** The question proper: the sentence that asks (else the last), from its opening "¿", without a clause of condition before or after it. */
function mainClause(message: string, language: string): string {
  const text = normalise(message).trim();
  // The sentence that asks, wherever it stands ("Can you keep our bags? Our train leaves at six."); else the last.
  const { sentences, asking } = sentencesOf(text, language);
  let last = asking ?? sentences.at(-1) ?? text;
  // Spanish opens the question proper with "¿": what comes before it sets the scene ("Somos seis, ¿tenéis una mesa grande?").
  const opening = last.lastIndexOf("¿");
  if (opening > 0) last = last.slice(opening);
  const condition = CONDITION[knownLanguage(language)];
  if (condition) {
    last = last.replace(new RegExp(`^[¿¡\\s]*(?:${condition})(?![\\p{L}])[^,]*,\\s*`, "iu"), "");
    last = last.replace(new RegExp(`\\s(?:${condition})(?![\\p{L}]).*$`, "iu"), "");
  }
  return last;
}

/** Words that say one must not eat something, per language (folded). */
const ALLERGY: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:allergic|allergy|allergies|intolerant|intolerance)(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:allergique|allergiques|allergie|allergies|intolerant|intolerante|intolerance)(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:allergisch|allergie|allergien|allergiker|allergikerin|unvertraglichkeit)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:alergico|alergica|alergicos|alergicas|alergia|alergias|intolerante|intolerancia)(?![\p{L}])/u,
  it: /(?<![\p{L}])(?:allergico|allergica|allergici|allergia|allergie|intollerante|intolleranza)(?![\p{L}])/u,
  pt: /(?<![\p{L}])(?:alergico|alergica|alergia|alergias|intolerante|intolerancia)(?![\p{L}])/u,
};
/** Words beside a food's name that say it is left out ("gluten-free", "sin gluten", "ohne Nüsse"), per language. */
const WITHOUT = /(?<![\p{L}])(?:without|free|no|sans|sin|ohne|frei|senza|sem|libre|exempt|exempte)(?![\p{L}])/u;

/**
 * "Soy alérgico a los frutos secos, ¿puedo tomar la tarta de almendra?" and "La tarta de almendra lleva frutos
 * secos.": the question names what the customer must not eat (the words of its clause with the allergy word), and a
 * sentence that says what the question proper asks about names it too, not as left out. The sentence, if any.
 */
function containsAllergen(
  s: Scorer,
  chosen: Unit[],
  query: Query,
  message: string,
  negation: RegExp,
): Unit | undefined {
  const allergy = ALLERGY[knownLanguage(query.language)];
  const folded = foldAccents(normalise(message));
  if (!allergy?.test(folded)) return undefined;
  const clause = folded.split(/[,;:.!?¿()]|\s[-–—]\s/).find((part) => allergy.test(part)) ?? "";
  const allergyWord = new Set(termsIn(clause.match(allergy)?.[0] ?? "", query.language));
  const allergens = termsIn(clause, query.language).filter((t) => !allergyWord.has(t) && query.terms.has(t));
  const item = termsIn(mainClause(message, query.language), query.language).filter(
    (t) => query.own.includes(t) && !allergens.includes(t) && !allergyWord.has(t) && query.subject.get(t) !== 0,
  );
  if (allergens.length === 0 || item.length === 0) return undefined;
  return chosen.find((unit) => {
    if (!item.every((t) => s.match(unit, t) >= NEAR_HEADING_WEIGHT)) return false;
    const text = foldAccents(normalise(unit.text));
    if (negation.test(text)) return false;
    const words = text.match(/[\p{L}\d]+/gu) ?? [];
    return words.some((word, i) => {
      const [term] = termsIn(word, query.language, { parts: false });
      if (!term || !allergens.includes(term)) return false;
      const near = words.slice(Math.max(0, i - 2), i + 2).join(" ");
      return !WITHOUT.test(near);
    });
  });
}

/** A clock time: "6pm", "6:30 p.m.", "18:00", "18h", "18 h 30", "18 Uhr" (a bare number is none). */
const CLOCK = String.raw`(?<![\d.,:])(\d{1,2})(?:(?::|\s?h\s?)(\d{2}))?\s?(am|pm|a\.m\.|p\.m\.|h|uhr)?(?![\d\p{L}])`;
/** Hours stated as a range: "8:00 to 18:00", "de 13:00 a 16:00", "9h-18h", "von 9 bis 18 Uhr". */
const CLOCK_RANGE = new RegExp(`${CLOCK}\\s*(?:-|–|—|to|until|till|a|à|au|bis|hasta)\\s*${CLOCK}`, "gu");

/** Minutes after midnight of a CLOCK match's parts; undefined when nothing marks it as a time. */
function clockMinutes(hour: string, minutes: string | undefined, mark: string | undefined): number | undefined {
  if (minutes === undefined && mark === undefined) return undefined;
  let h = Number(hour);
  const m = minutes === undefined ? 0 : Number(minutes);
  if (h > 24 || m > 59) return undefined;
  if (mark?.startsWith("p") && h < 12) h += 12;
  if (mark?.startsWith("a") && h === 12) h = 0;
  return h * 60 + m;
}

/**
 * "Is the shop open until 7pm on Saturdays?" and "Open Monday to Friday 9:00 to 19:00, Saturday 9:00 to 17:00": the
 * question's one clock time lies outside every range of hours a unit states for the day asked (the hours that follow
 * the day's name, or a range of days holding it), or for any day when the question names none. The unit, if any.
 */
function outsideHours(chosen: Unit[], query: Query, folded: string): Unit | undefined {
  const asked = [...folded.matchAll(new RegExp(CLOCK, "gu"))]
    .map((m) => clockMinutes(m[1]!, m[2], m[3]))
    .filter((t) => t !== undefined);
  if (asked.length !== 1) return undefined;
  const time = asked[0]!;
  const names = DAY_NAMES[knownLanguage(query.language)];
  if (!names) return undefined;
  const dayIndex = (word: string) => names.findIndex((name) => word === name || word === `${name}s`);
  const askedDays = new Set((folded.match(/\p{L}+/gu) ?? []).map(dayIndex).filter((i) => i >= 0));
  const dayPattern = new RegExp(
    `(?<![\\p{L}])(${names.join("|")})s?(?:\\s*(?:-|–|—|to|until|till|through|thru|a|à|au|al|jusqu'au|bis|hasta)\\s*(${names.join("|")})s?)?(?![\\p{L}])`,
    "gu",
  );
  for (const unit of chosen) {
    const text = foldAccents(normalise(unit.text));
    // Each range of hours belongs to the days named last before it (to every day when none is).
    const marks = [
      ...[...text.matchAll(dayPattern)].map((m) => ({ at: m.index, days: daySpan(names, m[1]!, m[2]) })),
      ...[...text.matchAll(CLOCK_RANGE)].map((m) => ({
        at: m.index,
        hours: [clockMinutes(m[1]!, m[2], m[3] ?? m[6]), clockMinutes(m[4]!, m[5], m[6])] as const,
      })),
    ].sort((a, b) => a.at - b.at);
    let days: Set<number> | undefined;
    const hours: [number, number][] = [];
    for (const mark of marks) {
      if ("days" in mark) days = mark.days;
      else {
        const [open, close] = mark.hours;
        const forAsked = askedDays.size === 0 || !days || [...askedDays].some((d) => days!.has(d));
        if (open !== undefined && close !== undefined && forAsked) hours.push([open, close]);
      }
    }
    if (hours.length > 0 && hours.every(([open, close]) => time < open || time > close)) return unit;
  }
  return undefined;
}

/** The days from one to another, both named (indices, Monday 0), or the one. */
function daySpan(names: string[], first: string, last: string | undefined): Set<number> {
  const from = names.indexOf(first);
  const to = last === undefined ? from : names.indexOf(last);
  const span = new Set([from]);
  for (let i = from; i !== to; i = (i + 1) % 7) span.add((i + 1) % 7);
  return span;
}

/**
 * "Ich hatte vor 8 Wochen einen Kaiserschnitt – kann ich schon anfangen?" and "…, nach einem Kaiserschnitt ab 10
 * Wochen": the question's number lies outside the bound that a clause about the question's subject sets for the
 * same kind of quantity (the word after both numbers), so the answer is no. The unit of that clause, if any.
 */
function outsideBound(chosen: Unit[], query: Query, folded: string): Unit | undefined {
  // "My son is 15": an age said without its unit, which the sentence gives ("at least 16 years old").
  const bareMatch = BARE_AGE[query.language]?.exec(folded);
  const next = bareMatch ? folded.slice(bareMatch.index + bareMatch[0].length).match(/^\s*(\p{L}+)/u)?.[1] : undefined;
  // Not a quantity with its unit ("is 15 km", "ist 20 Minuten"): only a little word may follow ("is 15 and").
  const bareAge = bareMatch && (!next || stopwordsOf(query.language).has(next)) ? bareMatch : undefined;
  const stated = bareAge
    ? [[bareAge[0], bareAge[1]!, AGE_UNIT[query.language]!] as const]
    : [...folded.matchAll(/(?<![\d.,])(\d{1,4})\s+(\p{L}+)/gu)];
  if (stated.length !== 1) return undefined;
  const n = Number(stated[0]![1]);
  const [kind] = termsIn(stated[0]![2]!, query.language, { parts: false });
  if (!kind) return undefined;
  const about = query.own.filter((term) => !/^\d+$/.test(term) && term !== kind && query.subject.get(term) !== 0);
  for (const unit of chosen)
    for (const clause of numbersAsDigits(foldAccents(normalise(unit.text)), query.language).split(/[,;:()]/)) {
      const bounds = [
        ...clause.matchAll(UPPER_BOUND),
        ...clause.matchAll(UPPER_BOUND_INCLUSIVE),
        ...clause.matchAll(LOWER_BOUND),
      ].filter((m) => {
        const after = clause.slice(m.index + m[0].length).match(/^\s+(\p{L}+)/u)?.[1];
        return after !== undefined && termsIn(after, query.language, { parts: false })[0] === kind;
      });
      if (bounds.length === 0 || rangesIn(clause).some(([low, high]) => low <= n && n <= high)) continue;
      const words = new Set(termsIn(clause, query.language));
      if (!about.some((term) => words.has(term))) continue;
      if (boundsIn(bounds.map((m) => m[0]).join(" ")).every(([low, high]) => n < low || n > high)) return unit;
    }
  return undefined;
}

/** A person's age said without its unit, after the verb that states it ("my son is 15", "er ist 14"), per language. */
const BARE_AGE: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:is|'s|aged)\s+(\d{1,2})(?!\d|[.,:]\d|\s*(?:[€$£%]|['’]))/u,
  de: /(?<![\p{L}])(?:ist|wird)\s+(\d{1,2})(?!\d|[.,:]\d|\s*[€%])/u,
};
const AGE_UNIT: Record<string, string> = { en: "years", de: "Jahre" };

/** Words between a negation and a word of the question, at most, for the negation to be about the question. */
const NEGATION_REACH = 4;

/** The same pattern, matching only where the search starts. */
const stickies = new Map<RegExp, RegExp>();
function stickyOf(pattern: RegExp): RegExp {
  let sticky = stickies.get(pattern);
  if (!sticky) stickies.set(pattern, (sticky = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, "")}y`)));
  return sticky;
}

/** Whether a unit says no near one of the question's words ("cannot be refunded", "closed at weekends"). */
function negatesQuestion(s: Scorer, unit: Unit, query: Query, negation: RegExp): boolean {
  // Within one clause: "free for a month, no card required" does not deny "free".
  const clauses = foldAccents(normalise(unit.text)).split(/[,;:()]/);
  const short = (unit.text.match(/[\p{L}\d']+/gu) ?? []).length <= 6;
  return clauses.some((clause) => clauseNegates(s, unit, query, negation, clause, short));
}

function clauseNegates(s: Scorer, unit: Unit, query: Query, negation: RegExp, clause: string, short: boolean): boolean {
  const words = clause.match(/[\p{L}\d']+/gu) ?? [];
  const negations: number[] = [];
  const exceptions: number[] = [];
  const except = EXCEPT[query.language] ?? EXCEPT.en!;
  // A negation that starts at the word, read with the words after it: "no longer" is one, "pas de problème" none.
  const startsNegation = stickyOf(negation);
  words.forEach((word, i) => {
    startsNegation.lastIndex = 0;
    // English "don't", "isn't": the negation is the word's end.
    if (startsNegation.test(words.slice(i, i + 3).join(" ")) || word.endsWith("n't")) negations.push(i);
    if (except.test(word) || except.test(`${word} ${words[i + 1] ?? ""}`)) exceptions.push(i);
  });
  // most clauses: no need to find the question's words in them
  if (negations.length === 0 && exceptions.length === 0) return false;
  const matches: number[] = [];
  words.forEach((word, i) => {
    const terms = termsIn(word, query.language);
    if (
      terms.some(
        (term) =>
          query.terms.has(term) ||
          [...query.terms.keys()].some((t) => s.match(unit, t) > 0 && relatedTo(query, t, term)),
      )
    )
      matches.push(i);
  });
  // A negation word that is itself the answer's subject ("Closed at weekends." for a day's group).
  if (negations.length > 0 && matches.length === 0 && short) return true;
  // "open every day except Wednesday" for "open on Wednesday?": the word asked about is the one excepted.
  if (exceptions.some((e) => matches.some((m) => m > e && m - e <= EXCEPT_REACH))) return true;
  // Counted in words that carry meaning: "Les perceuses et les marteaux ne sont pas prêtés" is one step from
  // "perceuses" to its verb however many little words stand between.
  const stop = stopwordsOf(query.language);
  const position: number[] = [];
  words.reduce((count, word, i) => {
    position[i] = count;
    return stop.has(word) ? count : count + 1;
  }, 0);
  // "Prams and sledges with runners of any size may not be left in the lobby": the word asked about is one of the
  // things denied together, counted from the last of them.
  return negations.some((n) =>
    matches.some((m) => {
      // (The word may be written in two: "push-chairs".)
      const joined = [m + 1, m + 2].find((i) => i < n && COORDINATING.test(words[i] ?? ""));
      const from = joined ?? m;
      return Math.abs(position[n]! - position[from]!) <= NEGATION_REACH;
    }),
  );
}

/** Words that join things said together ("A and B", "A et B"), in every language read (folded). */
const COORDINATING = /^(?:and|or|et|ou|und|oder|y|o|e|ni)$/u;

/** Words that leave something out of what a sentence says ("every day except Wednesday"), per language (folded). */
const EXCEPT: Record<string, RegExp> = {
  en: /^(?:except|excluding|apart from|other than|but not)$/u,
  fr: /^(?:sauf|hormis|excepte|exceptes|exceptee|a l'exception)$/u,
  de: /^(?:ausser|außer|ausgenommen|mit ausnahme)$/u,
  es: /^(?:excepto|salvo|menos|a excepcion)$/u,
  it: /^(?:tranne|eccetto|salvo|ad eccezione)$/u,
  pt: /^(?:exceto|salvo|menos|a excecao)$/u,
  nl: /^(?:behalve|uitgezonderd|met uitzondering)$/u,
};
/** Words after an exception word within which the question's word must come to be the thing excepted. */
const EXCEPT_REACH = 3;

/** Words that say "each one of": "every plan", "toutes les chambres", "alle Kurse", "todos los días" (folded). */
const EVERY: Record<string, RegExp> = {
  en: /^(?:every|all|any|each)$/u,
  fr: /^(?:tous|toutes|chaque|tout|toute)$/u,
  de: /^(?:alle|allen|aller|jede|jeder|jedem|jeden|jedes)$/u,
  es: /^(?:todos|todas|cada|cualquier)$/u,
  it: /^(?:tutti|tutte|ogni|qualsiasi)$/u,
  pt: /^(?:todos|todas|cada|qualquer)$/u,
  nl: /^(?:alle|elk|elke|ieder|iedere)$/u,
};

/**
 * Whether a unit speaks of every thing of a kind the question names one of ("available on every plan" for "on the
 * Free plan"): a word for "each" before a word of the question (an article may come between), with no exception.
 */
function coversEveryOf(unit: Unit, query: Query): boolean {
  return everyOf(unit, query).size > 0;
}

/** The question's words (not names) that a unit says "every" of ("every plan"), none when it makes an exception. */
function everyOf(unit: Unit, query: Query): Set<string> {
  const every = EVERY[query.language] ?? EVERY.en!;
  const except = EXCEPT[query.language] ?? EXCEPT.en!;
  const words = foldAccents(normalise(unit.text)).match(/[\p{L}\d']+/gu) ?? [];
  const found = new Set<string>();
  if (words.some((word, i) => except.test(word) || except.test(`${word} ${words[i + 1] ?? ""}`))) return found;
  words.forEach((word, i) => {
    if (!every.test(word)) return;
    for (const next of words.slice(i + 1, i + 3))
      for (const term of termsIn(next, query.language))
        if (query.terms.has(term) && !query.names.includes(term)) found.add(term);
  });
  return found;
}

/** Each word of a text as its term, in order (undefined for a function word): what stands next to what. */
function wordTerms(text: string, language: string): (string | undefined)[] {
  return (foldAccents(normalise(text)).match(/[\p{L}\d']+/gu) ?? []).map(
    (word) => termsIn(word, language, { parts: false })[0],
  );
}

/**
 * Whether the question's word qualifies, next to it, a word the unit says "every" of (`all`, from everyOf):
 * "PDF export works on every plan" says it of the "basic plan" too. `words`: the question's wordTerms.
 */
function qualifiesEvery(all: Set<string>, words: (string | undefined)[], term: string, language: string): boolean {
  if (all.size === 0) return false;
  // English and German put the qualifier before the thing ("the basic plan"), the Romance languages after it ("la
  // chambre Supérieure"); the other way round it is the thing qualified ("the sales page" is no sale).
  const before = QUALIFIER_FIRST.has(knownLanguage(language));
  return words.some((word, i) => {
    const thing = before ? words[i + 1] : words[i - 1];
    return word === term && thing !== undefined && all.has(thing);
  });
}
/** Languages that put an adjective or a noun that qualifies another before it. */
const QUALIFIER_FIRST = new Set(["en", "de", "nl", "sv", "da", "no", "nb"]);

function relatedTo(query: Query, term: string, word: string): boolean {
  return (query.related.get(term) ?? []).some((r) => r.terms.includes(word));
}

/**
 * "Do you ship to Norway?" when the knowledge says "We ship to the Austria, Poland and Denmark": no, by
 * omission. A sentence that says everything the question asks but the name it asks about, and instead lists other
 * names, restricts it to another of the kind ("on the Gold plan only") or says no, decides it. Only for names
 * (places, plans, brands): a missing common word is a question the knowledge does not cover. A word of how the
 * question is put ("use") counts as little as it is the subject; a word the section's heading says counts as said.
 */
/** "Not outside Valencia": a negated restriction decides by omission too. */
const OUTSIDE: Record<string, RegExp> = {
  en: /(?<![\p{L}])(?:outside|beyond|except)(?![\p{L}])/u,
  fr: /(?<![\p{L}])(?:hors|dehors|sauf)(?![\p{L}])/u,
  de: /(?<![\p{L}])(?:ausserhalb|ausser)(?![\p{L}])/u,
  es: /(?<![\p{L}])(?:fuera|salvo|excepto)(?![\p{L}])/u,
};
/** The least share of its weight a word of how the question is put (a verb) keeps in deciding by omission. */
const HOW_PUT_SHARE = 0.25;
/** Share of the question's other words (by weight) a sentence must say to decide by omission. */
const OMISSION_COVERAGE = 0.7;

function answerByOmission(units: Unit[], query: Query, message: string): Unit | undefined {
  if (!query.yesNo || query.names.length === 0) return undefined;
  const s = scorer(units, query);
  const negation = NEGATIONS[query.language] ?? NEGATIONS.en!;
  let best: Unit | undefined;
  let bestScore = 0;
  for (const unit of units) {
    const missing = query.names.filter((name) => s.match(unit, name) < CUE_WEIGHT);
    if (missing.length === 0) continue;
    const rest = query.own.filter((term) => !query.names.includes(term) && termWeight(s, query, term) > 0);
    let covered = 0;
    let total = 0;
    for (const term of rest) {
      // How the question is put ("use", "get") weighs as little as it is the subject, but something: "Do you ship to
      // France?" is about shipping.
      const weight = termWeight(s, query, term) * Math.max(HOW_PUT_SHARE, query.subject.get(term) ?? 1);
      total += weight;
      if (s.match(unit, term) >= NEAR_HEADING_WEIGHT) covered += weight;
    }
    if (total === 0 || covered / total < OMISSION_COVERAGE) continue;
    const outside = OUTSIDE[query.language] ?? OUTSIDE.en!;
    const fold = foldAccents(normalise(unit.text));
    // "Pipedrive is available on the Gold plan only": restricted to another name than the one asked about.
    const restricted = (ONLY[query.language] ?? ONLY.en!).test(fold) && namesAnother(unit, query, missing, message);
    if (!unit.enumeratesNames && !restricted && !(negation.test(fold) && outside.test(fold))) continue;
    const value = score(s, unit, query);
    if (value > bestScore) {
      best = unit;
      bestScore = value;
    }
  }
  return best;
}

/**
 * Whether the unit names another thing of the kind of a name the question asks about: a name beside the word that
 * stands beside that name in the question ("the Gold plan" for "the Silver plan").
 */
function namesAnother(unit: Unit, query: Query, asked: string[], message: string): boolean {
  const question = wordTerms(message, query.language);
  const kinds = new Set<string>();
  question.forEach((term, i) => {
    if (term && asked.includes(term))
      for (const next of [question[i - 1], question[i + 1]]) if (next && !query.names.includes(next)) kinds.add(next);
  });
  const others = new Set(namesIn(unit.text, query.language).filter((name) => !query.terms.has(name)));
  const words = wordTerms(unit.text, query.language);
  return words.some(
    (term, i) => term && others.has(term) && [words[i - 1], words[i + 1]].some((n) => n && kinds.has(n)),
  );
}

/** "Yes, we ship to Canada." from "We ship to Canada.": the first word lowercased unless it is a name. */
function prefixWith(word: string, reply: string, passages: Passage[], language: string, message: string): string {
  const first = /^\p{L}[\p{L}'-]*/u.exec(reply)?.[0];
  if (!first) return `${word}. ${reply}`;
  const lower = first.toLowerCase();
  const acronym = first.length > 1 && first === first.toUpperCase();
  // A name is written with its capital in the middle of a sentence too, somewhere in what retrieval found (the
  // answer may be the one sentence that starts with it); German writes every noun so.
  const midSentence = new RegExp(`(?<=[\\p{Ll},;] )${escape(first)}(?![\\p{L}])`, "u");
  // The question may write it so ("the Pipedrive integration") where the knowledge starts a sentence with it.
  const capitalisedMidSentence =
    language === "de" ||
    midSentence.test(message) ||
    passages.some((passage) =>
      midSentence.test(
        `${passage.title}. ${passage.heading}. ${passage.content}`.replace(/\s*\n\s*/g, ". ").replace(/\s+/g, " "),
      ),
    );
  const common = stopwordsOf(language).has(lower) || (!acronym && !capitalisedMidSentence);
  return `${word}, ${common ? lower + reply.slice(first.length) : reply}`;
}

// ---------------------------------------------------------------------------------------------------------------

function lastReply(history: Turn[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    if (turn && turn.role !== "user") return turn.content;
  }
  return undefined;
}

const same = (a: string, b: string) =>
  foldAccents(a.toLowerCase()).replace(/[^\p{L}\d]+/gu, "") ===
  foldAccents(b.toLowerCase()).replace(/[^\p{L}\d]+/gu, "");

/**
 * The model-free engine: small talk answered like a person, in the customer's language; a question with the
 * knowledge's sentences that answer it (yes or no first when the passage decides it, a whole list when asked
 * for one), or the fallback when its confidence is below ABSTAIN_BELOW.
 */
export function answerBuiltin(input: EngineInput): EngineResult {
  const { bot, message, history, passages, analysis } = input;
  const language = languageOf(analysis, message);
  const phrases = phrasesFor(language);
  const social = detectSocial(message, bot.name, language);
  if (social) return { ...socialReply(social, bot, phrases), usedPassages: [], engine: "builtin" };
  const text = asAsked(
    withoutSmallTalk(emojiAsStops(analysis?.standalone || analysis?.corrected || message), bot.name, language),
  );

  const fallback = (confidence?: number): EngineResult => ({
    reply: ownOr(bot.fallbackMessage, phrases.fallback),
    usedPassages: [],
    engine: "builtin",
    kind: "fallback",
    ...(confidence === undefined ? {} : { confidence }),
    language,
  });

  const units = buildUnits(passages, language);
  const query = buildQuery(text, history, language, analysis, units);
  expandAcronyms(text, query, units);
  let selection = selectUnits(units, query);
  if (selection.chosen.length === 0 || selection.confidence < ABSTAIN_BELOW) {
    const omitted = answerByOmission(units, query, text);
    if (omitted) {
      const reply = YES_NO_WORD.test(omitted.text)
        ? omitted.text
        : prefixWith(phrases.no, omitted.text, passages, language, text);
      return {
        reply,
        usedPassages: [omitted.passage],
        engine: "builtin",
        kind: "answer",
        confidence: ABSTAIN_BELOW,
        language,
      };
    }
  }
  if (selection.chosen.length === 0 || selection.confidence < ABSTAIN_BELOW) return fallback(selection.confidence);
  // What a yes/no question's reading needs of the units, computed once.
  const s = query.yesNo ? scorer(units, query) : undefined;
  // "Do you sell ceramic planters?": the thing asked about is the last noun of the question, and the knowledge never
  // names it; that it knows "ceramic" does not make a ceramic vase the answer.
  if (s && language === "en") {
    const head = termsIn(mainClause(text, language), language, { parts: false }).at(-1);
    if (
      head &&
      !s.known(head) &&
      !query.known.has(head) &&
      !query.unrecognised.has(head) &&
      !query.names.includes(head) &&
      !query.cueOf.has(head) &&
      (query.subject.get(head) ?? 1) >= ABOUT_MIN &&
      // Said another way still counts ("weekends" against "on weekdays only").
      !selection.chosen.some((unit) => s.match(unit, head) > 0)
    )
      return fallback(selection.confidence);
  }

  const previous = lastReply(history);
  let repeated = false;
  if (previous && same(composeReply(selection.chosen, selection.shownList, query), stripYesNo(previous))) {
    // Never the same text twice in a row: the next best answer if it answers as much of the question (a sibling
    // that answers less, "Basic costs $9" when the question was about Pro, is a wrong answer, not a new one),
    // else say that it was the answer.
    const next = selectUnits(units, query, new Set(selection.chosen.map((unit) => unit.text)));
    if (next.chosen.length > 0 && next.confidence >= Math.max(ABSTAIN_BELOW, selection.confidence - 0.01))
      selection = next;
    else repeated = true;
  }
  // A yes/no answer starts with yes or no and the sentence that decides it.
  const decided = s ? decideYesNo(s, selection, query, text) : undefined;
  const lead = decided?.lead && !selection.shownList ? decided.lead : undefined;
  const ordered = lead ? [lead, ...selection.chosen.filter((unit) => unit !== lead)] : selection.chosen;
  let reply = composeReply(ordered, selection.shownList, query);
  // "Which clinics do you have?" where each clinic is a section of its own ("Clifton clinic", "Bedminster clinic")
  // and the best sentence names one of them: the sections are the answer.
  const sections = !query.yesNo && !selection.shownList ? sectionsOfKind(units, query) : [];
  if (sections.length >= 2 && sections.some((section) => !namedBy(section, ordered, query, language)))
    reply = `${sections.join(", ")}.`;
  // "How much is the Family plan?" when the price is in the section's heading ("Family plan — €12 per month").
  const first = ordered[0];
  // Likewise when the heading names what the question asks about and the sentence does not ("Family plan — €12").
  const namedByHeading = (unit: Unit) =>
    [...query.terms.keys()].some(
      (term) => !query.cueOf.has(term) && unit.nearHeadingTerms.has(term) && !unit.terms.has(term),
    );
  if (
    first &&
    !first.text.startsWith(first.nearHeading) &&
    [...query.tags].some(
      (tag) =>
        first.nearHeadingTerms.has(tag) && (!ordered.some((unit) => unit.terms.has(tag)) || namedByHeading(first)),
    )
  ) {
    // The heading holds what was asked ("How much is it?" after "Tell me about the Essential plan"): unless the
    // previous reply said it too, this one is not a repeat.
    if (!previous?.includes(first.nearHeading)) repeated = false;
    reply = `${first.nearHeading}: ${reply}`;
  }
  if (decided && !YES_NO_WORD.test(reply))
    reply = prefixWith(decided.decision === "yes" ? phrases.yes : phrases.no, reply, passages, language, text);
  if (repeated || (previous && same(reply, previous))) {
    // The yes or no still comes first: "Yes. As I said: …".
    const lead = YES_NO_LEAD.exec(reply);
    reply = lead
      ? `${lead[1]}. ${phrases.asISaid} ${upperFirst(reply.slice(lead[0].length))}`
      : `${phrases.asISaid} ${reply}`;
  }
  const used = new Set(selection.chosen.map((unit) => unit.passage));
  return {
    reply,
    usedPassages: passages.filter((passage) => used.has(passage)),
    engine: "builtin",
    kind: "answer",
    confidence: selection.confidence,
    language,
  };
}

/**
 * "sso" where the page writes "Single sign-on", "sla" for "Service level agreement": a short question word that the
 * knowledge never uses but that spells the initials of words in a row there, a name with a capital, matches those words.
 */
function expandAcronyms(text: string, query: Query, units: Unit[]): void {
  for (const token of expandable(tokens(questionText(text)))) {
    if (!/^\p{L}{3,5}$/u.test(token)) continue;
    const [term] = termsIn(token, query.language, { parts: false });
    if (!term || !query.terms.has(term) || units.some((unit) => unit.terms.has(term))) continue;
    const initials = [...token].map(escape);
    const phrase = new RegExp(
      `(?<![\\p{L}\\d])${initials.map((c) => `${c}[\\p{L}\\d]*`).join("[\\s-]+")}(?![\\p{L}\\d])`,
      "iu",
    );
    for (const unit of units) {
      const found = phrase.exec(unit.text);
      // A name's initials: the words start with a capital ("Single sign-on"), not any run of words ("some simple options").
      if (!found || !/^\p{Lu}/u.test(found[0])) continue;
      const terms = termsIn(found[0], query.language);
      if (terms.length === 0) continue;
      query.related.set(term, [...(query.related.get(term) ?? []), { terms, weight: 1 }]);
      break;
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const EMOJI = String.raw`(?:\p{Extended_Pictographic}|[:;]-?[()DPp])[\p{Extended_Pictographic}\u{FE0F}\u{200D}]*`;
const EMOJI_BETWEEN_WORDS = new RegExp(String.raw`(?<=[\p{L}\d)])\s*${EMOJI}\s+(?=[¿¡]?\p{L})`, "gu");
const EMOJI_AT_END = new RegExp(String.raw`(?<=[\p{L}\d)?!.])(?:\s*${EMOJI})+\s*$`, "u");

/**
 * Chat ends a sentence with an emoji as often as with a full stop ("My mum is housebound 😕 do you…?"), and a message
 * with one ("…on weekends 🙏"): between words it ends the sentence, at the end it is dropped.
 */
function emojiAsStops(text: string): string {
  return text.replace(EMOJI_BETWEEN_WORDS, ". ").replace(EMOJI_AT_END, "");
}

/**
 * "do you ship to norway": many type a chat message without its question mark. One with none that ends without any
 * punctuation reads as the question it is; one that ends in a full stop or an exclamation mark is a statement, and
 * one with a question mark elsewhere has said where its question is ("…wifi? I need to send some mail").
 */
function asAsked(text: string): string {
  return !text.includes("?") && /[\p{L}\p{N})"'»]\s*$/u.test(text) ? `${text.trimEnd()}?` : text;
}

/** A reply's leading yes or no and the punctuation after it. */
const YES_NO_LEAD = /^(yes|no|oui|non|ja|nein|sí|si|sim|não|nao|nee)[,.!]?\s+/iu;

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The words for yes and no a reply may open with; not "si" without its accent ("Si vous louez…" is "if"). */
const YES_NO_WORDS = "yes|no|oui|non|ja|nein|sí|sì|sim|não|nao|nee";
/** A reply that already starts with yes or no (an FAQ's answer): no second one before it. Not "No problem if…". */
const YES_NO_WORD = new RegExp(
  `^(?:${YES_NO_WORDS})(?![\\p{L}-])(?!\\s+(?:problem|problems|hay\\s+problema)(?![\\p{L}]))`,
  "iu",
);
const YES_NO_OPENING = new RegExp(`^(?:${YES_NO_WORDS})[,.!]\\s*`, "iu");

function stripYesNo(text: string): string {
  return text.replace(YES_NO_OPENING, "");
}
