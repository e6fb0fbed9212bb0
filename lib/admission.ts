import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { grouped } from "./grouped";
import { consumeMonthlyQuota, type QuotaResult } from "./quota";
import { allowedResult, consumeRateLimit, refusedResult, type RateLimitResult } from "./rate-limit";

export type Admission = { rate: RateLimitResult; quota: QuotaResult | null };

/**
 * One Chat API request's rate limit and monthly quota: `quota` is null when the rate limit refused
 * (a rate-limited request spends no quota). On PostgreSQL both are one call of admit_requests
 * (migration 0004), and requests of the same integration that arrive while that call is in flight
 * wait for it and then go together as the next call: under load one statement admits many
 * requests instead of each queueing on the same two row locks, and a lone request is sent at once.
 * With REDIS_URL the rate limit is Redis's and the quota a second statement.
 */
export async function admitRequest(
  db: Db,
  args: { rateKey: string; requestsPerMinute: number; workspaceId: string; messagesPerMonth: number },
): Promise<Admission> {
  const { rateKey, requestsPerMinute: limit, workspaceId, messagesPerMonth } = args;
  if (process.env.REDIS_URL || limit <= 0) {
    const rate = await consumeRateLimit(db, { key: rateKey, limit });
    if (!rate.allowed) return { rate, quota: null };
    return { rate, quota: await consumeMonthlyQuota(db, { workspaceId, limit: messagesPerMonth }) };
  }
  return admissions.call(db, args, `${rateKey}\u0000${workspaceId}\u0000${limit}\u0000${messagesPerMonth}`);
}

type AdmitArgs = Parameters<typeof admitRequest>[1];

/** Requests of one key (and limits) that wait for the call in flight go together as the next call. */
const admissions = grouped<Db, AdmitArgs, Admission>({
  max: 256,
  run: async (db, batch) => (await admitMany(db, { ...batch[0]!, n: batch.length })).map((value) => ({ value })),
});

/** admit_requests calls made and requests they answered, since start (for tests and the benchmark). */
export const admissionStats = admissions.stats;

const PERIOD_SECONDS = 60;

/** One admit_requests call for n requests of one key, in order: the first ones get what fits. */
async function admitMany(
  db: Db,
  { rateKey, requestsPerMinute: limit, workspaceId, messagesPerMonth, n }: AdmitArgs & { n: number },
): Promise<Admission[]> {
  const [row] = await queryRows<{
    rl_granted: number;
    rl_base_ahead: number | string;
    rl_ahead_after: number | string;
    q_granted: number;
    q_used_before: number | null;
    q_month: string;
    q_reset: number | string;
  }>(db, sql`select * from admit_requests(${rateKey}, ${n}::int, ${limit}::int, ${PERIOD_SECONDS}::float8, ${workspaceId}, ${messagesPerMonth}::int)`);
  const granted = Number(row!.rl_granted);
  const quotaGranted = Number(row!.q_granted);
  const emission = PERIOD_SECONDS / limit;
  const usedBefore = Number(row!.q_used_before ?? 0);
  const refusedRate = refusedResult(limit, PERIOD_SECONDS, Number(row!.rl_ahead_after));
  const quotaRefused: QuotaResult = {
    allowed: false,
    used: messagesPerMonth,
    limit: messagesPerMonth,
    month: row!.q_month,
    retryAfterSeconds: Math.max(1, Math.ceil(Number(row!.q_reset))),
  };
  return Array.from({ length: n }, (_, i): Admission => {
    if (i >= granted) return { rate: refusedRate, quota: null };
    const rate = allowedResult(limit, PERIOD_SECONDS, Number(row!.rl_base_ahead) + (i + 1) * emission);
    if (i >= quotaGranted) return { rate, quota: quotaRefused };
    return { rate, quota: { allowed: true, used: usedBefore + i + 1, limit: messagesPerMonth, month: row!.q_month } };
  });
}
