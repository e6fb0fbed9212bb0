/** Search params of the Analytics page and its CSV export, parsed leniently: anything malformed falls back to the default. */

import { isId } from "@/lib/ids";

export type AnalyticsFilters = {
  botId?: string;
  integrationId?: string;
  /** Inclusive UTC days (YYYY-MM-DD). */
  from: string;
  to: string;
};

/** The period shown when none is chosen: the last 30 days, today included. */
export const DEFAULT_DAYS = 30;
/** The longest period, in days: a chart of a day per bar stays readable, and a query stays bounded. */
export const MAX_DAYS = 366;

type Params = Record<string, string | string[] | undefined>;

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function one(params: Params, key: string): string | undefined {
  const v = params[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

/** A real calendar day written YYYY-MM-DD, as milliseconds at its UTC midnight. */
function dayMs(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || dayOf(ms) !== value ? undefined : ms;
}

/**
 * The filters of the page: a bot, an integration and a period (the last 30 days by default; the days
 * given in either order; at most a year, counted back from its last day).
 */
export function parseAnalyticsFilters(params: Params, now = new Date()): AnalyticsFilters {
  const today = Date.parse(`${dayOf(now.getTime())}T00:00:00Z`);
  let to = dayMs(one(params, "to"));
  let from = dayMs(one(params, "from"));
  if (to === undefined) to = from !== undefined && from > today ? from : today;
  if (from === undefined) from = to - (DEFAULT_DAYS - 1) * DAY_MS;
  if (from > to) [from, to] = [to, from];
  from = Math.max(from, to - (MAX_DAYS - 1) * DAY_MS);
  const out: AnalyticsFilters = { from: dayOf(from), to: dayOf(to) };
  const bot = one(params, "bot");
  if (isId("bot", bot)) out.botId = bot;
  const integration = one(params, "integration");
  if (isId("int", integration)) out.integrationId = integration;
  return out;
}
