import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { consumeMonthlyQuota, type QuotaResult } from "./quota";
import { allowedResult, consumeRateLimit, refusedResult, type RateLimitResult } from "./rate-limit";

export type Admission = { rate: RateLimitResult; quota: QuotaResult | null };

/**
 * One Chat API request's rate limit and monthly quota. On PostgreSQL both are one statement (one
 * round trip): the GCRA upsert, then the quota upsert only if the rate limit let the request through,
 * so a rate-limited request spends no quota. `quota` is null when the rate limit refused.
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
  const period = 60;
  const emission = period / limit;
  const [row] = await queryRows<{ rl_ahead: string | number | null; used: number | null; month: string | null; current_month: string; quota_reset: string | number }>(
    db,
    sql`with clock as (select app_now() as t),
        rl as (
          insert into rate_limits as r (key, tat)
          select ${rateKey}, t + make_interval(secs => ${emission}) from clock
          on conflict (key) do update
            set tat = greatest(r.tat, (select t from clock)) + make_interval(secs => ${emission})
            where greatest(r.tat, (select t from clock)) + make_interval(secs => ${emission}) - (select t from clock)
                  <= make_interval(secs => ${period})
          returning extract(epoch from (r.tat - (select t from clock))) as ahead
        ),
        q as (
          insert into usage as u (workspace_id, month, used)
          select ${workspaceId}, date_trunc('month', (select t from clock) at time zone 'UTC')::date, 1
          where exists (select 1 from rl) and ${messagesPerMonth}::int > 0
          on conflict (workspace_id, month) do update set used = u.used + 1 where u.used < ${messagesPerMonth}::int
          returning used, month::text as month
        )
        select (select ahead from rl) as rl_ahead,
               (select used from q) as used,
               (select month from q) as month,
               date_trunc('month', t at time zone 'UTC')::date::text as current_month,
               extract(epoch from (date_trunc('month', t at time zone 'UTC') + interval '1 month' - (t at time zone 'UTC'))) as quota_reset
        from clock`,
  );
  if (row!.rl_ahead === null) {
    const [state] = await queryRows<{ ahead: string | number }>(db, sql`select extract(epoch from (tat - app_now())) as ahead from rate_limits where key = ${rateKey}`);
    return { rate: refusedResult(limit, period, Number(state?.ahead ?? period)), quota: null };
  }
  const rate = allowedResult(limit, period, Number(row!.rl_ahead));
  const quota: QuotaResult =
    row!.used !== null
      ? { allowed: true, used: Number(row!.used), limit: messagesPerMonth, month: row!.month! }
      : { allowed: false, used: messagesPerMonth, limit: messagesPerMonth, month: row!.current_month, retryAfterSeconds: Math.max(1, Math.ceil(Number(row!.quota_reset))) };
  return { rate, quota };
}
