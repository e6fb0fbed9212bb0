import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";

export type QuotaResult =
  | { allowed: true; used: number; limit: number; month: string }
  | { allowed: false; used: number; limit: number; month: string; retryAfterSeconds: number };

/**
 * Takes one message from the workspace's monthly quota (calendar month, UTC, by the database clock)
 * with a single conditional upsert: under any concurrency exactly `limit` messages are admitted.
 */
export async function consumeMonthlyQuota(db: Db, { workspaceId, limit }: { workspaceId: string; limit: number }): Promise<QuotaResult> {
  const [row] = await queryRows<{ used: number; month: string }>(
    db,
    sql`insert into usage as u (workspace_id, month, used)
        select ${workspaceId}, date_trunc('month', app_now() at time zone 'UTC')::date, 1
        where ${limit}::int > 0
        on conflict (workspace_id, month) do update set used = u.used + 1 where u.used < ${limit}::int
        returning used, month::text as month`,
  );
  if (row) return { allowed: true, used: Number(row.used), limit, month: row.month };
  const [state] = await queryRows<{ used: number | null; month: string; reset: string | number }>(
    db,
    sql`select (select used from usage where workspace_id = ${workspaceId}
                  and month = date_trunc('month', app_now() at time zone 'UTC')::date) as used,
               date_trunc('month', app_now() at time zone 'UTC')::date::text as month,
               extract(epoch from (date_trunc('month', app_now() at time zone 'UTC') + interval '1 month'
                                   - (app_now() at time zone 'UTC'))) as reset`,
  );
  return {
    allowed: false,
    used: Number(state?.used ?? 0),
    limit,
    month: state!.month,
    retryAfterSeconds: Math.max(1, Math.ceil(Number(state!.reset))),
  };
}

/** Gives back a message taken by consumeMonthlyQuota (a failed reply, a request refused after it). */
export async function refundMonthlyQuota(db: Db, { workspaceId, month }: { workspaceId: string; month: string }): Promise<void> {
  await db.execute(
    sql`update usage set used = used - 1 where workspace_id = ${workspaceId} and month = ${month}::date and used > 0`,
  );
}

/** Messages used this month and when the quota resets. */
export async function getMonthlyUsage(db: Db, workspaceId: string): Promise<{ used: number; month: string; resetsAt: Date }> {
  const [row] = await queryRows<{ used: number | null; month: string; resets_at: string | Date }>(
    db,
    sql`select (select used from usage where workspace_id = ${workspaceId}
                  and month = date_trunc('month', app_now() at time zone 'UTC')::date) as used,
               date_trunc('month', app_now() at time zone 'UTC')::date::text as month,
               (date_trunc('month', app_now() at time zone 'UTC') + interval '1 month') at time zone 'UTC' as resets_at`,
  );
  return { used: Number(row?.used ?? 0), month: row!.month, resetsAt: new Date(row!.resets_at) };
}
