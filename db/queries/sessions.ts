import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../index";
import { userSessions, users } from "../schema";
import { newId } from "@/lib/ids";

/** How long a session lasts without signing in again (the cookie's lifetime too). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Records a new signed-in session for the user; its id goes into the session cookie. */
export async function createSession(db: Db, userId: string): Promise<string> {
  const id = newId("ses");
  await db.insert(userSessions).values({
    id,
    userId,
    expiresAt: sql`now() + ${SESSION_MAX_AGE_SECONDS} * interval '1 second'`,
  });
  return id;
}

/** The user of a live session (not revoked, not expired), in one statement; undefined otherwise. */
export async function findUserBySession(db: Db, { userId, sessionId }: { userId: string; sessionId: string }) {
  const [row] = await db
    .select({ user: users })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row?.user;
}

/** Ends one session (signing out). */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/** Ends every session of the user, or every one but `exceptSessionId`; returns how many were live. */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  { exceptSessionId }: { exceptSessionId?: string } = {},
): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        exceptSessionId ? ne(userSessions.id, exceptSessionId) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return rows.length;
}

/** Sets a new password hash and ends the user's other sessions, together. */
export async function changePassword(
  db: Db,
  { userId, passwordHash, keepSessionId }: { userId: string; passwordHash: string; keepSessionId?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await revokeUserSessions(tx, userId, { exceptSessionId: keepSessionId });
  });
}
