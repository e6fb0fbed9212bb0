import type { Db } from "@/db";
import { isDatabaseUnavailable } from "@/db/availability";
import { refundExpiredHolds, refundQuota, type QuotaGrant } from "@/db/queries/limits";
import { errorFields, logEvent } from "./log";

/**
 * The monthly message quota: a calendar month (UTC, by the database clock) per workspace (and, where an
 * integration limits its end users, per end user: the hold then gives back both months), taken by
 * PostgreSQL's take_quota (alone, or inside admit_requests) with the usage row locked, so under any
 * concurrency exactly `limit` messages are admitted. Each message taken has a hold until its outcome
 * is settled: the statement that stores the bot's reply deletes it (the charge stands), a refund
 * deletes it and gives the message back. A refund that cannot be written (the database is down) is
 * retried, and a hold that outlives any request (a crash) is refunded by {@link reconcileQuotaHolds}:
 * quota used comes back to the replies stored.
 */
export type QuotaResult =
  | { allowed: true; used: number; limit: number; month: string; resetSeconds: number; hold: string }
  | { allowed: false; used: number; limit: number; month: string; resetSeconds: number; retryAfterSeconds: number };

/** Each of n requests' outcome, in order, from what take_quota granted them. */
export function quotaDecisions(grant: QuotaGrant, limit: number, n: number): QuotaResult[] {
  const resetSeconds = Math.max(1, Math.ceil(grant.resetSeconds));
  const refused: QuotaResult = {
    allowed: false,
    used: limit,
    limit,
    month: grant.month,
    resetSeconds,
    retryAfterSeconds: resetSeconds,
  };
  return Array.from({ length: n }, (_, i) =>
    i < grant.granted
      ? {
          allowed: true,
          used: grant.usedBefore + i + 1,
          limit,
          month: grant.month,
          resetSeconds,
          hold: grant.holds[i]!,
        }
      : refused,
  );
}

/** How long a hold may stand before the reconciler refunds it: longer than any request lives. */
export function holdLifetimeSeconds(): number {
  const modelMs = Number(process.env.LLM_TIMEOUT_MS) || 25_000;
  return Math.max(600, Math.ceil((3 * modelMs) / 1000) + 60);
}

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Gives back the message of a hold (a failed reply, a request refused after the quota took it). If
 * the database cannot be reached, the refund is retried in the background with back-off for the
 * hold's lifetime (the reconciler takes over after that, or after a crash); each try is conditional
 * on the hold, so nothing is given back twice.
 */
export async function refundMonthlyQuota(db: Db, hold: string): Promise<void> {
  try {
    if (await refundQuota(db, hold)) logEvent("quota_refund", { how: "at_once", messages: 1 });
  } catch (error) {
    logEvent("quota_refund_failed", { ...errorFields(error), retrying: true });
    retryRefund(db, hold, RETRY_FIRST_MS, Date.now() + holdLifetimeSeconds() * 1000);
  }
}

function retryRefund(db: Db, hold: string, delayMs: number, until: number): void {
  if (Date.now() + delayMs > until) return; // the reconciler refunds it
  const timer = setTimeout(() => {
    refundQuota(db, hold).then(
      (refunded) => refunded && logEvent("quota_refund", { how: "retried", messages: 1 }),
      (error: unknown) => {
        if (!isDatabaseUnavailable(error)) logEvent("quota_refund_failed", { ...errorFields(error), retrying: true });
        retryRefund(db, hold, Math.min(delayMs * 2, RETRY_MAX_MS), until);
      },
    );
  }, delayMs);
  timer.unref?.();
}

/** Refunds the holds that outlived any request (lost to a crash or an outage); returns how many. */
export async function reconcileQuotaHolds(db: Db, olderThanSeconds = holdLifetimeSeconds()): Promise<number> {
  const refunded = await refundExpiredHolds(db, olderThanSeconds);
  if (refunded) logEvent("quota_refund", { how: "reconciled", messages: refunded });
  return refunded;
}
