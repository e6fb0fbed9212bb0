import { createHash } from "node:crypto";
import type { Db } from "@/db";
import { grouped } from "@/db/grouped";
import {
  admitRequests,
  endUserLimitKey,
  takeQuotas,
  type EndUserBatch,
  type QuotasGrant,
  type RateGrant,
} from "@/db/queries/limits";
import { closedResult, decisions, type RateLimitResult, type RateRule } from "./gcra";
import { quotaDecisions, type QuotaResult } from "./quota";
import { takeChainOnRedis } from "./rate-limit";

/** Which limit refused a request, in the order they are checked (null: admitted). */
export type Refusal = "user_rate" | "rate" | "user_quota" | "quota";

export type Admission = {
  /** The integration's rate limit (the X-RateLimit-* headers). */
  rate: RateLimitResult;
  /** The workspace's monthly quota; null when a limit before it refused. */
  quota: QuotaResult | null;
  /** The end user's own limits, when the integration sets them and the request names a user_id. */
  endUser: { rate: RateLimitResult | null; quota: QuotaResult | null } | null;
  refusedBy: Refusal | null;
};

/** An integration's limits per end user (null: none), and the user a request is from. */
export type EndUserLimits = {
  integrationId: string;
  userId: string;
  requestsPerMinute: number | null;
  messagesPerMonth: number | null;
};

type AdmitArgs = {
  rateKey: string;
  requestsPerMinute: number;
  workspaceId: string;
  messagesPerMonth: number;
  /** Given when the integration limits its end users and the request names one. */
  endUser?: EndUserLimits | null;
};

type Batch = Omit<AdmitArgs, "endUser"> & { endUser: EndUserBatch | null };

const PERIOD_SECONDS = 60;

/** The end user's limiter key on an integration (a digest of the user id, never the id itself). */
export function endUserKey(integrationId: string, userId: string): string {
  return endUserLimitKey(integrationId, createHash("sha256").update(userId).digest("hex"));
}

/**
 * One Chat API request's limits, checked in this order: the end user's requests a minute and the
 * integration's (rate limits), the end user's messages a month and the workspace's (quotas). A request
 * refused by one spends nothing of any. Requests with the same limits that arrive while their
 * statement is in flight wait for it and then go together as the next one (a lone request goes at
 * once, as a batch of one): under load one statement admits many requests instead of each queueing on
 * the same row locks. On PostgreSQL that statement is admit_requests (all limits in one call); with
 * REDIS_URL the rate limits are Redis's and the quotas take_quotas.
 */
export function admitRequest(db: Db, args: AdmitArgs): Promise<Admission> {
  const { rateKey, requestsPerMinute, workspaceId, messagesPerMonth } = args;
  const eu = args.endUser;
  const endUser: EndUserBatch | null =
    eu && (eu.requestsPerMinute || eu.messagesPerMonth != null)
      ? {
          rateKey: endUserKey(eu.integrationId, eu.userId),
          subject: endUserKey(eu.integrationId, eu.userId),
          requestsPerMinute: eu.requestsPerMinute,
          messagesPerMonth: eu.messagesPerMonth,
        }
      : null;
  const group = [rateKey, workspaceId, requestsPerMinute, messagesPerMonth];
  if (endUser) group.push(endUser.rateKey, endUser.requestsPerMinute ?? "-", endUser.messagesPerMonth ?? "-");
  return admissions.call(
    db,
    { rateKey, requestsPerMinute, workspaceId, messagesPerMonth, endUser },
    group.join("\u0000"),
  );
}

const admissions = grouped<Db, Batch, Admission>({
  name: "admission",
  max: 256,
  run: async (db, batch) => (await admitBatch(db, batch[0]!, batch.length)).map((value) => ({ value })),
});

/** n requests of one key, in order: the first ones get what fits. */
async function admitBatch(db: Db, args: Batch, n: number): Promise<Admission[]> {
  const rule = { limit: args.requestsPerMinute, periodSeconds: PERIOD_SECONDS };
  if (rule.limit <= 0)
    return Array.from({ length: n }, () => ({
      rate: closedResult(rule),
      quota: null,
      endUser: null,
      refusedBy: "rate",
    }));
  const userRule = args.endUser?.requestsPerMinute
    ? { limit: args.endUser.requestsPerMinute, periodSeconds: PERIOD_SECONDS }
    : null;
  const { userRate, rate, quotas } = await takeAll(db, args, n, rule, userRule);
  // As if the batch's requests came one after another: a request one limit refuses is given back to
  // the limits before it, so when the integration's limit (or the workspace's quota) is the one that
  // ran out, every request past it is refused by that one, not by the end user's.
  const spentByUser = rate.granted;
  const rateRefusal: Refusal = rate.granted < userRate.granted ? "rate" : "user_rate";
  const quotaRefusal: Refusal = quotas.quota.granted < quotas.userGranted ? "quota" : "user_quota";
  const userRates = userRule ? decisions(userRule, { ...userRate, granted: spentByUser }, n) : null;
  const rates = decisions(rule, rate, n);
  const userMonthLimit = args.endUser?.messagesPerMonth;
  const userQuotas =
    userMonthLimit != null
      ? quotaDecisions(
          { ...quotas.quota, granted: quotas.quota.granted, usedBefore: quotas.userUsedBefore },
          userMonthLimit,
          n,
        )
      : null;
  const workspaceQuotas = quotaDecisions(quotas.quota, args.messagesPerMonth, n);
  return Array.from({ length: n }, (_, i): Admission => {
    const endUser = args.endUser ? { rate: userRates?.[i] ?? null, quota: userQuotas?.[i] ?? null } : null;
    const base = { rate: rates[i]!, endUser };
    if (i >= rate.granted) return { ...base, quota: null, refusedBy: rateRefusal };
    if (i >= quotas.quota.granted) return { ...base, quota: workspaceQuotas[i]!, refusedBy: quotaRefusal };
    return { ...base, quota: workspaceQuotas[i]!, refusedBy: null };
  });
}

async function takeAll(
  db: Db,
  args: Batch,
  n: number,
  rule: RateRule,
  userRule: RateRule | null,
): Promise<{ userRate: RateGrant; rate: RateGrant; quotas: QuotasGrant }> {
  const { rateKey: key, workspaceId, messagesPerMonth: monthLimit, endUser } = args;
  // Redis: the end user's rate limit and the integration's as one chain (what the integration's refuses
  // is given back to the user's), then both quotas on PostgreSQL. Without Redis, or when it cannot be
  // reached, PostgreSQL decides all of it in one statement.
  const user = userRule && endUser ? [{ key: endUser.rateKey, rule: userRule }] : [];
  const onRedis = await takeChainOnRedis(n, [...user, { key, rule }]);
  if (!onRedis) return admitRequests(db, { key, n, ...rule, workspaceId, monthLimit, endUser });
  const rate = onRedis[onRedis.length - 1]!;
  const userRate = user.length ? onRedis[0]! : { granted: n, baseAhead: 0 };
  const quotas = await takeQuotas(db, { workspaceId, n: rate.granted, limit: monthLimit, endUser });
  return { userRate, rate, quotas };
}
