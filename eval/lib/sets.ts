/**
 * The evaluation sets (issue 17, "How it is measured"): what a set is, how it is read and checked, and
 * how a reply or a passage is scored against a question's expectation. Shared by `npm run eval`
 * (eval/run.ts) and the unit test that validates every set (eval/sets.test.ts).
 *
 * A business is a folder under eval/sets/ holding
 *   business.json   its name, language and the bot's own messages (fallback, offer of a person, handoff),
 *   knowledge/      the pages it publishes (markdown or plain text), imported as files,
 *   tune.json       the half tuners may read and run,
 *   heldout.json    the half nobody tunes against (same categories, same care).
 */
import fs from "node:fs";
import path from "node:path";

export const CATEGORIES = ["direct", "reworded", "typo", "followup", "yesno", "list", "notcovered"] as const;
export type Category = (typeof CATEGORIES)[number];
export const HALVES = ["tune", "heldout"] as const;
export type Half = (typeof HALVES)[number];

export type Business = {
  /** Folder name. */
  name: string;
  /** The business as its customers know it. */
  title: string;
  /** ISO 639-1 code of its pages and questions. */
  language: string;
  /** The bot's fallback message, in the business's language. */
  fallback_message: string;
  /** The bot's offer of a person (handoff settings), in the business's language. */
  offer_message: string;
  /** What the bot says when it hands over, in the business's language. */
  handoff_message: string;
};

export type Question = {
  id: string;
  category: Category;
  question: string;
  /** Earlier user turns, sent first through the same conversation (follow-ups). */
  history?: string[];
  /** A short phrase the passage answering the question contains (retrieval hit@1/hit@3). Absent for notcovered. */
  evidence?: string;
  /** Every entry must be in the reply; `a|b` accepts either wording. Case- and accent-insensitive. */
  answer_includes?: string[];
  /** None of these may be in the reply (a neighbouring fact, the wrong plan's price). */
  answer_excludes?: string[];
  /** The reply must start with yes or no, in the business's language. */
  yes_no?: "yes" | "no";
};

export type HalfFile = { business: string; half: Half; questions: Question[] };

export type LoadedBusiness = Business & {
  dir: string;
  knowledge: { fileName: string; text: string }[];
  halves: Record<Half, Question[]>;
};

export const SETS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "sets");

/** Lower case, accents and markdown marks dropped, typographic quotes and dashes made plain, whitespace collapsed. */
export function norm(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[‘’`]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, "-")
    .replace(/[*_|#]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether the text holds one of the `|`-separated wordings. */
export function holds(text: string, expected: string): boolean {
  const t = norm(text);
  return expected.split("|").some((alt) => {
    const a = norm(alt);
    return a.length > 0 && t.includes(a);
  });
}

const YES = new Set(["yes", "yeah", "yep", "si", "oui", "ja"]);
const NO = new Set(["no", "nope", "non", "nein"]);

/** "yes", "no" or null: how the reply starts, in English, Spanish, French or German. */
export function startsWithYesNo(reply: string): "yes" | "no" | null {
  const first = /^[^\p{L}]*(\p{L}+)/u.exec(norm(reply))?.[1];
  if (!first) return null;
  if (YES.has(first)) return "yes";
  if (NO.has(first)) return "no";
  return null;
}

/** Words a reply may add around the fallback or the offer of a person ("Thanks, Ada!") and still state no fact. */
const COURTESY_WORDS = 12;

/** True when the reply is the bot's fallback or an offer of a person, and states nothing else. */
export function isHonestAbstention(reply: string, business: Business): boolean {
  let rest = norm(reply);
  let found = false;
  for (const message of [business.fallback_message, business.offer_message, business.handoff_message]) {
    const m = norm(message);
    if (rest.includes(m)) {
      rest = rest.replace(m, " ");
      found = true;
    }
  }
  if (!found) return false;
  const words = rest.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.length <= COURTESY_WORDS && !/\d/.test(rest);
}

export type Verdict = { pass: boolean; reasons: string[] };

/** Scores one reply of the built-in engine against the question's expectation. */
export function scoreReply(q: Question, reply: string, business: Business): Verdict {
  const reasons: string[] = [];
  if (q.category === "notcovered" && !isHonestAbstention(reply, business))
    reasons.push("not the fallback or an offer of a person (or states more)");
  if (q.yes_no) {
    const said = startsWithYesNo(reply);
    if (said !== q.yes_no) reasons.push(`expected to start with ${q.yes_no}, started with ${said ?? "neither"}`);
  }
  for (const expected of q.answer_includes ?? []) if (!holds(reply, expected)) reasons.push(`missing: ${expected}`);
  for (const unwanted of q.answer_excludes ?? [])
    if (holds(reply, unwanted)) reasons.push(`should not say: ${unwanted}`);
  return { pass: reasons.length === 0, reasons };
}

/** Whether a passage (title, heading and text) holds the question's evidence. */
export function passageHolds(passage: { title: string; heading: string; content: string }, evidence: string): boolean {
  return holds(`${passage.title} ${passage.heading} ${passage.content}`, evidence);
}

/** Every business folder under eval/sets, or the one named. Throws on a malformed set. */
export function loadBusinesses(only?: string): LoadedBusiness[] {
  const names = fs
    .readdirSync(SETS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (only && !names.includes(only)) throw new Error(`No evaluation set "${only}"; there are: ${names.join(", ")}`);
  return names.filter((n) => !only || n === only).map(loadBusiness);
}

export function loadBusiness(name: string): LoadedBusiness {
  const dir = path.join(SETS_DIR, name);
  const business = JSON.parse(fs.readFileSync(path.join(dir, "business.json"), "utf8")) as Business;
  const knowledgeDir = path.join(dir, "knowledge");
  const knowledge = fs
    .readdirSync(knowledgeDir)
    .filter((f) => /\.(md|txt)$/.test(f))
    .sort()
    .map((fileName) => ({ fileName, text: fs.readFileSync(path.join(knowledgeDir, fileName), "utf8") }));
  const halves = {} as Record<Half, Question[]>;
  for (const half of HALVES) {
    const file = JSON.parse(fs.readFileSync(path.join(dir, `${half}.json`), "utf8")) as HalfFile;
    halves[half] = file.questions;
  }
  return { ...business, name, dir, knowledge, halves };
}

/** Id of a tune-only question added after the halves were split (to calibrate abstention on more cases). */
export const CALIBRATION_ID = /-x\d+$/;

/** What is wrong with a set (empty when nothing): the rules of issue 17 and of eval/README. */
export function problemsOf(b: LoadedBusiness): string[] {
  const problems: string[] = [];
  const all = [...b.halves.tune, ...b.halves.heldout];
  const corpus = norm(b.knowledge.map((k) => k.text).join("\n"));
  const words = b.knowledge
    .map((k) => k.text)
    .join(" ")
    .split(/\s+/)
    .filter(Boolean).length;
  if (words < 1200) problems.push(`knowledge has ${words} words; a business publishes more`);
  for (const field of ["title", "language", "fallback_message", "offer_message", "handoff_message"] as const)
    if (typeof b[field] !== "string" || !b[field].trim()) problems.push(`business.json: ${field} missing`);
  if (all.length < 48) problems.push(`${all.length} questions; at least 48 expected`);
  const ids = new Set<string>();
  for (const q of all) {
    const where = `${q.id ?? "?"}`;
    if (typeof q.id !== "string" || !q.id) problems.push(`a question has no id: ${JSON.stringify(q).slice(0, 80)}`);
    if (ids.has(q.id)) problems.push(`${where}: duplicate id`);
    ids.add(q.id);
    if (!CATEGORIES.includes(q.category)) problems.push(`${where}: unknown category ${q.category}`);
    if (typeof q.question !== "string" || !q.question.trim()) problems.push(`${where}: no question`);
    const known = new Set([
      "id",
      "category",
      "question",
      "history",
      "evidence",
      "answer_includes",
      "answer_excludes",
      "yes_no",
    ]);
    for (const key of Object.keys(q)) if (!known.has(key)) problems.push(`${where}: unknown field ${key}`);
    for (const key of ["answer_includes", "answer_excludes", "history"] as const) {
      const v = q[key];
      if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== "string" || !s.trim())))
        problems.push(`${where}: ${key} must be a list of non-empty strings`);
    }
    if (q.category === "notcovered") {
      if (q.evidence) problems.push(`${where}: a not-covered question has no evidence`);
      if (q.answer_includes?.length) problems.push(`${where}: a not-covered question expects no facts`);
    } else {
      if (typeof q.evidence !== "string" || !q.evidence.trim()) problems.push(`${where}: evidence missing`);
      else if (!corpus.includes(norm(q.evidence)))
        problems.push(`${where}: evidence "${q.evidence}" is not in the knowledge files`);
      if (!q.answer_includes?.length && !q.yes_no) problems.push(`${where}: nothing to check in the reply`);
    }
    if (q.category === "followup" && !q.history?.length) problems.push(`${where}: a follow-up needs history`);
    if (q.category !== "followup" && q.history?.length) problems.push(`${where}: only follow-ups have history`);
    if (q.category === "yesno" && q.yes_no !== "yes" && q.yes_no !== "no") problems.push(`${where}: yes_no missing`);
    if (q.yes_no !== undefined && q.yes_no !== "yes" && q.yes_no !== "no")
      problems.push(`${where}: yes_no is "yes" or "no"`);
    for (const x of q.answer_includes ?? [])
      for (const y of q.answer_excludes ?? [])
        // A wording that holds an excluded fact could never pass.
        if (x.split("|").some((a) => norm(a).includes(norm(y))))
          problems.push(`${where}: "${x}" is both expected and excluded`);
  }
  for (const c of CATEGORIES) {
    // Questions written after the split for calibration (ids ending -x01, -x02…) are tune-only and not balanced.
    const tune = b.halves.tune.filter((q) => q.category === c && !CALIBRATION_ID.test(q.id)).length;
    const held = b.halves.heldout.filter((q) => q.category === c).length;
    if (tune + held < 6) problems.push(`${c}: ${tune + held} questions; at least 6 expected`);
    if (Math.abs(tune - held) > 1) problems.push(`${c}: halves unbalanced (tune ${tune}, heldout ${held})`);
  }
  return problems;
}
