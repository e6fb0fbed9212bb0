/**
 * Synthetic typos for `npm run eval -- --typos N`: each question of the chosen half asked again with one of
 * its words misspelt the way people misspell when they type fast (a letter left out, two letters swapped, a
 * key's neighbour hit, a letter doubled or a double one written once) or, in a language with accents,
 * written without any. The edits are random but seeded by the question's id, so a run is repeatable and a
 * rule that helps only the hand-written typo questions shows here as no gain. The words edited are the
 * question's own; nothing here knows any business.
 */

/** Neighbouring keys on a QWERTY keyboard (a German or French keyboard differs in a few keys only). */
const NEIGHBOURS: Record<string, string> = {
  q: "wa",
  w: "qes",
  e: "wrd",
  r: "etf",
  t: "ryg",
  y: "tuh",
  u: "yij",
  i: "uok",
  o: "ipl",
  p: "ol",
  a: "qsz",
  s: "adwx",
  d: "sfec",
  f: "dgrv",
  g: "fhtb",
  h: "gjyn",
  j: "hkum",
  k: "jli",
  l: "ko",
  z: "asx",
  x: "zsc",
  c: "xdv",
  v: "cfb",
  b: "vgn",
  n: "bhm",
  m: "nj",
};

export type TypoEdit = "drop" | "swap" | "near" | "double" | "accents";

export type TypoVariant = { question: string; edit: TypoEdit; from: string; to: string };

/** A small seeded generator (mulberry32) and a string hash to seed it. */
function random(seedText: string): () => number {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.codePointAt(0)!, 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

function stripAccents(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
}

/** One edit of a word; undefined when that edit cannot change it. Never the first letter (people rarely miss it). */
function edit(word: string, kind: Exclude<TypoEdit, "accents">, rnd: () => number): string | undefined {
  const chars = [...word];
  const at = 1 + Math.floor(rnd() * (chars.length - 1));
  switch (kind) {
    case "drop":
      return chars.length >= 5 ? [...chars.slice(0, at), ...chars.slice(at + 1)].join("") : undefined;
    case "swap": {
      const i = Math.min(at, chars.length - 2);
      if (i < 1 || chars[i] === chars[i + 1]) return undefined;
      return [...chars.slice(0, i), chars[i + 1], chars[i], ...chars.slice(i + 2)].join("");
    }
    case "near": {
      const lower = chars[at]!.toLowerCase();
      const keys = NEIGHBOURS[lower];
      if (!keys) return undefined;
      return [...chars.slice(0, at), pick(rnd, [...keys]), ...chars.slice(at + 1)].join("");
    }
    case "double": {
      const doubled = chars.findIndex((c, i) => i > 0 && c === chars[i - 1]);
      if (doubled > 0) return [...chars.slice(0, doubled), ...chars.slice(doubled + 1)].join("");
      return [...chars.slice(0, at), chars[at], ...chars.slice(at)].join("");
    }
  }
}

/**
 * `count` different misspellings of the question, each changing one word of four letters or more (or, for one
 * of them when the question has accents, every accent dropped). Fewer when the question has too few such words.
 */
export function typoVariants(id: string, question: string, count: number): TypoVariant[] {
  const rnd = random(id);
  const out: TypoVariant[] = [];
  const seen = new Set([question]);
  if (count > 0 && stripAccents(question) !== question && rnd() < 0.3) {
    const to = stripAccents(question);
    out.push({ question: to, edit: "accents", from: question, to });
    seen.add(to);
  }
  const words = [...question.matchAll(/\p{L}{4,}/gu)];
  for (let tries = 0; out.length < count && words.length > 0 && tries < 50; tries++) {
    const word = pick(rnd, words);
    const kind = pick(rnd, ["drop", "swap", "near", "near", "double"] as const);
    const changed = edit(word[0], kind, rnd);
    if (!changed) continue;
    const text = question.slice(0, word.index) + changed + question.slice(word.index! + word[0].length);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ question: text, edit: kind, from: word[0], to: changed });
  }
  return out;
}
