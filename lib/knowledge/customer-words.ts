/**
 * The bot owner's "Words your customers use": one line per rule, the customers' words on the left and
 * the knowledge's on the right, `money back, reimbursed = refund`. A question holding a left-hand
 * phrase is searched for the right-hand words too, at (nearly) full weight. Pure and client-safe: the
 * dashboard form validates with it, retrieval applies it.
 */

export const MAX_CUSTOMER_WORDS_CHARS = 8_000;
export const MAX_CUSTOMER_WORD_RULES = 200;
const MAX_PHRASE_CHARS = 80;

export type CustomerWordRule = { phrases: string[]; means: string };

export type CustomerWordsParse = { ok: true; rules: CustomerWordRule[] } | { ok: false; errors: string[] };

const normalize = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

/** Parses the owner's list; errors name the line ("Line 3: …") so the owner can fix it where it is. */
export function parseCustomerWords(text: string): CustomerWordsParse {
  const errors: string[] = [];
  const rules: CustomerWordRule[] = [];
  if (text.length > MAX_CUSTOMER_WORDS_CHARS)
    return { ok: false, errors: [`Keep the list under ${MAX_CUSTOMER_WORDS_CHARS.toLocaleString("en")} characters.`] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const at = `Line ${i + 1}`;
    const sides = line.split("=");
    if (sides.length !== 2) {
      errors.push(`${at}: write it as “what customers say = the word your knowledge uses”, with one “=”.`);
      return;
    }
    const phrases = sides[0]!.split(",").map(normalize).filter(Boolean);
    const means = normalize(sides[1]!);
    if (!phrases.length) errors.push(`${at}: add the words your customers use before the “=”.`);
    else if (!means) errors.push(`${at}: add the word your knowledge uses after the “=”.`);
    else if ([...phrases, means].some((p) => p.length > MAX_PHRASE_CHARS))
      errors.push(`${at}: keep each phrase under ${MAX_PHRASE_CHARS} characters.`);
    else if ([...phrases, means].some((p) => !/\p{L}|\p{N}/u.test(p)))
      errors.push(`${at}: each side needs at least one letter or digit.`);
    else rules.push({ phrases, means });
  });
  if (rules.length > MAX_CUSTOMER_WORD_RULES)
    errors.push(`Keep the list to ${MAX_CUSTOMER_WORD_RULES} lines (it has ${rules.length}).`);
  return errors.length ? { ok: false, errors } : { ok: true, rules };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");

/** The right-hand words of every rule whose customer phrase occurs in the question (whole words, any case). */
export function customerWordsFor(question: string, rules: CustomerWordRule[]): { word: string; for: string }[] {
  const out: { word: string; for: string }[] = [];
  for (const { phrases, means } of rules)
    for (const phrase of phrases)
      if (new RegExp(`(?<![\\p{L}\\p{N}])${escape(phrase)}(?![\\p{L}\\p{N}])`, "iu").test(question)) {
        out.push({ word: means, for: phrase });
        break;
      }
  return out;
}
