import type { Admission } from "@/lib/admission";
import type { RateLimitResult } from "@/lib/rate-limit";

/** The rate limit's numbers as the Chat API's X-RateLimit-* headers. */
export function rateLimitHeaders(rate: Pick<RateLimitResult, "limit" | "remaining" | "resetSeconds">) {
  return {
    "X-RateLimit-Limit": String(rate.limit),
    "X-RateLimit-Remaining": String(rate.remaining),
    "X-RateLimit-Reset": String(rate.resetSeconds),
  };
}

/**
 * An admission's headers: the integration's X-RateLimit-*, and, where the integration limits its end
 * users, X-RateLimit-User-* (their requests a minute) and X-Quota-User-* (their messages this month;
 * Reset in seconds until the month ends, UTC).
 */
export function admissionHeaders({ rate, endUser }: Pick<Admission, "rate" | "endUser">): Record<string, string> {
  const headers: Record<string, string> = rateLimitHeaders(rate);
  if (endUser?.rate) {
    headers["X-RateLimit-User-Limit"] = String(endUser.rate.limit);
    headers["X-RateLimit-User-Remaining"] = String(endUser.rate.remaining);
    headers["X-RateLimit-User-Reset"] = String(endUser.rate.resetSeconds);
  }
  if (endUser?.quota) {
    const q = endUser.quota;
    headers["X-Quota-User-Limit"] = String(q.limit);
    headers["X-Quota-User-Remaining"] = String(Math.max(0, q.limit - q.used));
    headers["X-Quota-User-Reset"] = String(q.resetSeconds);
  }
  return headers;
}
