import { and, desc, eq, like, lt, or } from "drizzle-orm";
import type { Db } from "../index";
import { auditLog, users } from "../schema";

export type AuditEntry = {
  workspaceId: string;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Appends an audit row; call it inside the transaction that makes the change. */
export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId: entry.workspaceId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export type AuditRow = {
  id: number;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
  actorUserId: string | null;
  actorName: string | null;
  actorEmail: string | null;
};

/**
 * The workspace's audit log, newest first: `actionPrefixes` filters by kind (e.g. ["member."]),
 * `beforeId` pages back from an entry.
 */
export async function listAuditEntries(
  db: Db,
  input: { workspaceId: string; actionPrefixes?: readonly string[]; beforeId?: number; limit: number },
): Promise<AuditRow[]> {
  const prefixes = input.actionPrefixes ?? [];
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      before: auditLog.before,
      after: auditLog.after,
      createdAt: auditLog.createdAt,
      actorUserId: auditLog.actorUserId,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.workspaceId, input.workspaceId),
        prefixes.length
          ? or(...prefixes.map((p) => like(auditLog.action, `${p.replace(/[\\%_]/g, "\\$&")}%`)))
          : undefined,
        input.beforeId !== undefined ? lt(auditLog.id, input.beforeId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(input.limit);
}
