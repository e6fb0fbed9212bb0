import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";

/** What operators watch (readiness, metrics): read-only statements over the whole database. */

/** The `when` of the newest migration applied (drizzle keeps it as created_at), or 0 when none. */
export async function latestAppliedMigration(db: Db): Promise<number> {
  const [row] = await queryRows<{ latest: string | number | null }>(
    db,
    sql`select max(created_at) as latest from drizzle.__drizzle_migrations`,
  );
  return Number(row?.latest ?? 0);
}

/** Sources waiting to be imported, and how long the oldest has waited (seconds). */
export async function importQueue(db: Db): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = await queryRows<{ depth: number | string; age: number | string | null }>(
    db,
    sql`select count(*) as depth,
          extract(epoch from now() - min(greatest(created_at, coalesce(last_synced_at, created_at)))) as age
        from knowledge_sources where status = 'queued'`,
  );
  return { depth: Number(row?.depth ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
}

/** Webhook deliveries waiting to be sent, and those given up. */
export async function webhookOutbox(db: Db): Promise<{ pending: number; failed: number }> {
  const [row] = await queryRows<{ pending: number | string; failed: number | string }>(
    db,
    sql`select count(*) filter (where status = 'pending') as pending,
               count(*) filter (where status = 'failed') as failed
        from webhook_deliveries where status <> 'delivered'`,
  );
  return { pending: Number(row?.pending ?? 0), failed: Number(row?.failed ?? 0) };
}

/** Messages used this month (the quota's month, on the limits clock), summed per plan. */
export async function quotaUsedByPlan(db: Db): Promise<Array<{ plan: string; used: number }>> {
  const rows = await queryRows<{ plan: string; used: number | string }>(
    db,
    sql`select w.plan::text as plan, coalesce(sum(u.used), 0) as used
        from workspaces w
        join usage u on u.workspace_id = w.id and u.subject = '' and u.month = date_trunc('month', app_now() at time zone 'UTC')::date
        group by w.plan`,
  );
  return rows.map((r) => ({ plan: r.plan, used: Number(r.used) }));
}
