/** Knowledge text → display units: sentences of paragraphs, whole list items, table rows, each tidied for a reply. */

export type RawUnit = {
  text: string;
  heading: string;
  item: boolean;
  ordered?: boolean;
  list?: number;
  /** A table row's cells alone: the column names repeat in every row, so they label it rather than tell it apart. */
  cells?: string;
  labels?: string;
  /** A table row's columns, each with its label (the header above it). */
  columns?: { label: string; cell: string }[];
};

const ABBREVIATIONS = new Set(
  "e.g i.e inc ltd co corp llc mr mrs ms dr st vs approx jr sr dept u.s a.m p.m z.b bzw ca usw etc env nr tel str p.ej sra sr mme mlle".split(
    " ",
  ),
);

const LIST_ITEM = /^(?:[-*+•]|\d{1,2}[.)])\s+/;
const ORDERED_ITEM = /^\d{1,2}[.)]\s+/;

/** Splits raw chunk text into display units: sentences of paragraphs, whole list items, table rows. */
export function rawUnits(content: string, language = "en"): RawUnit[] {
  const out: RawUnit[] = [];
  let heading = "";
  let paragraph: string[] = [];
  let tableHeader: string[] | undefined;
  let list: number | undefined;
  const flush = () => {
    for (const sentence of splitSentences(paragraph.join(" "), language)) {
      out.push({ text: sentence, heading, item: false });
      list = sentence.endsWith(":") ? out.length - 1 : undefined;
    }
    paragraph = [];
  };
  const pushItem = (text: string, table?: Pick<RawUnit, "cells" | "labels" | "columns">) => {
    flush();
    const previous = list !== undefined ? out[list] : undefined;
    if (previous && !previous.item) previous.list = list;
    list ??= out.length;
    out.push({ text, heading, item: true, ordered: ORDERED_ITEM.test(text), list, ...table });
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
      const cells = line
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim());
      if (cells.every((cell) => /^:?-{2,}:?$/.test(cell))) continue;
      if (!tableHeader) tableHeader = cells;
      else
        pushItem(cells.map((cell, i) => (tableHeader?.[i] ? `${tableHeader[i]}: ${cell}` : cell)).join("; "), {
          cells: cells.join(" "),
          labels: tableHeader.join(" "),
          columns: cells.map((cell, i) => ({ label: tableHeader?.[i] ?? "", cell })),
        });
    } else if (LIST_ITEM.test(line)) {
      pushItem(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out;
}

/**
 * Sentence boundaries that survive "e.g.", "$9.99", "Acme Inc." and "9 a.m.", and in German an ordinal number
 * ("am 3. Oktober", "ab dem 2. Besuch"), which a capitalised noun follows.
 */
export function splitSentences(text: string, language = "en"): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?]+["')\]»]*\s+(?=["'(\[«¿¡]?[\p{Lu}0-9$€£])/gu)) {
    const index = match.index;
    if (match[0].startsWith(".")) {
      const word =
        /(\S+)$/
          .exec(text.slice(start, index))?.[1]
          ?.toLowerCase()
          .replace(/^[("'[]+/, "") ?? "";
      // "J. Smith" is an initial; "19 h. Les…" ends a sentence with a unit.
      const unitAfterNumber = /\d\s?\p{L}$/u.test(text.slice(Math.max(start, index - 4), index));
      if (ABBREVIATIONS.has(word) || (/^\p{L}$/u.test(word) && !unitAfterNumber)) continue;
      if (language === "de" && /(?<![\d.,:])\d{1,3}$/.test(text.slice(start, index))) continue;
    }
    sentences.push(text.slice(start, index + match[0].trimEnd().length).trim());
    start = index + match[0].length;
  }
  sentences.push(text.slice(start).trim());
  return sentences.filter((sentence) => sentence.length > 0);
}

/** Markdown and list markup off; a capital first letter and a closing full stop on. */
export function tidy(text: string): string {
  let out = text
    .replace(/^>\s?/, "")
    .replace(LIST_ITEM, "")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
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
