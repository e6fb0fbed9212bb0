import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { auditLog, memberships, workspaces } from "@/db/schema";
import { createUserWithWorkspace, findUserByEmail, listUserWorkspaces } from "@/db/queries/accounts";
import { seedDemo, DEMO_EMAIL } from "@/db/seed";
import { migrateDb } from "@/db/migrate";
import { hashPassword, verifyPassword } from "@/lib/passwords";
import { signUpSchema } from "@/lib/validations/auth";
import { openTestDb } from "./db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h.close();
});

describe("sign-up", () => {
  it("creates the user, their workspace on the Starter plan, an owner membership and an audit row", async () => {
    const made = await createUserWithWorkspace(h.db, {
      email: "Ada@Example.com",
      name: "Ada",
      passwordHash: await hashPassword("correct horse battery"),
      workspaceName: "Analytical Engines",
    });
    expect(made).not.toBeNull();
    expect(made!.user.email).toBe("ada@example.com");
    expect(made!.workspace.plan).toBe("starter");
    const ws = await listUserWorkspaces(h.db, made!.user.id);
    expect(ws).toEqual([{ id: made!.workspace.id, name: "Analytical Engines", plan: "starter", role: "owner" }]);
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.workspaceId, made!.workspace.id));
    expect(audit.map((a) => a.action)).toEqual(["workspace.created"]);
  });

  it("refuses a taken email, whatever its case, even when two sign-ups race", async () => {
    const input = { email: "race@example.com", name: "R", passwordHash: "x", workspaceName: "W" };
    const results = await Promise.all([1, 2, 3, 4].map(() => createUserWithWorkspace(h.db, input)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await createUserWithWorkspace(h.db, { ...input, email: "RACE@example.com" })).toBeNull();
    // the losers left no orphan workspace behind
    const owned = await h.db
      .select()
      .from(memberships)
      .where(eq(memberships.userId, results.find(Boolean)!.user.id));
    expect(owned).toHaveLength(1);
  });

  it("validates email and password strength with messages a person can act on", () => {
    const r = signUpSchema.safeParse({ name: "", email: "nope", password: "password123" });
    expect(r.success).toBe(false);
    const messages = Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(messages.name).toMatch(/name/i);
    expect(messages.email).toMatch(/valid email/i);
    expect(messages.password).toMatch(/at least 10|too common/i);
    expect(signUpSchema.safeParse({ name: "A", email: "a@b.co", password: "aaaaaaaaaaaa" }).success).toBe(false);
    expect(signUpSchema.safeParse({ name: "A", email: " A@B.co ", password: "a long passphrase" }).data?.email).toBe(
      "a@b.co",
    );
  });
});

describe("passwords", () => {
  it("are stored as argon2id and verify only the right password", async () => {
    const hash = await hashPassword("s3cret passphrase");
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, "s3cret passphrase")).toBe(true);
    expect(await verifyPassword(hash, "s3cret passphrasE")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
  });
});

describe("demo seed", () => {
  it("is idempotent: a second run creates nothing and returns the same ids", async () => {
    const first = await seedDemo(h.db, { baseUrl: "http://localhost:3000" });
    const second = await seedDemo(h.db, { baseUrl: "http://localhost:3000" });
    expect(first.created.user).toBe(true);
    expect(second.created).toEqual({ user: false, bot: false, integration: false });
    expect(second.workspaceId).toBe(first.workspaceId);
    expect(second.botId).toBe(first.botId);
    expect(await findUserByEmail(h.db, DEMO_EMAIL)).toBeDefined();
    const [ws] = await h.db.select().from(workspaces).where(eq(workspaces.id, first.workspaceId));
    expect(ws!.name).toBe("Acme Inc.");
  });
});

describe("migrations", () => {
  it("can be applied again without changes", async () => {
    await expect(migrateDb(h)).resolves.toBeUndefined();
  });
});
