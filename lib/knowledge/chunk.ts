import type { Section } from "./extract";

/** A retrievable piece of one section; `position` orders chunks across the whole document from 0. */
export type Chunk = { heading: string; content: string; position: number };

/** A sentence (or a hard-wrapped piece of one) and the separator that goes before it unless it starts a chunk. */
type Unit = { text: string; separator: string };

const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });

/** Splits sections into chunks of at most maxChars, breaking at paragraphs, then sentences, then words; never across headings. */
export function chunkSections(sections: Section[], opts: { maxChars?: number; overlapChars?: number } = {}): Chunk[] {
  const maxChars = Math.max(1, opts.maxChars ?? 1200);
  const overlapChars = Math.min(Math.max(0, opts.overlapChars ?? 200), Math.floor(maxChars / 2));
  const chunks: Chunk[] = [];
  for (const section of sections) {
    for (const content of chunkText(section.text, maxChars, overlapChars)) {
      chunks.push({ heading: section.heading.trim(), content, position: chunks.length });
    }
  }
  return chunks;
}

function chunkText(text: string, maxChars: number, overlapChars: number): string[] {
  const out: string[] = [];
  let current: Unit[] = [];
  let fresh = 0; // units in `current` not already emitted as overlap of the previous chunk

  const length = (units: Unit[]) => units.reduce((sum, u, i) => sum + u.text.length + (i ? u.separator.length : 0), 0);
  const emit = () => {
    out.push(current.map((u, i) => (i ? u.separator : "") + u.text).join(""));
    // Carry whole sentences from the end so a fact split across the boundary is still found in one chunk.
    const carried: Unit[] = [];
    for (let i = current.length - 1; i >= 0 && length([current[i]!, ...carried]) <= overlapChars; i--)
      carried.unshift(current[i]!);
    current = carried;
    fresh = 0;
  };

  for (const paragraph of normalise(text).split("\n\n")) {
    const table = tableOf(paragraph, maxChars);
    const units = table ? [...table.header, ...table.rows] : paragraphUnits(paragraph, maxChars);
    if (!units.length) continue;
    // Prefer a paragraph boundary: start a new chunk rather than split a paragraph that would fit in one.
    if (fresh && length([...current, ...units]) > maxChars && length(units) <= maxChars) emit();
    units.forEach((unit, index) => {
      while (current.length && length([...current, unit]) > maxChars) {
        if (fresh) {
          emit();
          // A table's rows mean nothing without its header ("| Day | Time | Class |"): a chunk that continues a
          // table starts with it again, instead of the overlap.
          if (table && index >= table.header.length) current = [...table.header];
        } else current.shift(); // shrink the carried overlap before giving up new text
      }
      current.push(unit);
      fresh++;
    });
  }
  if (fresh) emit();
  return out;
}

/** Collapses runs of spaces, trims lines, and keeps at most one blank line between paragraphs. */
function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u200B\uFEFF]/g, "")
    .replace(/[^\S\n]+/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A markdown table's header (its first line and the |---| line) and rows, one unit per line; else undefined. */
function tableOf(paragraph: string, maxChars: number): { header: Unit[]; rows: Unit[] } | undefined {
  const lines = paragraph.split("\n");
  if (lines.length < 3 || !lines.every((line) => line.startsWith("|"))) return undefined;
  if (!/^\|(?:\s*:?-{2,}:?\s*\|)+\s*$/.test(lines[1]!)) return undefined;
  const units = lines
    .flatMap((line) => hardWrap(line, maxChars))
    .map((text, i) => ({
      text,
      separator: i === 0 ? "\n\n" : "\n",
    }));
  return { header: units.slice(0, 2), rows: units.slice(2) };
}

/** The paragraph's sentences, each at most maxChars; the first carries a paragraph separator. */
function paragraphUnits(paragraph: string, maxChars: number): Unit[] {
  const units: Unit[] = [];
  let separator = "\n\n";
  for (const { segment } of sentences.segment(paragraph)) {
    const text = segment.trim();
    if (text) {
      for (const piece of hardWrap(text, maxChars)) {
        units.push({ text: piece, separator });
        separator = " ";
      }
    }
    // A line break inside a paragraph (a list, an address) is kept as one.
    if (text) separator = segment.includes("\n") ? "\n" : " ";
  }
  return units;
}

/** Splits text longer than maxChars at the last space that fits, or mid-word when there is none. */
function hardWrap(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    let cut = rest.lastIndexOf(" ", maxChars);
    if (cut <= 0) {
      cut = maxChars;
      if (/[\uDC00-\uDFFF]/.test(rest[cut] ?? "")) cut--; // don't split a surrogate pair
    }
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
