import type { Db } from "@/db";
import { grouped } from "@/db/grouped";
import { gcraAdmit, rateLimitAhead, type RateGrant } from "@/db/queries/limits";
import { closedResult, decisions, peekResult, type RateLimitResult, type RateRule } from "./gcra";
import { logEvent } from "./log";
import { gcraAdmitChainRedis, rateLimitAheadRedis } from "./rate-limit-redis";

export type { RateLimitResult } from "./gcra";

/**
 * The rate limit: GCRA (lib/gcra.ts) with one theoretical arrival time per key, held by PostgreSQL
 * (gcra_admit, on the database clock) or, when REDIS_URL is set, by Redis (the same rule, on Redis's
 * clock). Either store decides a batch of requests atomically, so exactly `limit` pass a burst from
 * any number of app instances: a read-then-write limiter would let far more through.
 */

/** Whether arrival times are kept on Redis (REDIS_URL) rather than PostgreSQL. */
export function rateLimitOnRedis(): boolean {
  return Boolean(process.env.REDIS_URL);
}

/** n requests of one key against the rule, in arrival order, on the configured store. */
export async function takeFromRateLimit(
  db: Db,
  { key, n, rule }: { key: string; n: number; rule: RateRule },
): Promise<RateGrant> {
  const onRedis = await takeChainOnRedis(n, [{ key, rule }]);
  return onRedis ? onRedis[0]! : gcraAdmit(db, { key, n, ...rule });
}

/**
 * n requests against a chain of limits on Redis in one atomic step (lib/rate-limit-redis.ts: what a later
 * limit refuses is given back to the earlier ones). Null when REDIS_URL is unset or Redis cannot be
 * reached: the caller asks PostgreSQL then, never failing open.
 */
export async function takeChainOnRedis(
  n: number,
  chain: Array<{ key: string; rule: RateRule }>,
): Promise<RateGrant[] | null> {
  const url = process.env.REDIS_URL;
  if (!url) return null;
  try {
    return await gcraAdmitChainRedis(
      url,
      n,
      chain.map(({ key, rule }) => ({ key, ...rule })),
    );
  } catch (error) {
    logEvent("rate_limit_redis_unavailable", { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

type Request = { key: string; limit: number; periodSeconds: number };

/** Requests of one key that arrive while its statement is in flight go together as the next one; a lone request goes at once. */
const requests = grouped<Db, Request, RateLimitResult>({
  name: "rate-limit",
  max: 256,
  async run(db, batch) {
    const { key, limit, periodSeconds } = batch[0]!;
    const rule = { limit, periodSeconds };
    const grant = await takeFromRateLimit(db, { key, n: batch.length, rule });
    return decisions(rule, grant, batch.length).map((value) => ({ value }));
  },
});

/** Spends one request of the key's limit (or is refused, with when to retry). */
export function consumeRateLimit(
  db: Db,
  { key, limit, periodSeconds = 60 }: { key: string; limit: number; periodSeconds?: number },
): Promise<RateLimitResult> {
  if (limit <= 0) return Promise.resolve(closedResult({ limit, periodSeconds }));
  return requests.call(db, { key, limit, periodSeconds }, `${key}\u0000${limit}\u0000${periodSeconds}`);
}

/** The limiter's state for a key without spending anything (headers on an idempotent replay). */
export async function peekRateLimit(
  db: Db,
  { key, limit, periodSeconds = 60 }: { key: string; limit: number; periodSeconds?: number },
): Promise<Pick<RateLimitResult, "limit" | "remaining" | "resetSeconds">> {
  const url = process.env.REDIS_URL;
  // An unreachable Redis reads as "unknown here", and PostgreSQL's state answers, as for spending.
  const onRedis = url ? await rateLimitAheadRedis(url, key).catch(() => null) : null;
  return peekResult({ limit, periodSeconds }, onRedis ?? (await rateLimitAhead(db, key)));
}
