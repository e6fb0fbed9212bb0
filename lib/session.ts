import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { listUserWorkspaces } from "@/db/queries/accounts";
import { findUserBySession } from "@/db/queries/sessions";
import { auth } from "@/lib/auth";
import { can, type Permission } from "@/lib/permissions";
import { requestOrigin } from "@/lib/request-origin";

export const WORKSPACE_COOKIE = "parley_workspace";

/** The signed-in user and the id of their session, from the cookie checked against the database. */
export const getCurrentSession = cache(async () => {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = (session as { sessionId?: string } | null)?.sessionId;
  if (!userId || !sessionId) return null; // a cookie from before sessions were recorded: sign in again
  const user = await findUserBySession(await getDb(), { userId, sessionId });
  return user ? { user, sessionId } : null;
});

/** The signed-in user, while their session is live (not signed out, revoked or expired); null otherwise. */
export const getCurrentUser = cache(async () => (await getCurrentSession())?.user ?? null);

/** The signed-in user, or a redirect to sign-in. Every page and action calls this (or requireWorkspace) itself. */
export async function requireUser() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/**
 * The user, their current workspace and role, from the database on every request, so a removed
 * member loses access at once. The workspace cookie only chooses among the user's memberships.
 */
export const requireWorkspace = cache(async () => {
  const user = await requireUser();
  const all = await listUserWorkspaces(await getDb(), user.id);
  // No workspace left (removed from the last one): /invite explains and offers to create one.
  if (all.length === 0) redirect("/invite");
  const chosen = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  const current = all.find((w) => w.id === chosen) ?? all[0]!;
  return {
    user,
    workspace: { id: current.id, name: current.name, plan: current.plan },
    role: current.role,
    workspaces: all,
    can: (permission: Permission) => can(current.role, permission),
  };
});

export type WorkspaceContext = Awaited<ReturnType<typeof requireWorkspace>>;

/**
 * Makes a workspace the current one for this browser. Only a choice among the user's memberships:
 * requireWorkspace ignores a cookie naming a workspace they do not belong to.
 */
export async function setCurrentWorkspace(workspaceId: string): Promise<void> {
  (await cookies()).set(WORKSPACE_COOKIE, workspaceId, {
    httpOnly: true,
    sameSite: "lax",
    secure: (await requestOrigin()).startsWith("https:"),
    path: "/",
    maxAge: 365 * 24 * 60 * 60,
  });
}
