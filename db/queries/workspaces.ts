import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../index";
import { memberships, workspaces, type Plan, type Workspace } from "../schema";
import { writeAudit } from "./audit";
import { invalidateApiAuth } from "./api-auth-cache";
import { newId } from "@/lib/ids";

type Actor = { actorUserId: string };

export async function getWorkspace(db: Db, workspaceId: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  return row;
}

/**
 * Sets the workspace's plan, audited in the same transaction. The Chat API's cached admissions are
 * cleared once it commits, so the new limits apply to the very next request (other app instances:
 * within PARLEY_AUTH_CACHE_MS). Returns null when nothing changed.
 */
export async function setWorkspacePlan(
  db: Db,
  input: { workspaceId: string; plan: Plan } & Actor,
): Promise<{ before: Plan; after: Plan } | null> {
  try {
    return await changePlan(db, input);
  } finally {
    invalidateApiAuth(); // the plan rides on every integration of the workspace: forget them all
  }
}

async function changePlan(
  db: Db,
  input: { workspaceId: string; plan: Plan } & Actor,
): Promise<{ before: Plan; after: Plan } | null> {
  return db.transaction(async (t) => {
    const [current] = await t
      .select({ plan: workspaces.plan })
      .from(workspaces)
      .where(eq(workspaces.id, input.workspaceId))
      .for("update");
    if (!current || current.plan === input.plan) return null;
    await t
      .update(workspaces)
      .set({ plan: input.plan })
      .where(and(eq(workspaces.id, input.workspaceId), ne(workspaces.plan, input.plan)));
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "workspace.plan_changed",
      targetType: "workspace",
      targetId: input.workspaceId,
      before: { plan: current.plan },
      after: { plan: input.plan },
    });
    return { before: current.plan, after: input.plan };
  });
}

/** Renames the workspace, audited. Returns false when the workspace is gone. */
export async function renameWorkspace(db: Db, input: { workspaceId: string; name: string } & Actor): Promise<boolean> {
  return db.transaction(async (t) => {
    const [current] = await t
      .select({ name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, input.workspaceId))
      .for("update");
    if (!current) return false;
    if (current.name === input.name) return true;
    await t.update(workspaces).set({ name: input.name }).where(eq(workspaces.id, input.workspaceId));
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "workspace.renamed",
      targetType: "workspace",
      targetId: input.workspaceId,
      before: { name: current.name },
      after: { name: input.name },
    });
    return true;
  });
}

/** A new workspace for an existing user, who becomes its owner (Starter plan). */
export async function createWorkspaceForUser(db: Db, input: { userId: string; name: string }): Promise<Workspace> {
  return db.transaction((t) => insertOwnedWorkspace(t, input));
}

/** Inserts a workspace owned by the user, with its audit row; call it inside the caller's transaction. */
export async function insertOwnedWorkspace(db: Db, input: { userId: string; name: string }): Promise<Workspace> {
  const [workspace] = await db
    .insert(workspaces)
    .values({ id: newId("ws"), name: input.name })
    .returning();
  await db.insert(memberships).values({ userId: input.userId, workspaceId: workspace!.id, role: "owner" });
  await writeAudit(db, {
    workspaceId: workspace!.id,
    actorUserId: input.userId,
    action: "workspace.created",
    targetType: "workspace",
    targetId: workspace!.id,
    after: { name: workspace!.name, plan: workspace!.plan },
  });
  return workspace!;
}
