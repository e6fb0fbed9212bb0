import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { readFileSync } from "node:fs";
import type { DbHandle } from "@/db";
import { findUserByEmail } from "@/db/queries/accounts";
import { createSession, findUserBySession } from "@/db/queries/sessions";
import { userSessions } from "@/db/schema";
import { DEMO_EMAIL, seedDemo } from "@/db/seed";
import { changePasswordAction, signOutEverywhereAction, signUpAction } from "@/app/(auth)/actions";
import { hashPassword, verifyPassword } from "@/lib/passwords";
import { signUpSchema } from "@/lib/validations/auth";
import { openTestDb } from "./db";
import { browser, createUser, nextAuthMock, outcome, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);
vi.mock("next-auth", async () => (await import("./workspace-fixtures")).nextAuthMock);

let h: DbHandle;

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
});
afterAll(async () => {
  await h.close();
});

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

const live = async (userId: string, sessionId: string) => Boolean(await findUserBySession(h.db, { userId, sessionId }));

describe("accounts (issue 13)", () => {
  it("finding 2: the demo account has no fixed password: random, shown once, reset by db:seed --reset", async () => {
    const first = await seedDemo(h.db, { baseUrl: "http://localhost:3000" });
    expect(first.password).toMatch(/^[\w-]{20}$/);
    const user = (await findUserByEmail(h.db, DEMO_EMAIL))!;
    expect(await verifyPassword(user.passwordHash, first.password!)).toBe(true);
    expect(await verifyPassword(user.passwordHash, "parley-demo-password")).toBe(false); // the old published one

    const again = await seedDemo(h.db, { baseUrl: "http://localhost:3000" });
    expect(again.password).toBeNull(); // shown once, never again

    const session = await createSession(h.db, user.id);
    const reset = await seedDemo(h.db, { baseUrl: "http://localhost:3000", resetPassword: true });
    expect(reset.password).toMatch(/^[\w-]{20}$/);
    expect(reset.password).not.toBe(first.password);
    const after = (await findUserByEmail(h.db, DEMO_EMAIL))!;
    expect(await verifyPassword(after.passwordHash, reset.password!)).toBe(true);
    expect(await verifyPassword(after.passwordHash, first.password!)).toBe(false);
    expect(await live(user.id, session)).toBe(false); // a reset signs the account out everywhere

    // No fixed demo password is left in the code that runs or seeds the server.
    for (const file of ["db/seed.ts", "db/cli/seed.ts", "server.ts"])
      expect(readFileSync(file, "utf8"), file).not.toMatch(/parley-demo-password|DEMO_PASSWORD/);
  });

  it("finding 3: sign-up does not fail when signing in is refused (the sign-in limit tripped)", async () => {
    signInAs(null);
    browser.signInError = new nextAuthMock.AuthError("rate_limited");
    const result = await outcome(() =>
      signUpAction(
        { status: "idle" },
        form({ name: "Limited Person", email: "limited@example.com", password: "a fine passphrase for me" }),
      ),
    );
    expect(result).toMatchObject({ kind: "returned", value: { status: "saved" } });
    expect((result as { value: { message: string } }).value.message).toMatch(/account was created.*Sign in/i);
    expect(await findUserByEmail(h.db, "limited@example.com")).toBeDefined();
  });

  it("finding 4: sessions are revocable: sign out everywhere ends them all, a password change ends the others", async () => {
    const user = await createUser(h.db, "sessions");
    await h.db.execute(
      sql`update users set password_hash = ${await hashPassword("old passphrase here 1")} where id = ${user.id}`,
    );
    const laptop = await createSession(h.db, user.id);
    const phone = await createSession(h.db, user.id);
    signInAs(user.id); // this browser: a third session
    await changePasswordAction(
      { status: "idle" },
      form({ current: "wrong one", password: "new passphrase, quite long" }),
    );
    expect(await live(user.id, laptop)).toBe(true); // a wrong current password changes nothing

    const changed = await changePasswordAction(
      { status: "idle" },
      form({ current: "old passphrase here 1", password: "a brand new passphrase 7" }),
    );
    expect(changed).toMatchObject({ status: "saved" });
    const here = browser.sessionId!;
    expect([await live(user.id, laptop), await live(user.id, phone), await live(user.id, here)]).toEqual([
      false,
      false,
      true,
    ]);

    const tablet = await createSession(h.db, user.id);
    await outcome(() => signOutEverywhereAction());
    expect([await live(user.id, tablet), await live(user.id, here)]).toEqual([false, false]);
    const rows = await h.db.select().from(userSessions).where(eq(userSessions.userId, user.id));
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
  });

  it("finding 9: the password policy is a strength estimator, with the person's own details counted as guessable", () => {
    const attempt = (password: string, name = "Jane Doe", email = "jane.doe@acme.example") =>
      signUpSchema.safeParse({ name, email, password });
    for (const weak of ["password12", "qwerty12345", "password123", "iloveyou2020", "aaaaaaaaaaaa", "janedoe12345"])
      expect(attempt(weak).success, weak).toBe(false);
    const refused = attempt("qwerty12345");
    expect(refused.success ? "" : refused.error.issues[0]!.message).toMatch(/too common or too easy to guess/);
    for (const fine of ["correct horse battery", "a fine passphrase", "Tr0ub4dor&3x-wobble"])
      expect(attempt(fine).success, fine).toBe(true);
  });
});

describe("the session cookie alone is not enough", () => {
  it("a revoked or expired session finds no user", async () => {
    const user = await createUser(h.db, "expiry");
    const s = await createSession(h.db, user.id);
    expect(await live(user.id, s)).toBe(true);
    await h.db
      .update(userSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(userSessions.id, s));
    expect(await live(user.id, s)).toBe(false);
    expect(await live("usr_someoneelse", s)).toBe(false);
  });
});
