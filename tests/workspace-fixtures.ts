/**
 * Shared by the workspace, members and roles tests: a stand-in for the signed-in browser (who is
 * signed in, and the cookies) that replaces Auth.js and next/headers, so server actions and the real
 * requireWorkspace() run against the real database. Each test file installs it with:
 *
 *   vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
 *   vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
 *   vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);
 *   vi.mock("next-auth", async () => (await import("./workspace-fixtures")).nextAuthMock); // when app/(auth) actions are imported
 */
import { sql } from "drizzle-orm";
import { getDb, queryRows, type Db } from "@/db";
import { createSession } from "@/db/queries/sessions";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { bots, memberships, users, type Role } from "@/db/schema";
import { handleChatRequest } from "@/lib/chat/handle-chat-request";
import { newId } from "@/lib/ids";

const WORKSPACE_COOKIE = "parley_workspace";

export const browser = {
  userId: null as string | null,
  /** The user_sessions row the stand-in cookie names, created on first use as signing in does. */
  sessionId: null as string | null,
  cookies: new Map<string, string>(),
  /** Set: the next signIn() throws it (Auth.js refusing, e.g. the sign-in limit tripped). */
  signInError: null as Error | null,
};

/** Signs the stand-in browser in as a user, with the workspace cookie set when given. */
export function signInAs(userId: string | null, workspaceId?: string) {
  browser.userId = userId;
  browser.sessionId = null;
  browser.cookies.clear();
  if (workspaceId) browser.cookies.set(WORKSPACE_COOKIE, workspaceId);
}

export function currentWorkspaceCookie(): string | undefined {
  return browser.cookies.get(WORKSPACE_COOKIE);
}

export const authMock = {
  auth: async () => {
    if (!browser.userId) return null;
    browser.sessionId ??= await createSession(await getDb(), browser.userId);
    return { user: { id: browser.userId }, sessionId: browser.sessionId };
  },
  signIn: async () => {
    const error = browser.signInError;
    browser.signInError = null;
    if (error) throw error;
  },
  signOut: async () => undefined,
  handlers: {},
};

/** app/(auth)/actions.ts imports AuthError from next-auth itself; Auth.js cannot load outside Next. */
export const nextAuthMock = { AuthError: class AuthError extends Error {}, default: () => ({}) };

export const headersMock = {
  cookies: async () => ({
    get: (name: string) => (browser.cookies.has(name) ? { name, value: browser.cookies.get(name)! } : undefined),
    set: (name: string, value: string) => void browser.cookies.set(name, value),
    delete: (name: string) => void browser.cookies.delete(name),
  }),
  headers: async () => new Headers({ host: "localhost:3000" }),
};

export const cacheMock = { revalidatePath: () => {}, revalidateTag: () => {} };

/** What an action did: its return value, a redirect (Next's redirect() throws), or an error. */
export type Outcome =
  { kind: "returned"; value: unknown } | { kind: "redirect"; to: string } | { kind: "threw"; error: unknown };

export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { kind: "returned", value: await run() };
  } catch (error) {
    const digest = (error as { digest?: unknown })?.digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT"))
      return { kind: "redirect", to: digest.split(";")[2] ?? "" };
    return { kind: "threw", error };
  }
}

/** True when an action said no: `{ status: "error" }` or `{ ok: false }`. */
export function refused(o: Outcome): boolean {
  if (o.kind !== "returned") return false;
  const v = o.value as { status?: string; ok?: boolean } | null | undefined;
  return v?.status === "error" || v?.ok === false;
}

/** A user with no workspace of their own (as after signing up through an invite). */
export async function createUser(db: Db, label: string) {
  const [user] = await db
    .insert(users)
    .values({
      id: newId("usr"),
      email: `${label}-${newId("usr").slice(4, 14).toLowerCase()}@example.com`,
      name: label,
      passwordHash: "x",
    })
    .returning();
  return user!;
}

export async function addMember(db: Db, workspaceId: string, userId: string, role: Role) {
  await db.insert(memberships).values({ workspaceId, userId, role });
}

/** An owner, their workspace and a bot. */
export async function createOwnedWorkspace(db: Db, label: string) {
  const made = await createUserWithWorkspace(db, {
    email: `${label}-${newId("usr").slice(4, 14).toLowerCase()}@example.com`,
    name: `${label} owner`,
    passwordHash: "x",
    workspaceName: `${label} workspace`,
  });
  const [bot] = await db
    .insert(bots)
    .values({ id: newId("bot"), workspaceId: made!.workspace.id, name: `${label} bot` })
    .returning();
  return { owner: made!.user, workspace: made!.workspace, bot: bot! };
}

/** One message through the public Chat API, exactly as the route handler runs it. */
export async function chat(integrationId: string, apiKey: string, message = "What are your opening hours?") {
  const req = new Request(`http://localhost/chat/custom/${integrationId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ message }),
  });
  const res = await handleChatRequest({ req, integrationId });
  const body = (await res.json()) as { reply?: string; error?: { code: string } };
  return { status: res.status, headers: res.headers, body };
}

/** A digest of every row of every table: equal digests mean nothing in the database changed. */
export async function databaseDigest(db: Db): Promise<Record<string, string>> {
  // user_sessions records sign-ins (the stand-in browser's first request creates its row), not changes.
  const tables = await queryRows<{ tablename: string }>(
    db,
    sql`select tablename from pg_tables where schemaname = 'public' and tablename <> 'user_sessions' order by tablename`,
  );
  const query = tables
    .map(
      ({ tablename }) =>
        `select '${tablename}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from "${tablename}" x`,
    )
    .join(" union all ");
  const rows = await queryRows<{ t: string; d: string }>(db, sql.raw(query));
  return Object.fromEntries(rows.map((r) => [r.t, r.d]));
}
