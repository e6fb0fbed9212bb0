import { stemmer } from "stemmer";
import { MIN_RELEVANCE, type BotProfile, type EngineInput, type EngineResult, type Passage, type Turn } from "./types";

const MAX_REPLY_CHARS = 600;
const MAX_SENTENCES = 3;
/** A sentence joins the reply only if it scores at least this share of the best one. */
const CLOSE_SCORE = 0.6;
const PREVIOUS_TURN_WEIGHT = 0.5;
/** A concept match ("cost" ~ "$99") counts for less than the same word. */
const CONCEPT_WEIGHT = 0.7;
/** A question word found only in the section's heading. */
const HEADING_ONLY_WEIGHT = 0.3;
const HEADING_BOOST = 1.4;
const TOP_PASSAGE_BOOST = 1.2;
const OTHER_PASSAGE_FACTOR = 0.8;

const STOPWORDS = new Set(
  `a about above after again against all also am an and any anyone anything are aren't as at be because been before
  being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
  back each either else etc even ever few for from further get gets getting give go goes going got had hadn't has hasn't
  have haven't having he he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is
  isn't it it's its itself just know let let's like lot me might mine more most much must my myself need needs no nor
  not now of off ok okay on once one ones only or other our ours ourselves out over own please pls really same say
  shall she should shouldn't so some something such sure take takes tell than that that's the their theirs them
  themselves then there there's these they they'd they'll they're they've thing things this those through to too
  under until up us very want wants was wasn't way we we'd we'll we're we've well were weren't what what's when where
  where's which while who who's whom why why's will with won't would wouldn't yes yet you you'd you'll you're you've
  your yours yourself yourselves hi hello hey thanks thank thx help question`.split(/\s+/),
);

/** Everyday business topics, so "How much does it cost?" finds "Pro: $99/month" and "refund" finds "returns". */
const CONCEPTS: Record<string, { words: string[]; pattern?: RegExp }> = {
  price: {
    words: `price pricing priced cost costs costing fee fees charge charged charges pay paid paying payment expensive
      cheap cheaper afford affordable dollar dollars subscription rate rates free quote billing billed`.split(/\s+/),
    pattern: /[$€£¥]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|dollars?|euros?)\b|\/\s?(?:mo|month|yr|year)\b|\bper (?:month|year|user|seat)\b/i,
  },
  hours: {
    words: `hour hours open opens opening close closes closing closed time times weekend weekends weekday weekdays
      schedule today tomorrow holiday holidays`.split(/\s+/),
    pattern:
      /\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:mon|tue|wed|thu|fri|sat|sun)\s?[-–]\s?(?:mon|tue|wed|thu|fri|sat|sun)\b|\b24\/7\b/i,
  },
  duration: {
    words: "long quickly quick fast soon".split(/\s+/),
    pattern: /\b\d+\s*(?:(?:-|–|to)\s*\d+\s*)?(?:business\s+|working\s+)?(?:minutes?|hours?|days?|weeks?|months?)\b/i,
  },
  refund: { words: "refund refunds refunded return returns returned reimburse reimbursement exchange exchanges money".split(/\s+/) },
  shipping: {
    words: `ship ships shipping shipped shipment deliver delivers delivery deliveries delivered postage courier dispatch
      dispatched arrive arrives arrival track tracking package parcel`.split(/\s+/),
  },
  contact: {
    words: "contact email phone call reach talk speak touch".split(/\s+/),
    pattern: /[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{7,}\d/,
  },
  cancel: { words: "cancel cancels cancelled canceled cancelling cancellation unsubscribe terminate".split(/\s+/) },
  location: { words: "location located address office offices store stores based directions visit".split(/\s+/) },
};

/** Stem → concept tags; tags start with "§" so they never collide with a real stem. */
const CONCEPT_OF_STEM = new Map<string, string>();
for (const [name, { words }] of Object.entries(CONCEPTS)) {
  for (const word of words) CONCEPT_OF_STEM.set(stemmer(word), `§${name}`);
}

const ABBREVIATIONS = new Set(
  "e.g i.e inc ltd co corp llc mr mrs ms dr st vs approx jr sr dept u.s a.m p.m".split(" "),
);

function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
}

function tokens(text: string): string[] {
  return normalise(text).match(/\d+(?:[.,]\d+)*|[a-z]+(?:'[a-z]+)?/g) ?? [];
}

/** Lowercased, stemmed words of `text` without stopwords, each once, in order of first appearance. */
export function contentTerms(text: string): string[] {
  const terms = new Set<string>();
  for (let token of tokens(text)) {
    if (STOPWORDS.has(token)) continue;
    token = token.replace(/'s$/, "").replace(/'/g, "");
    if (token.length < 2 && !/\d/.test(token)) continue;
    terms.add(/\d/.test(token) ? token : stemmer(token));
  }
  return [...terms];
}

function conceptTags(text: string, terms: string[]): Set<string> {
  const tags = new Set<string>();
  for (const term of terms) {
    const tag = CONCEPT_OF_STEM.get(term);
    if (tag) tags.add(tag);
  }
  for (const [name, { pattern }] of Object.entries(CONCEPTS)) if (pattern?.test(text)) tags.add(`§${name}`);
  return tags;
}

// ---------------------------------------------------------------------------------------------------------------
// Small talk

type Social = "identity" | "howareyou" | "thanks" | "goodbye" | "greeting" | "ack" | "yes";

const YOU = "(?:you|u|ya)";
const SOCIAL_PATTERNS: [Social, RegExp][] = [
  [
    "identity",
    new RegExp(
      `\\b(?:who (?:are|r) ${YOU}|what (?:are|r) ${YOU}|what can ${YOU} do|what do ${YOU} do|how can ${YOU} help(?: me)?|` +
        `what can ${YOU} help(?: me)? with|are ${YOU} (?:a |an )?(?:bot|robot|human|real person|real|person|ai|machine)|` +
        `what(?:'s| is) your name|introduce yourself)\\b`,
      "g",
    ),
  ],
  ["howareyou", new RegExp(`\\b(?:how (?:are|r) ${YOU}(?: doing)?(?: today)?|how(?:'s| is) it going|how do you do|what'?s up)\\b`, "g")],
  [
    "thanks",
    /\b(?:thanks?(?: you)?(?: (?:so|very) much| a lot| a bunch| again| for (?:the|your) help)?|thx|ty|cheers|much appreciated|(?:i )?appreciate (?:it|that|your help))\b/g,
  ],
  [
    "goodbye",
    new RegExp(
      `\\b(?:good ?bye|bye(?: bye)?|see ${YOU}(?: later| soon| tomorrow)?|talk (?:to ${YOU} )?(?:later|soon)|` +
        `have a (?:good|great|nice|lovely) (?:day|one|evening|night|weekend)|take care|that'?s all|that is all|good night)\\b`,
      "g",
    ),
  ],
  ["greeting", /\b(?:hi|hello|hey|hiya|howdy|heya|yo|greetings|good (?:morning|afternoon|evening|day)|morning|evening)\b/g],
  ["ack", /\b(?:ok(?:ay)?|k|great|awesome|cool|perfect|nice|got it|understood|sounds good|alright|all right|fine|i see|makes sense|good|wow|no|nope|nah)\b/g],
  ["yes", /\b(?:yes|yep|yeah|yup|sure|please)\b/g],
];
const FILLER = /\b(?:there|all|everyone|everybody|folks|guys|team|again|so|oh|ah|well|and|just|very|that helps|helpful|i|me|you|u|bot|for|it|that|this)\b/g;

/** What the message is, if it is only small talk; undefined when it asks something. */
function detectSocial(message: string, botName: string): Set<Social> | undefined {
  let rest = ` ${normalise(message)} `;
  const found = new Set<Social>();
  for (const [kind, pattern] of SOCIAL_PATTERNS) {
    const stripped = rest.replace(pattern, " ");
    if (stripped !== rest) found.add(kind);
    rest = stripped;
  }
  // "ok" and "no" are small talk on their own; "Is it nice?" is a question.
  if (found.size === 0 || ([...found].every((kind) => kind === "ack" || kind === "yes") && message.includes("?"))) return undefined;
  rest = rest.replace(FILLER, " ");
  for (const word of tokens(botName)) rest = rest.replace(new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g"), " ");
  return contentTerms(rest).length === 0 ? found : undefined;
}

/** The question with greetings and thanks removed, so "Good morning, what are your hours?" does not search for "morning". */
function questionText(message: string): string {
  let text = normalise(message);
  for (const [kind, pattern] of SOCIAL_PATTERNS) {
    if (kind === "greeting" || kind === "thanks" || kind === "goodbye" || kind === "howareyou") text = text.replace(pattern, " ");
  }
  return text.replace(/^\W*(?:(?:ok(?:ay)?|great|cool|perfect|alright|sure|yes|yeah|no|and|so)\b\W*)+/, " ");
}

function socialReply(kinds: Set<Social>, bot: BotProfile): Pick<EngineResult, "reply" | "kind"> {
  if (kinds.has("identity")) {
    const who = bot.name.trim() ? `I'm ${bot.name.trim()}, an automated assistant` : "I'm an automated assistant";
    return { kind: "smalltalk", reply: `${who}. I answer questions from this team's knowledge base, so ask me anything about it.` };
  }
  if (kinds.has("thanks")) {
    return { kind: "thanks", reply: kinds.has("goodbye") ? "You're welcome! Have a great day." : "You're welcome! Anything else I can help with?" };
  }
  if (kinds.has("goodbye")) return { kind: "smalltalk", reply: "Goodbye! Feel free to come back any time." };
  if (kinds.has("howareyou")) return { kind: "smalltalk", reply: "I'm doing well, thanks for asking! How can I help you today?" };
  if (kinds.has("greeting")) return { kind: "greeting", reply: bot.welcomeMessage.trim() || "Hi! How can I help you today?" };
  if (kinds.has("yes")) return { kind: "smalltalk", reply: "Sure! What would you like to know?" };
  return { kind: "smalltalk", reply: "Alright! Let me know if there's anything else I can help with." };
}

/** True for a short message that leans on an earlier turn ("How much does it cost?", "what about that one?"). */
export function isFollowUp(message: string): boolean {
  const text = normalise(message).trim();
  const words = text.match(/[a-z0-9']+/g) ?? [];
  if (words.length === 0 || words.length > 8 || detectSocial(message, "")) return false;
  if (/^(?:and|but|also|so|or|plus|then|what about|how about|what if|same for)\b/.test(text)) return true;
  if (/\b(?:it|its|it's|that|this|these|those|they|them|their|one|ones|same|else)\b/.test(text)) return true;
  if (/\bthere\b/.test(text) && !/\b(?:is|are|was|were|be)\s+there\b/.test(text)) return true;
  return contentTerms(message).length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Knowledge: passages → sentence-sized units

type RawUnit = { text: string; heading: string; item: boolean; ordered?: boolean; list?: number };

type Unit = {
  passage: Passage;
  rank: number; // the passage's position when sorted by score, 0 = best
  docOrder: [number, number, number]; // source, chunk, position: the order a reader meets it in
  text: string; // tidied, ready to show
  terms: Set<string>; // stems and concept tags
  headingTerms: Set<string>;
  item: boolean;
  ordered: boolean; // a numbered step: useless without the other steps
  list?: string; // shared by a list's items and its lead-in ("We offer four plans:"), if it has one
  leadIn: boolean;
};

const LIST_ITEM = /^(?:[-*+•]|\d{1,2}[.)])\s+/;
const ORDERED_ITEM = /^\d{1,2}[.)]\s+/;

/** Splits raw chunk text into display units: sentences of paragraphs, whole list items, table rows. */
function rawUnits(content: string): RawUnit[] {
  const out: RawUnit[] = [];
  let heading = "";
  let paragraph: string[] = [];
  let tableHeader: string[] | undefined;
  let list: number | undefined;
  const flush = () => {
    for (const sentence of splitSentences(paragraph.join(" "))) {
      out.push({ text: sentence, heading, item: false });
      list = sentence.endsWith(":") ? out.length - 1 : undefined;
    }
    paragraph = [];
  };
  const pushItem = (text: string) => {
    flush();
    const previous = list !== undefined ? out[list] : undefined;
    if (previous && !previous.item) previous.list = list;
    list ??= out.length;
    out.push({ text, heading, item: true, ordered: ORDERED_ITEM.test(text), list });
  };
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith("|")) tableHeader = undefined;
    const headingMatch = /^#{1,6}\s+(.+?)\s*#*$/.exec(line) ?? /^(?:\*\*|__)([^*_]+)(?:\*\*|__):?$/.exec(line);
    if (headingMatch) {
      flush();
      heading = headingMatch[1] ?? "";
      list = undefined;
    } else if (!line) {
      flush();
    } else if (line.startsWith("|")) {
      const cells = line.replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());
      if (cells.every((cell) => /^:?-{2,}:?$/.test(cell))) continue;
      if (!tableHeader) tableHeader = cells;
      else pushItem(cells.map((cell, i) => (tableHeader?.[i] ? `${tableHeader[i]}: ${cell}` : cell)).join("; "));
    } else if (LIST_ITEM.test(line)) {
      pushItem(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out;
}

/** Sentence boundaries that survive "e.g.", "$9.99", "Acme Inc." and "9 a.m.". */
function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?]+["')\]]*\s+(?=["'(\[]?[A-Z0-9$€£])/g)) {
    const index = match.index;
    if (match[0].startsWith(".")) {
      const word = /(\S+)$/.exec(text.slice(start, index))?.[1]?.toLowerCase().replace(/^[("'[]+/, "") ?? "";
      if (ABBREVIATIONS.has(word) || /^[a-z]$/.test(word)) continue;
    }
    sentences.push(text.slice(start, index + match[0].trimEnd().length).trim());
    start = index + match[0].length;
  }
  sentences.push(text.slice(start).trim());
  return sentences.filter((sentence) => sentence.length > 0);
}

/** Markdown and list markup off; a capital first letter and a closing full stop on. */
function tidy(text: string): string {
  let out = text
    .replace(/^>\s?/, "")
    .replace(LIST_ITEM, "")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, "$1")
    .replace(/(?<!\w)_(?!\s)([^_\n]+?)_(?!\w)/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/\*\*|__|^#+\s*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  out = out.charAt(0).toUpperCase() + out.slice(1);
  if (/[,;]$/.test(out)) return `${out.slice(0, -1)}.`;
  return /[.!?:…]["')\]]?$/.test(out) || out.length === 0 ? out : `${out}.`;
}

/** A passage's display units with everything that depends only on its text (the costly part: splitting, tidying, stemming). */
type AnalysedUnit = Pick<Unit, "text" | "terms" | "headingTerms" | "item" | "ordered" | "leadIn"> & { key: string; rawList?: number };

/**
 * Analysed units by chunk: a chunk's text never changes under its id (a re-import writes new chunks),
 * and the same few chunks answer most questions, so each is split and stemmed once per process, not
 * on every request. The text is compared on a hit all the same. Bounded; the oldest entry goes first.
 */
const analysed = new Map<number, { passage: Pick<Passage, "content" | "title" | "heading">; units: AnalysedUnit[] }>();
const MAX_ANALYSED = 5_000;

function analyse(passage: Passage): AnalysedUnit[] {
  const hit = analysed.get(passage.chunkId);
  if (hit && hit.passage.content === passage.content && hit.passage.title === passage.title && hit.passage.heading === passage.heading) return hit.units;
  const units: AnalysedUnit[] = [];
  for (const raw of rawUnits(passage.content)) {
    const text = tidy(raw.text);
    const terms = contentTerms(text);
    const headingTerms = contentTerms(`${passage.title} ${passage.heading} ${raw.heading}`);
    units.push({
      key: text.toLowerCase().replace(/[^a-z0-9]+/g, ""),
      text,
      terms: new Set([...terms, ...conceptTags(text, terms)]),
      headingTerms: new Set([...headingTerms, ...conceptTags("", headingTerms)]),
      item: raw.item,
      ordered: raw.ordered === true,
      rawList: raw.list,
      leadIn: !raw.item && raw.list !== undefined,
    });
  }
  if (analysed.size >= MAX_ANALYSED) analysed.delete(analysed.keys().next().value!);
  analysed.set(passage.chunkId, { passage: { content: passage.content, title: passage.title, heading: passage.heading }, units });
  return units;
}

function buildUnits(passages: Passage[]): Unit[] {
  const byScore = passages
    .map((passage, index) => ({ passage, index }))
    .sort((a, b) => b.passage.score - a.passage.score || a.index - b.index);
  const sourceOrder = new Map<string, number>();
  for (const { passage } of byScore) if (!sourceOrder.has(passage.sourceId)) sourceOrder.set(passage.sourceId, sourceOrder.size);
  const seen = new Set<string>(); // overlapping chunks repeat sentences
  const units: Unit[] = [];
  byScore.forEach(({ passage }, rank) => {
    analyse(passage).forEach((unit, position) => {
      if (unit.key.length < 2 || seen.has(unit.key)) return;
      seen.add(unit.key);
      units.push({
        passage,
        rank,
        docOrder: [sourceOrder.get(passage.sourceId) ?? 0, passage.chunkId, position],
        text: unit.text,
        terms: unit.terms,
        headingTerms: unit.headingTerms,
        item: unit.item,
        ordered: unit.ordered,
        list: unit.rawList === undefined ? undefined : `${rank}:${unit.rawList}`,
        leadIn: unit.leadIn,
      });
    });
  });
  return units;
}

// ---------------------------------------------------------------------------------------------------------------
// Matching the question against the units

type Query = {
  terms: Map<string, number>; // stem → weight (1 for the message, less for the turn it follows up)
  tags: Map<string, number>; // concept tags asked for by phrase ("how much" → §price)
  plain: string[]; // what a relevant sentence must cover: the message's terms, or those of the turn it follows up
  needsDirect: boolean; // false when every plain term is a concept word, so "How much does it cost?" may match "$99"
};

function previousQuestionTerms(history: Turn[]): string[] {
  let checked = 0;
  for (let i = history.length - 1; i >= 0 && checked < 3; i--) {
    const turn = history[i];
    if (turn?.role !== "user") continue;
    checked++;
    const terms = contentTerms(questionText(turn.content));
    if (terms.length > 0) return terms;
  }
  return [];
}

function buildQuery(message: string, history: Turn[]): Query {
  const text = questionText(message);
  const current = contentTerms(text);
  const previous = isFollowUp(message) ? previousQuestionTerms(history) : [];
  const terms = new Map<string, number>(previous.map((term) => [term, PREVIOUS_TURN_WEIGHT]));
  for (const term of current) terms.set(term, 1);
  const tags = new Map<string, number>();
  if (/\bhow much\b/.test(text)) tags.set("§price", 1);
  if (/\bhow (?:long|soon|quickly)\b/.test(text)) tags.set("§duration", 1);
  const plain = current.length > 0 ? current : previous;
  return { terms, tags, plain, needsDirect: plain.some((term) => !CONCEPT_OF_STEM.has(term)) };
}

type Scorer = { idf(term: string): number; match(unit: Unit, term: string): number };

function scorer(units: Unit[]): Scorer {
  const documentFrequency = new Map<string, number>();
  for (const unit of units) for (const term of unit.terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  return {
    // A term the knowledge never uses weighs most: it is what the question is about and the knowledge is not.
    idf: (term) => Math.log(1 + units.length / (documentFrequency.get(term) ?? 0.5)),
    match(unit, term) {
      const tag = CONCEPT_OF_STEM.get(term);
      if (unit.terms.has(term)) return 1;
      if (tag && unit.terms.has(tag)) return CONCEPT_WEIGHT;
      if (unit.headingTerms.has(term) || (tag && unit.headingTerms.has(tag))) return HEADING_ONLY_WEIGHT;
      return 0;
    },
  };
}

/** Concept words are interchangeable ("price", "cost", "$9"), so they weigh as their family, not as a rare word. */
function termWeight(s: Scorer, term: string): number {
  return s.idf(CONCEPT_OF_STEM.get(term) ?? term);
}

/** Whether a unit speaks to the question: it covers enough of the question's weight, with a real shared word when one is needed. */
function isRelevant(s: Scorer, unit: Unit, query: Query): boolean {
  if (query.plain.length === 0) return [...query.tags.keys()].some((tag) => unit.terms.has(tag));
  const direct = query.plain.some((term) => unit.terms.has(term) || unit.headingTerms.has(term));
  if (query.needsDirect && !direct) return false;
  let covered = 0;
  let total = 0;
  for (const term of query.plain) {
    const weight = termWeight(s, term);
    const match = s.match(unit, term);
    covered += weight * (match === HEADING_ONLY_WEIGHT ? 1 : match); // a matching heading puts the whole section on topic
    total += weight;
  }
  return covered / total >= MIN_RELEVANCE;
}

function score(s: Scorer, unit: Unit, query: Query): number {
  let total = 0;
  for (const [term, weight] of query.terms) total += weight * termWeight(s, term) * s.match(unit, term);
  for (const [tag, weight] of query.tags) if (unit.terms.has(tag)) total += weight * s.idf(tag);
  const onTopic = query.plain.some((term) => unit.headingTerms.has(term) || unit.headingTerms.has(CONCEPT_OF_STEM.get(term) ?? ""));
  if (onTopic) total *= HEADING_BOOST;
  if (unit.rank === 0) total *= TOP_PASSAGE_BOOST;
  return total / (1 + Math.max(0, unit.text.length - 300) / 600); // long units collect terms by sheer size
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

/** Picks the best 1–3 units (a whole list when the question is about one), in document order. */
function selectUnits(units: Unit[], query: Query): { chosen: Unit[]; shownList?: string } {
  const s = scorer(units);
  const scores = new Map(units.map((unit) => [unit, score(s, unit, query)]));
  const scoreOf = (unit: Unit) => scores.get(unit) ?? 0;
  const ranked = units.filter((unit) => scoreOf(unit) > 0 && isRelevant(s, unit, query)).sort((a, b) => scoreOf(b) - scoreOf(a) || compareDocOrder(a, b));
  const best = ranked[0];
  if (!best) return { chosen: [] };

  // Sentences from the best sentence's passage read as one answer; others must score clearly higher to join.
  const effective = (unit: Unit) => scoreOf(unit) * (unit.passage === best.passage ? 1 : OTHER_PASSAGE_FACTOR);
  const chosen = [best];
  let length = best.text.length;
  for (const unit of ranked.slice(1).sort((a, b) => effective(b) - effective(a) || compareDocOrder(a, b))) {
    if (chosen.length >= MAX_SENTENCES || effective(unit) < scoreOf(best) * CLOSE_SCORE) break;
    if (length + unit.text.length + 1 > MAX_REPLY_CHARS || chosen.some((other) => nearDuplicate(other, unit))) continue;
    chosen.push(unit);
    length += unit.text.length + 1;
  }

  const listToShow = best.leadIn ? best.list : listToExpand(chosen);
  if (listToShow) {
    for (const unit of units.filter((u) => u.list === listToShow).sort(compareDocOrder)) {
      if (chosen.includes(unit)) continue;
      if (length + unit.text.length + 1 > MAX_REPLY_CHARS) break;
      chosen.push(unit);
      length += unit.text.length + 1;
    }
  }
  return { chosen: chosen.sort(compareDocOrder), shownList: listToShow };
}

/** A list worth showing whole: one with two chosen items (the question is about the list), or with a chosen step. */
function listToExpand(chosen: Unit[]): string | undefined {
  const counts = new Map<string, number>();
  for (const unit of chosen) if (unit.item && unit.list) counts.set(unit.list, (counts.get(unit.list) ?? 0) + (unit.ordered ? 2 : 1));
  return [...counts].find(([, count]) => count >= 2)?.[0];
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2)).replace(/[\s,;:.]+$/, "")}…`;
}

/** Joins the units; a lead-in keeps its colon only when the list it introduces is shown after it. */
function composeReply(chosen: Unit[], shownList: string | undefined): string {
  const parts = chosen.map((unit) =>
    unit.text.endsWith(":") && !(unit.leadIn && unit.list === shownList) ? `${unit.text.slice(0, -1)}.` : unit.text,
  );
  return truncate(parts.join(" "), MAX_REPLY_CHARS);
}

/** The model-free engine: small talk answered like a person, questions with the knowledge's most relevant sentences. */
export function answerBuiltin(input: EngineInput): EngineResult {
  const { bot, message, history, passages } = input;
  const social = detectSocial(message, bot.name);
  if (social) return { ...socialReply(social, bot), usedPassages: [], engine: "builtin" };

  const { chosen, shownList } = selectUnits(buildUnits(passages), buildQuery(message, history));
  if (chosen.length === 0) {
    const reply = bot.fallbackMessage.trim() || "Sorry, I couldn't find an answer to that in my knowledge base.";
    return { reply, usedPassages: [], engine: "builtin", kind: "fallback" };
  }
  const used = new Set(chosen.map((unit) => unit.passage));
  return { reply: composeReply(chosen, shownList), usedPassages: passages.filter((passage) => used.has(passage)), engine: "builtin", kind: "answer" };
}
