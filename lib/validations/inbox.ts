/** Search params of the conversations inbox and the leads page, parsed leniently: anything malformed is ignored. */

import { isId } from "@/lib/ids";

export const CONVERSATION_STATUSES = ["handoff_requested", "human_active", "bot", "resolved"] as const;
export type ConversationStatusFilter = (typeof CONVERSATION_STATUSES)[number] | "handed_off";

export const STATUS_LABELS: Record<(typeof CONVERSATION_STATUSES)[number], string> = {
  handoff_requested: "Waiting for team",
  human_active: "Team member active",
  bot: "Bot",
  resolved: "Resolved",
};

export type InboxFilters = {
  integrationId?: string;
  /** Conversations from the dashboard's test chat (no integration). */
  testChat?: boolean;
  botId?: string;
  status?: ConversationStatusFilter;
  hasLead?: boolean;
  /** Inclusive UTC days (YYYY-MM-DD) of the last activity. */
  from?: string;
  to?: string;
};

export type LeadFilters = { q?: string; botId?: string; integrationId?: string; from?: string; to?: string };

type Params = Record<string, string | string[] | undefined>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function one(params: Params, key: string): string | undefined {
  const v = params[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

function day(value: string | undefined): string | undefined {
  if (!value || !DAY.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : value;
}

export function parseInboxFilters(params: Params): InboxFilters {
  const out: InboxFilters = {};
  const integration = one(params, "integration");
  if (integration === "test") out.testChat = true;
  else if (isId("int", integration)) out.integrationId = integration;
  const bot = one(params, "bot");
  if (isId("bot", bot)) out.botId = bot;
  const status = one(params, "status");
  if (status === "handed_off" || (CONVERSATION_STATUSES as readonly string[]).includes(status ?? ""))
    out.status = status as ConversationStatusFilter;
  const lead = one(params, "lead");
  if (lead === "yes") out.hasLead = true;
  else if (lead === "no") out.hasLead = false;
  out.from = day(one(params, "from"));
  out.to = day(one(params, "to"));
  return out;
}

export function parseLeadFilters(params: Params): LeadFilters {
  const out: LeadFilters = {};
  const q = one(params, "q");
  if (q) out.q = q.slice(0, 200);
  const bot = one(params, "bot");
  if (isId("bot", bot)) out.botId = bot;
  const integration = one(params, "integration");
  if (isId("int", integration)) out.integrationId = integration;
  out.from = day(one(params, "from"));
  out.to = day(one(params, "to"));
  return out;
}

/** The filters as a query string (for links that keep them, e.g. the CSV export). */
export function filtersQuery(params: Record<string, string | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "" && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
