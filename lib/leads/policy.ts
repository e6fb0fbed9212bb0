import type { Bot, Conversation, LeadField } from "@/db/schema";
import type { EngineResult } from "@/lib/engine/types";
import { extractLeadDetails, showsBuyingIntent, type LeadDetails } from "./extract";

type LeadState = Pick<Conversation, "leadAskedAt" | "leadId">;

/** Whether the bot may still ask this conversation's lead for required fields it has not given. */
export function mayAskMissing(bot: Pick<Bot, "leadCapture">, state: LeadState): boolean {
  return (
    bot.leadCapture.enabled &&
    !!state.leadId &&
    !state.leadAskedAt &&
    Object.values(bot.leadCapture.fields).includes("required")
  );
}

export type LeadFollowUp = {
  /** Contact details found in the user's message (enabled fields only). */
  lead: LeadDetails | null;
  /** Replaces the reply when the message was the user's details rather than a question. */
  thanks: string | null;
  /** The one request for details to append to the reply. */
  ask: string | null;
};

/**
 * After the bot answered: find contact details (a name given before the email still belongs to the
 * lead), and ask for them once (after N messages or on buying intent), never nagging, nor in the same
 * reply as another follow-up.
 */
export function leadFollowUp(args: {
  bot: Pick<Bot, "leadCapture">;
  state: LeadState;
  message: string;
  kind: EngineResult["kind"];
  /** The user's messages in this conversation, this one included. */
  userMessageCount: number;
  /** Earlier user messages, newest last. */
  earlierUserMessages: string[];
  /** The conversation's lead as stored, when it has one (to ask only for what is missing). */
  knownLead?: LeadDetails | null;
  /** Whether the reply already carries a follow-up (an offer of a person). */
  followedUp: boolean;
}): LeadFollowUp {
  const { state } = args;
  const lc = args.bot.leadCapture;
  const out: LeadFollowUp = { lead: null, thanks: null, ask: null };
  if (!lc.enabled) return out;
  const expecting = !!state.leadAskedAt;
  const current = extractLeadDetails(args.message, { expecting });
  // A known lead can be completed by a name or company alone ("Lin Chen" after "could you share your name?").
  const completes = !!state.leadId && !!(current.name || current.company);
  let lead: LeadDetails | null = null;
  if (current.email || current.phone || completes) {
    const earlier = args.earlierUserMessages.slice(-6).map((m) => extractLeadDetails(m));
    const merged: LeadDetails = {};
    for (const d of [...earlier, current])
      Object.assign(merged, Object.fromEntries(Object.entries(d).filter(([, v]) => v)));
    lead = onlyEnabled(merged, lc.fields);
    if (!lead.email && !lead.phone && !completes) lead = null;
  }
  out.lead = lead;
  if (lead && args.kind === "fallback") {
    // The user answered with their details, not a question: thank them; this is no failed answer.
    out.thanks = `Thank you${lead.name ? `, ${lead.name.split(" ")[0]}` : ""}! A member of our team will be in touch${lead.email ? ` at ${lead.email}` : lead.phone ? ` at ${lead.phone}` : ""}.`;
  }
  // What we know of this person: the stored lead, with what this message added.
  const known: LeadDetails | null = state.leadId || lead ? { ...(args.knownLead ?? {}), ...(lead ?? {}) } : null;
  const missing = (Object.keys(lc.fields) as LeadField[]).filter((f) => lc.fields[f] === "required" && !known?.[f]);
  const due =
    (lc.askAfterMessages !== null && args.userMessageCount >= lc.askAfterMessages) ||
    (lc.askOnIntent && showsBuyingIntent(args.message));
  if (!state.leadAskedAt && !args.followedUp) {
    if (!known && due && args.kind !== "fallback") out.ask = lc.askMessage;
    // Details came, but not all the required ones: ask for the rest, once.
    else if (known && missing.length > 0 && (due || lead))
      out.ask = `Could you also share your ${listOf(missing.map((f) => FIELD_WORDS[f]))}?`;
  }
  return out;
}

const FIELD_WORDS: Record<LeadField, string> = {
  name: "name",
  email: "email address",
  phone: "phone number",
  company: "company name",
};

function listOf(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function onlyEnabled(details: LeadDetails, fields: Record<LeadField, "off" | "optional" | "required">): LeadDetails {
  const out: LeadDetails = {};
  for (const key of Object.keys(details) as LeadField[])
    if (fields[key] !== "off" && details[key]) out[key] = details[key];
  return out;
}
