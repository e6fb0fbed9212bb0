import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../index";
import { memberships, users, workspaces, type Role } from "../schema";
import { insertOwnedWorkspace } from "./workspaces";
import { newId } from "@/lib/ids";

export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return user;
}

export async function findUserById(db: Db, id: string) {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

/**
 * Creates a user and their own workspace, with them as owner. Returns null when the email is taken
 * (also when another request takes it at the same moment: the unique index decides).
 */
export async function createUserWithWorkspace(
  db: Db,
  input: { email: string; name: string; passwordHash: string; workspaceName: string },
) {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        id: newId("usr"),
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash: input.passwordHash,
      })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!user) return null;
    const workspace = await insertOwnedWorkspace(tx, { userId: user.id, name: input.workspaceName });
    return { user, workspace };
  });
}

/** The user's workspaces with their role, oldest membership first. */
export async function listUserWorkspaces(db: Db, userId: string) {
  return db
    .select({ id: workspaces.id, name: workspaces.name, plan: workspaces.plan, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}

export async function getMembership(db: Db, userId: string, workspaceId: string): Promise<{ role: Role } | undefined> {
  const [m] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)))
    .limit(1);
  return m;
}
