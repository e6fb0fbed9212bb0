/**
 * Retention per workspace: the setting, and the run that deletes conversations with no message for
 * `retention_days` (their messages go with them) and the webhook delivery log of the same age. Time
 * is the database clock, app_now(), which tests can freeze.
 */
import { eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import { workspaces } from "../schema";
import { writeAudit } from "./audit";

/** The workspace's retention in days (null: conversations are kept). */
export async function getRetentionDays(db: Db, workspaceId: string): Promise<number | null> {
  const [row] = await db
    .select({ days: workspaces.retentionDays })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row?.days ?? null;
}

/** Sets the retention (null: off), with its audit row; the next run comes at once. */
export async function setRetentionDays(
  db: Db,
  input: { workspaceId: string; days: number | null; actorUserId: string },
): Promise<boolean> {
  return db.transaction(async (t) => {
    const [current] = await t
      .select({ days: workspaces.retentionDays })
      .from(workspaces)
      .where(eq(workspaces.id, input.workspaceId))
      .for("update");
    if (!current) return false;
    if (current.days === input.days) return true;
    await t
      .update(workspaces)
      .set({ retentionDays: input.days, retentionRanAt: null })
      .where(eq(workspaces.id, input.workspaceId));
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "workspace.retention_changed",
      targetType: "workspace",
      targetId: input.workspaceId,
      before: { retentionDays: current.days },
      after: { retentionDays: input.days },
    });
    return true;
  });
}

/** A workspace whose retention is due, claimed for one run: everything last active before `cutoff` goes. */
export type RetentionClaim = {
  workspaceId: string;
  days: number;
  /** ISO 8601 in UTC to the microsecond (the database's precision), so the run compares exactly. */
  cutoff: string;
};

/**
 * Claims up to `limit` workspaces with retention on that have not run within `everyHours` (FOR UPDATE
 * SKIP LOCKED, marking the run in the same statement, so two workers never run one workspace twice).
 * The cutoff is fixed here, once per run: app_now() minus the workspace's days (of 24 hours, whatever the time zone).
 */
export async function claimRetentionRuns(
  db: Db,
  { limit, everyHours }: { limit: number; everyHours: number },
): Promise<RetentionClaim[]> {
  const rows = await queryRows<{ id: string; retention_days: number; cutoff: string }>(
    db,
    sql`update workspaces w set retention_ran_at = app_now()
        where w.id in (
          select id from workspaces
          where retention_days is not null
            and (retention_ran_at is null or retention_ran_at <= app_now() - make_interval(hours => ${everyHours}))
          order by retention_ran_at nulls first, id
          limit ${limit}
          for update skip locked)
        returning w.id, w.retention_days,
          to_char((app_now() - make_interval(hours => 24 * w.retention_days)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cutoff`,
  );
  return rows.map((r) => ({
    workspaceId: r.id,
    days: Number(r.retention_days),
    cutoff: r.cutoff,
  }));
}

export type RetentionResult = { conversations: number; messages: number; webhookDeliveries: number };

/**
 * One workspace's run: deletes, `batch` at a time (each its own short statement, so a large backlog
 * never holds locks for long), the conversations whose last message is older than the cutoff, then the
 * delivered or failed webhook deliveries created before it; then writes the run's audit row.
 */
export async function applyRetention(db: Db, claim: RetentionClaim, batch = 1000): Promise<RetentionResult> {
  const cutoff = sql`${claim.cutoff}::timestamptz`;
  const result: RetentionResult = { conversations: 0, messages: 0, webhookDeliveries: 0 };
  for (;;) {
    const [row] = await queryRows<{ conversations: number | string; messages: number | string }>(
      db,
      sql`with doomed as (
            select id from conversations
            where workspace_id = ${claim.workspaceId} and last_message_at < ${cutoff}
            limit ${batch}),
          counted as (select count(*) as n from messages where conversation_id in (select id from doomed)),
          gone as (delete from conversations where id in (select id from doomed) returning 1)
          select (select count(*) from gone) as conversations, (select n from counted) as messages`,
    );
    const n = Number(row!.conversations);
    result.conversations += n;
    result.messages += Number(row!.messages);
    if (n < batch) break;
  }
  const [log] = await queryRows<{ n: number | string }>(
    db,
    sql`with gone as (
          delete from webhook_deliveries
          where workspace_id = ${claim.workspaceId} and status <> 'pending' and created_at < ${cutoff}
          returning 1)
        select count(*) as n from gone`,
  );
  result.webhookDeliveries = Number(log!.n);
  await writeAudit(db, {
    workspaceId: claim.workspaceId,
    actorUserId: null,
    action: "retention.applied",
    targetType: "workspace",
    targetId: claim.workspaceId,
    after: { retentionDays: claim.days, cutoff: claim.cutoff, ...result },
  });
  return result;
}
