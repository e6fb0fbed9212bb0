import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { logEvent } from "@/lib/log";

export type RateLimitResult = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the limit is fully restored. */
  resetSeconds: number;
  /** Seconds to wait before the next request can pass (0 when allowed). */
  retryAfterSeconds: number;
};

/**
 * GCRA (one "theoretical arrival time" per key) in a single INSERT … ON CONFLICT DO UPDATE … WHERE
 * statement on the database clock. The row lock makes concurrent requests, from any number of app
 * instances, take turns, so exactly `limit` requests pass in a burst: a read-then-write limiter
 * would let far more through.
 */
export async function consumeRateLimit(
  db: Db,
  { key, limit, periodSeconds = 60 }: { key: string; limit: number; periodSeconds?: number },
): Promise<RateLimitResult> {
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl && limit > 0) {
    try {
      const { consumeRateLimitRedis } = await import("./rate-limit-redis");
      return await consumeRateLimitRedis(redisUrl, { key, limit, periodSeconds });
    } catch (error) {
      // Never fail open: without Redis the same limit is enforced by PostgreSQL.
      logEvent("rate_limit_redis_unavailable", { error: error instanceof Error ? error.message : String(error) });
    }
  }
  return consumeRateLimitSql(db, { key, limit, periodSeconds });
}

/** The PostgreSQL GCRA (see consumeRateLimit). */
export async function consumeRateLimitSql(
  db: Db,
  { key, limit, periodSeconds = 60 }: { key: string; limit: number; periodSeconds?: number },
): Promise<RateLimitResult> {
  if (limit <= 0) return { allowed: false, limit, remaining: 0, resetSeconds: periodSeconds, retryAfterSeconds: periodSeconds };
  const emission = periodSeconds / limit;
  const rows = await queryRows<{ ahead: string | number }>(
    db,
    sql`with clock as (select app_now() as t)
        insert into rate_limits as r (key, tat)
        select ${key}, t + make_interval(secs => ${emission}) from clock
        on conflict (key) do update
          set tat = greatest(r.tat, (select t from clock)) + make_interval(secs => ${emission})
          where greatest(r.tat, (select t from clock)) + make_interval(secs => ${emission}) - (select t from clock)
                <= make_interval(secs => ${periodSeconds})
        returning extract(epoch from (r.tat - (select t from clock))) as ahead`,
  );
  if (rows[0]) return allowedResult(limit, periodSeconds, Number(rows[0].ahead));
  const [state] = await queryRows<{ ahead: string | number }>(
    db,
    sql`select extract(epoch from (tat - app_now())) as ahead from rate_limits where key = ${key}`,
  );
  return refusedResult(limit, periodSeconds, Number(state?.ahead ?? periodSeconds));
}

/** An admitted request's numbers, from how far the key's arrival time is ahead of now (seconds). */
export function allowedResult(limit: number, periodSeconds: number, ahead: number): RateLimitResult {
  const emission = periodSeconds / limit;
  return {
    allowed: true,
    limit,
    remaining: Math.max(0, Math.floor((periodSeconds - ahead) / emission + 1e-9)),
    resetSeconds: Math.max(0, Math.ceil(ahead)),
    retryAfterSeconds: 0,
  };
}

/** A refused request's numbers: Retry-After is when one more request fits in the window. */
export function refusedResult(limit: number, periodSeconds: number, ahead: number): RateLimitResult {
  const emission = periodSeconds / limit;
  return {
    allowed: false,
    limit,
    remaining: 0,
    resetSeconds: Math.max(1, Math.ceil(ahead)),
    retryAfterSeconds: Math.max(1, Math.ceil(ahead + emission - periodSeconds)),
  };
}

/** The limiter's state for a key without spending anything (headers on an idempotent replay). */
export async function peekRateLimit(
  db: Db,
  { key, limit, periodSeconds = 60 }: { key: string; limit: number; periodSeconds?: number },
): Promise<Pick<RateLimitResult, "limit" | "remaining" | "resetSeconds">> {
  const emission = periodSeconds / Math.max(limit, 1);
  let ahead = 0;
  const redisUrl = process.env.REDIS_URL;
  try {
    if (!redisUrl) throw new Error("no redis");
    const { peekRateLimitRedis } = await import("./rate-limit-redis");
    ahead = await peekRateLimitRedis(redisUrl, key);
  } catch {
    const [row] = await queryRows<{ ahead: string | number }>(
      db,
      sql`select greatest(extract(epoch from (tat - app_now())), 0) as ahead from rate_limits where key = ${key}`,
    );
    ahead = Number(row?.ahead ?? 0);
  }
  return {
    limit,
    remaining: Math.max(0, Math.min(limit, Math.floor((periodSeconds - ahead) / emission + 1e-9))),
    resetSeconds: Math.max(0, Math.ceil(ahead)),
  };
}
