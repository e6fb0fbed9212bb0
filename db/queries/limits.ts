import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";

/**
 * The rate limit's and the monthly quota's statements (their functions are in db/migrations: gcra_admit,
 * take_quota, admit_requests). The rules' arithmetic and the choice of store are in lib/rate-limit.ts,
 * lib/quota.ts and lib/admission.ts; these only run the calls.
 */

/** What gcra_admit decided for a batch: the first `granted` pass; `baseAhead`: seconds the arrival time was ahead before them. */
export type RateGrant = { granted: number; baseAhead: number };
/**
 * What take_quota decided: the first `granted` are counted, each with a hold (quota_holds) that the
 * stored reply or a refund settles; `resetSeconds` until the month (UTC) ends.
 */
export type QuotaGrant = { granted: number; usedBefore: number; month: string; resetSeconds: number; holds: string[] };

/**
 * The holds of what a quota statement granted, written in that same statement (so a charge never lacks
 * one). `subject`: the end user's month that counted the messages too (null: only the workspace's).
 */
const HOLDS = (workspaceId: string, subject: string | null = null) =>
  sql`holds as (insert into quota_holds (workspace_id, month, subject, created_at)
        select ${workspaceId}, granted_month::date, ${subject}::text, app_now() from taken, generate_series(1, granted_n)
        returning id)`;
const HOLD_IDS = sql`(select coalesce(array_agg(id::text order by id), '{}') from holds) as hold_ids`;

function holdIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string")
    return value
      .replace(/^\{|\}$/g, "")
      .split(",")
      .filter(Boolean); // a text[] left unparsed
  return [];
}

type Batch = { key: string; n: number; limit: number; periodSeconds: number };

/** n requests of one key against the rate limit, in order (gcra_admit). */
export async function gcraAdmit(db: Db, { key, n, limit, periodSeconds }: Batch): Promise<RateGrant> {
  const [row] = await queryRows<{ granted: number; base_ahead: number | string }>(
    db,
    sql`select * from gcra_admit(${key}, ${n}::int, ${limit}::int, ${periodSeconds}::float8)`,
  );
  return { granted: Number(row!.granted), baseAhead: Number(row!.base_ahead) };
}

/** Up to n messages from the workspace's monthly quota (take_quota). */
export async function takeQuota(
  db: Db,
  { workspaceId, n, limit }: { workspaceId: string; n: number; limit: number },
): Promise<QuotaGrant> {
  const [row] = await queryRows<{
    granted: number;
    used_before: number | null;
    quota_month: string;
    reset_seconds: number | string;
    hold_ids: unknown;
  }>(
    db,
    sql`with taken as materialized (
          select q.*, q.granted as granted_n, q.quota_month as granted_month
          from take_quota(${workspaceId}, ${n}::int, ${limit}::int) q),
        ${HOLDS(workspaceId)}
        select taken.granted, taken.used_before, taken.quota_month, taken.reset_seconds, ${HOLD_IDS} from taken`,
  );
  return {
    granted: Number(row!.granted),
    usedBefore: Number(row!.used_before ?? 0),
    month: row!.quota_month,
    resetSeconds: Number(row!.reset_seconds),
    holds: holdIds(row!.hold_ids),
  };
}

/** An end user's own limits in the same call: their rate key and per-minute limit, their month's subject and limit (null: none). */
export type EndUserBatch = {
  rateKey: string;
  requestsPerMinute: number | null;
  subject: string;
  messagesPerMonth: number | null;
};

/**
 * What take_quotas decided: the end user's month (when limited) counted `userGranted` of n and the
 * workspace's `quota.granted` of those (what the workspace refused is given back to the user's).
 */
export type QuotasGrant = { userGranted: number; userUsedBefore: number; quota: QuotaGrant };

type QuotasRow = {
  uq_granted: number;
  uq_used_before: number | null;
  q_granted: number;
  q_used_before: number | null;
  q_month: string;
  q_reset: number | string;
  hold_ids: unknown;
};

function quotasGrant(row: QuotasRow): QuotasGrant {
  return {
    userGranted: Number(row.uq_granted),
    userUsedBefore: Number(row.uq_used_before ?? 0),
    quota: {
      granted: Number(row.q_granted),
      usedBefore: Number(row.q_used_before ?? 0),
      month: row.q_month,
      resetSeconds: Number(row.q_reset),
      holds: holdIds(row.hold_ids),
    },
  };
}

const userQuotaOf = (endUser: EndUserBatch | null) => (endUser?.messagesPerMonth != null ? endUser : null);

/**
 * The four limits in one call (admit_requests): the end user's rate limit, the integration's, the end
 * user's month and the workspace's, each taking what the one before let through, what a later one
 * refuses given back to the earlier ones; a hold for each message taken. Without end-user limits, the
 * integration's and the workspace's.
 */
export async function admitRequests(
  db: Db,
  {
    workspaceId,
    monthLimit,
    endUser,
    ...batch
  }: Batch & { workspaceId: string; monthLimit: number; endUser: EndUserBatch | null },
): Promise<{ userRate: RateGrant; rate: RateGrant; quotas: QuotasGrant }> {
  const userRate = endUser?.requestsPerMinute ? endUser : null;
  const userQuota = userQuotaOf(endUser);
  const [row] = await queryRows<
    QuotasRow & {
      ur_granted: number;
      ur_base_ahead: number | string;
      rl_granted: number;
      rl_base_ahead: number | string;
    }
  >(
    db,
    sql`with taken as materialized (
          select a.*, a.q_granted as granted_n, a.q_month as granted_month
          from admit_requests(${batch.key}, ${batch.n}::int, ${batch.limit}::int, ${batch.periodSeconds}::float8, ${workspaceId}, ${monthLimit}::int,
            ${userRate?.rateKey ?? null}::text, ${userRate?.requestsPerMinute ?? 0}::int,
            ${userQuota?.subject ?? null}::text, ${userQuota?.messagesPerMonth ?? 0}::int) a),
        ${HOLDS(workspaceId, userQuota?.subject ?? null)}
        select taken.ur_granted, taken.ur_base_ahead, taken.rl_granted, taken.rl_base_ahead, taken.uq_granted, taken.uq_used_before,
          taken.q_granted, taken.q_used_before, taken.q_month, taken.q_reset, ${HOLD_IDS}
        from taken`,
  );
  return {
    userRate: { granted: Number(row!.ur_granted), baseAhead: Number(row!.ur_base_ahead) },
    rate: { granted: Number(row!.rl_granted), baseAhead: Number(row!.rl_base_ahead) },
    quotas: quotasGrant(row!),
  };
}

/** The end user's month (when limited) and the workspace's for n requests (take_quotas), with holds: the quotas when the rate limit is Redis's. */
export async function takeQuotas(
  db: Db,
  { workspaceId, n, limit, endUser }: { workspaceId: string; n: number; limit: number; endUser: EndUserBatch | null },
): Promise<QuotasGrant> {
  const userQuota = userQuotaOf(endUser);
  const [row] = await queryRows<QuotasRow>(
    db,
    sql`with taken as materialized (
          select q.*, q.q_granted as granted_n, q.q_month as granted_month
          from take_quotas(${workspaceId}, ${n}::int, ${limit}::int, ${userQuota?.subject ?? null}::text, ${userQuota?.messagesPerMonth ?? 0}::int) q),
        ${HOLDS(workspaceId, userQuota?.subject ?? null)}
        select taken.uq_granted, taken.uq_used_before, taken.q_granted, taken.q_used_before, taken.q_month, taken.q_reset, ${HOLD_IDS}
        from taken`,
  );
  return quotasGrant(row!);
}

/** Seconds the key's arrival time is ahead of the database clock (0 when idle), without spending anything. */
export async function rateLimitAhead(db: Db, key: string): Promise<number> {
  const [row] = await queryRows<{ ahead: string | number }>(
    db,
    sql`select greatest(extract(epoch from (tat - app_now())), 0) as ahead from rate_limits where key = ${key}`,
  );
  return Number(row?.ahead ?? 0);
}

/**
 * Gives back the message a hold stands for, once: the hold is deleted in the same statement, so a
 * retried refund, or one racing the reconciler, gives nothing back twice. True when it gave it back.
 */
export async function refundQuota(db: Db, hold: string): Promise<boolean> {
  const rows = await queryRows<{ refunded: number }>(
    db,
    sql`with settled as (delete from quota_holds where id = ${hold}::bigint returning workspace_id, month, subject)
        update usage u set used = u.used - 1 from settled
        where u.workspace_id = settled.workspace_id and u.month = settled.month and u.used > 0
          and (u.subject = '' or u.subject = settled.subject)
        returning 1 as refunded`,
  );
  return rows.length > 0;
}

/**
 * Refunds the holds older than `olderThanSeconds` (on the limits clock): messages whose request
 * died (a crash, an outage) before its reply was stored or its refund written. Returns how many.
 */
export async function refundExpiredHolds(db: Db, olderThanSeconds: number): Promise<number> {
  const rows = await queryRows<{ n: number | string }>(
    db,
    sql`with expired as (
          delete from quota_holds where created_at < app_now() - make_interval(secs => ${olderThanSeconds}::float8)
          returning workspace_id, month, subject),
        counted as (
          select workspace_id, month, '' as subject, count(*)::int as n from expired group by workspace_id, month
          union all
          select workspace_id, month, subject, count(*)::int from expired where subject is not null
          group by workspace_id, month, subject)
        update usage u set used = greatest(u.used - counted.n, 0) from counted
        where u.workspace_id = counted.workspace_id and u.month = counted.month and u.subject = counted.subject
        returning case when counted.subject = '' then counted.n else 0 end as n`,
  );
  return rows.reduce((sum, r) => sum + Number(r.n), 0);
}

/**
 * The key of an end user's limits on one integration: their rate limit's key and their monthly
 * usage's subject. It holds a digest of the user id, not the id (limiter state keeps no readable id).
 */
export function endUserLimitKey(integrationId: string, userIdSha256: string): string {
  return `eu:${integrationId}:${userIdSha256}`;
}

/** Forgets an end user's limiter state (rate limit, monthly counts, holds) on the given integrations of a workspace. */
export async function deleteEndUserLimits(
  db: Db,
  {
    workspaceId,
    integrationIds,
    userIdSha256,
  }: { workspaceId: string; integrationIds: string[]; userIdSha256: string },
): Promise<void> {
  if (integrationIds.length === 0) return;
  const keys = integrationIds.map((id) => endUserLimitKey(id, userIdSha256));
  await db.execute(sql`delete from rate_limits where key in ${keys}`);
  await db.execute(sql`delete from usage where workspace_id = ${workspaceId} and subject in ${keys}`);
  await db.execute(
    sql`update quota_holds set subject = null where workspace_id = ${workspaceId} and subject in ${keys}`,
  );
}
