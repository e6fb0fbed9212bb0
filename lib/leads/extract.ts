import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";

export type LeadDetails = { name?: string; email?: string; phone?: string; company?: string };

/**
 * Fewer digits than this and no phone number can be valid (the shortest, a small country's, have seven with
 * their calling code): libphonenumber's search (1.3% of the Chat API's CPU in bench/profile.ts) is skipped.
 */
const MIN_PHONE_DIGITS = 5;
const mayHoldPhone = (text: string) => (text.match(/\d/g)?.length ?? 0) >= MIN_PHONE_DIGITS;

const EMAIL_CANDIDATE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const emailSchema = z.email();

// Words that follow "I'm" without being a name: "I'm interested", "I'm looking for…".
const NOT_NAMES = new Set(
  (
    "a an the interested looking trying wondering not just here so very really also still happy glad sorry fine good ok okay " +
    "new back done ready sure curious calling writing asking going having getting thinking planning from with in at on " +
    "about after before your you my our their his her it this that there what who how why when where which hello hi hey " +
    "thanks thank yes no please customer client user buyer owner manager interested bot human agent person someone available"
  ).split(" "),
);

const NAME_WORD = /^[\p{Lu}][\p{L}'’-]*$/u;

/** "Ada Lovelace" from "ada lovelace" or "ADA"; null when the words do not look like a person's name. */
function cleanName(raw: string): string | undefined {
  const words = raw
    .trim()
    .replace(/[.,!?;:]+$/, "")
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 4) return undefined;
  if (words.some((w) => NOT_NAMES.has(w.toLowerCase()) || !/^[\p{L}'’-]+$/u.test(w) || w.length > 30)) return undefined;
  return words
    .map((w) => (w === w.toLowerCase() || w === w.toUpperCase() ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w))
    .join(" ");
}

const NAME_PATTERNS = [
  /\bmy name(?:'s| is)\s+([\p{L}'’ -]{2,60}?)(?=[,.!?;]|\s+(?:and|from|at|with|my|i|email|phone)\b|$)/iu,
  /\b(?:[Ii] am|[Ii]['’]m|[Ii]m)\s+([\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+){0,2})(?=[,.!?;]|\s+(?:and|from|at|with|here)\b|$)/u,
  /\b(?:this is|call me|name:)\s+([\p{L}'’ -]{2,60}?)(?=[,.!?;]|\s+(?:and|from|at|with|here|my)\b|$)/iu,
  /^\s*([\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+){0,2})\s+here\b/u,
];

const COMPANY_PATTERNS = [
  /\b(?:my company is|our company is|company(?: name)? is|company:)\s+([\p{L}0-9&'’.,() -]{2,80}?)(?=[.!?;]|\s+(?:and|my)\b|$)/iu,
  /\b[Ii] (?:work|am) (?:at|for)\s+([\p{Lu}0-9][\p{L}0-9&'’. -]{1,60}?)(?=[,.!?;]|\s+(?:and|my|as)\b|$)/u,
];

/**
 * Contact details a user wrote in a message: a valid email, a phone number (parsed and validated with
 * libphonenumber's full metadata, stored as E.164), a name from natural phrasing ("my name is…",
 * "I'm Ada Lovelace", "Ada here") and a company from explicit phrasing. `expecting` marks a reply to
 * the bot's request for details, where a bare "Ada Lovelace, ada@example.com" counts as a name.
 */
export function extractLeadDetails(
  message: string,
  { defaultCountry = "US", expecting = false }: { defaultCountry?: CountryCode; expecting?: boolean } = {},
): LeadDetails {
  const found: LeadDetails = {};
  const text = message.normalize("NFKC").slice(0, 2000);

  for (const candidate of text.match(EMAIL_CANDIDATE) ?? []) {
    const email = candidate.replace(/^[._%+-]+/, "").toLowerCase();
    if (emailSchema.safeParse(email).success) {
      found.email = email;
      break;
    }
  }

  const withoutEmails = text.replace(EMAIL_CANDIDATE, " ");
  const phone = mayHoldPhone(withoutEmails)
    ? findPhoneNumbersInText(withoutEmails, { defaultCountry }).find((p) => p.number.isValid())
    : undefined;
  if (phone) found.phone = phone.number.number;

  for (const pattern of NAME_PATTERNS) {
    const m = withoutEmails.match(pattern);
    const name = m?.[1] ? cleanName(m[1]) : undefined;
    if (name) {
      found.name = name;
      break;
    }
  }
  if (!found.name && expecting) {
    // A reply to "could you share your name and email?": the words around the contact details.
    const rest = withoutEmails
      .replace(/[+(]?\d[\d\s().-]{5,}\d/g, " ")
      .split(/[,;\n]|\s+-\s+|\band\b/i)
      .map((p) => p.replace(/^(?:sure|yes|ok|okay|hi|hello|of course)[!,.:; ]*/i, "").trim())
      .filter(Boolean);
    for (const part of rest) {
      const name = cleanName(part);
      if (name && name.split(" ").every((w) => NAME_WORD.test(w))) {
        found.name = name;
        break;
      }
    }
  }

  for (const pattern of COMPANY_PATTERNS) {
    const m = withoutEmails.match(pattern);
    const company = m?.[1]?.trim().replace(/[.,]+$/, "");
    if (company && company.length >= 2) {
      found.company = company;
      break;
    }
  }
  return found;
}

/**
 * The message without the contact details in it ("I'm Ada Lovelace, ada@example.com, what does Pro
 * cost?" → "what does Pro cost?"), so a name or an address does not drown the question when the
 * knowledge is searched. Returns the message unchanged when nothing else is left.
 */
export function withoutContactDetails(
  message: string,
  { defaultCountry = "US" }: { defaultCountry?: CountryCode } = {},
): string {
  let text = message.replace(EMAIL_CANDIDATE, " ");
  const phones = mayHoldPhone(text) ? findPhoneNumbersInText(text, { defaultCountry }) : [];
  for (const p of phones.reverse()) text = text.slice(0, p.startsAt) + " " + text.slice(p.endsAt);
  for (const pattern of NAME_PATTERNS) {
    const m = text.match(pattern);
    if (m?.[1] && cleanName(m[1])) text = text.replace(m[0], " ");
  }
  const rest = text
    .replace(
      /(?:^|\s)(?:my (?:email|e-mail|phone|number|mobile)(?: address)? is|(?:you can )?reach me (?:at|on)|call me (?:at|on)|or)(?=[\s,.;:!?]|$)/gi,
      " ",
    )
    .replace(/^[\s,.;:!?-]+|[\s,;:-]+$/g, "")
    .replace(/\s*([,;])(?:\s*[,;])+/g, "$1")
    .replace(/\s{2,}/g, " ")
    .trim();
  return /\p{L}{2,}/u.test(rest) ? rest : message;
}

const INTENT =
  /\b(pric(?:e|es|ing)|cost|costs|how much|quote|demo|trial|buy|purchase|order|sales|contact|call me|reach me|sign up|subscribe|upgrade|discount|invoice|plans?)\b/i;

/** The user shows buying intent (pricing, demo, quote, contact…). */
export function showsBuyingIntent(message: string): boolean {
  return INTENT.test(message);
}
