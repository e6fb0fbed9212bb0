/**
 * The rate limit's arithmetic (GCRA: one "theoretical arrival time" per key), pure. The stores that
 * hold the arrival time atomically, PostgreSQL's `gcra_admit` (db/migrations) and Redis's script
 * (lib/rate-limit-redis.ts), each take a batch of n requests and apply one rule atomically: request i
 * (1-based) passes while ahead + i × emission ≤ period, where `ahead` is how far the arrival time is
 * ahead of the store's clock. They report how many passed and `ahead`; this file turns that into every
 * request's numbers, the same for both stores.
 */

export type RateLimitResult = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the limit is fully restored. */
  resetSeconds: number;
  /** Seconds to wait before the next request can pass (0 when allowed). */
  retryAfterSeconds: number;
};

/** What a store decided for a batch: the first `granted` requests pass; `baseAhead` is seconds ahead before them. */
export type Grant = { granted: number; baseAhead: number };

export type RateRule = { limit: number; periodSeconds: number };

/** Seconds between two requests at the steady rate. */
export function emissionSeconds({ limit, periodSeconds }: RateRule): number {
  return periodSeconds / limit;
}

/** Every request's numbers for a batch the store decided, in arrival order. */
export function decisions(rule: RateRule, grant: Grant, n: number): RateLimitResult[] {
  const emission = emissionSeconds(rule);
  const refused = refusedResult(rule, grant.baseAhead + grant.granted * emission);
  return Array.from({ length: n }, (_, i) =>
    i < grant.granted ? allowedResult(rule, grant.baseAhead + (i + 1) * emission) : refused,
  );
}

/** Every request refused: a limit of zero or less lets nothing through. */
export function closedResult({ limit, periodSeconds }: RateRule): RateLimitResult {
  return { allowed: false, limit, remaining: 0, resetSeconds: periodSeconds, retryAfterSeconds: periodSeconds };
}

/** An admitted request's numbers, from how far the key's arrival time is ahead of now (seconds). */
function allowedResult(rule: RateRule, ahead: number): RateLimitResult {
  return {
    allowed: true,
    limit: rule.limit,
    remaining: Math.max(0, Math.floor((rule.periodSeconds - ahead) / emissionSeconds(rule) + 1e-9)),
    resetSeconds: Math.max(0, Math.ceil(ahead)),
    retryAfterSeconds: 0,
  };
}

/** A refused request's numbers: Retry-After is when one more request fits in the window. */
function refusedResult(rule: RateRule, ahead: number): RateLimitResult {
  return {
    allowed: false,
    limit: rule.limit,
    remaining: 0,
    resetSeconds: Math.max(1, Math.ceil(ahead)),
    retryAfterSeconds: Math.max(1, Math.ceil(ahead + emissionSeconds(rule) - rule.periodSeconds)),
  };
}

/** The headers' numbers without spending anything, from how far the arrival time is ahead (idempotent replays). */
export function peekResult(
  rule: RateRule,
  ahead: number,
): Pick<RateLimitResult, "limit" | "remaining" | "resetSeconds"> {
  const emission = rule.periodSeconds / Math.max(rule.limit, 1);
  const clamped = Math.max(0, ahead);
  return {
    limit: rule.limit,
    remaining: Math.max(0, Math.min(rule.limit, Math.floor((rule.periodSeconds - clamped) / emission + 1e-9))),
    resetSeconds: Math.max(0, Math.ceil(clamped)),
  };
}
