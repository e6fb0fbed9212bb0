/**
 * Members: invites (token only hashed, 7 days, once, for that address only, by email or by link),
 * joining through sign-up without a workspace of one's own, roles, exactly one owner (transfer; the
 * owner can neither leave nor be demoted), switching workspaces, and losing access at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { listUserWorkspaces } from "@/db/queries/accounts";
import {
  acceptInvite,
  createInvite,
  createUserFromInvite,
  listMembers,
  removeMember,
  transferOwnership,
} from "@/db/queries/members";
import { auditLog, invites, memberships, users, workspaces } from "@/db/schema";
import { signUpAction } from "@/app/(auth)/actions";
import { acceptInviteAction } from "@/app/(auth)/invite/actions";
import {
  changeMemberRoleAction,
  inviteMemberAction,
  leaveWorkspaceAction,
  removeMemberAction,
  renewInviteAction,
  revokeInviteAction,
  switchWorkspaceAction,
  transferOwnershipAction,
  type InviteState,
} from "@/app/(dashboard)/settings/actions";
import { generateInviteToken, hashInviteToken } from "@/lib/invites";
import { requireWorkspace } from "@/lib/session";
import { openTestDb } from "./db";
import { startSmtpSink } from "./fixtures/smtp-sink";
import {
  addMember,
  browser,
  createOwnedWorkspace,
  createUser,
  currentWorkspaceCookie,
  databaseDigest,
  outcome,
  refused,
  signInAs,
} from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);
vi.mock("next-auth", async () => (await import("./workspace-fixtures")).nextAuthMock);

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
});

const idle: InviteState = { status: "idle" };
function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}
const tokenOf = (url: string) => url.split("/invite/")[1]!;

async function roleOf(workspaceId: string, userId: string) {
  const [m] = await h.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return m?.role;
}

async function owners(workspaceId: string) {
  return h.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, "owner")));
}

describe("inviting", () => {
  it("without SMTP the inviter gets a one-time link; the token is random, stored only as SHA-256, and expires in 7 days", async () => {
    const ws = await createOwnedWorkspace(h.db, "link");
    signInAs(ws.owner.id, ws.workspace.id);
    const result = await inviteMemberAction(idle, form({ email: " New.Person@Example.com ", role: "member" }));
    expect(result).toMatchObject({ status: "saved", email: "new.person@example.com" });
    expect(result.inviteUrl).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(result.inviteUrl!);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);

    const [row] = await h.db.select().from(invites).where(eq(invites.workspaceId, ws.workspace.id));
    expect(row!.tokenHash.equals(createHash("sha256").update(token).digest())).toBe(true);
    expect(row).toMatchObject({
      email: "new.person@example.com",
      role: "member",
      invitedByUserId: ws.owner.id,
      acceptedAt: null,
    });
    const [{ days }] = (await queryRows<{ days: number }>(
      h.db,
      sql`select extract(epoch from ${invites.expiresAt} - now()) / 86400 as days from ${invites} where ${invites.id} = ${row!.id}`,
    )) as [{ days: number }];
    expect(Number(days)).toBeGreaterThan(6.99);
    expect(Number(days)).toBeLessThanOrEqual(7);
    // the token itself is nowhere in the database
    const dump = await queryRows<{ all: string }>(h.db, sql`select string_agg(t::text, '|') as all from ${invites} t`);
    expect(dump[0]!.all).toContain(row!.id);
    expect(dump[0]!.all).not.toContain(token);

    const [audit] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ws.workspace.id), eq(auditLog.action, "member.invited")));
    expect(audit!.after).toMatchObject({ email: "new.person@example.com", role: "member" });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it("with SMTP_URL the invite is emailed with the link, and not shown to the inviter", async () => {
    const smtp = await startSmtpSink();
    try {
      process.env.SMTP_URL = smtp.url;
      process.env.SMTP_FROM = "Parley <parley@example.com>";
      const ws = await createOwnedWorkspace(h.db, "mail");
      signInAs(ws.owner.id, ws.workspace.id);
      const result = await inviteMemberAction(idle, form({ email: "mailed@example.com", role: "viewer" }));
      expect(result).toMatchObject({ status: "saved", message: "Invitation emailed to mailed@example.com." });
      expect(result.inviteUrl).toBeUndefined();
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]!;
      expect(mail.to).toEqual(["mailed@example.com"]);
      expect(mail.from).toBe("Parley <parley@example.com>");
      const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
      expect(token).toBeDefined();
      const [row] = await h.db.select().from(invites).where(eq(invites.workspaceId, ws.workspace.id));
      expect(row!.tokenHash.equals(hashInviteToken(token!))).toBe(true);
    } finally {
      await smtp.close();
    }
  });

  it("when the email cannot be sent, the inviter gets the link instead", async () => {
    process.env.SMTP_URL = "smtp://127.0.0.1:1"; // nothing listens there
    const ws = await createOwnedWorkspace(h.db, "mailfail");
    signInAs(ws.owner.id, ws.workspace.id);
    const result = await inviteMemberAction(idle, form({ email: "x@example.com", role: "member" }));
    expect(result.status).toBe("saved");
    expect(result.message).toMatch(/could not be sent/);
    expect(result.inviteUrl).toMatch(/\/invite\//);
  });

  it("refuses bad input, the owner role, and someone who is already a member, keeping what was typed", async () => {
    const ws = await createOwnedWorkspace(h.db, "bad");
    signInAs(ws.owner.id, ws.workspace.id);
    const bad = await inviteMemberAction(idle, form({ email: "not an email", role: "owner" }));
    expect(bad.status).toBe("error");
    expect(bad.fieldErrors?.email?.[0]).toMatch(/valid email/);
    expect(bad.fieldErrors?.role?.[0]).toMatch(/admin, member or viewer/);
    expect(bad.values).toMatchObject({ email: "not an email" });
    const already = await inviteMemberAction(idle, form({ email: ws.owner.email.toUpperCase(), role: "admin" }));
    expect(already.fieldErrors?.email).toEqual(["This person is already a member of the workspace."]);
    expect(await h.db.select().from(invites).where(eq(invites.workspaceId, ws.workspace.id))).toHaveLength(0);
  });

  it("a new invite for the same address replaces the pending one; renew gives a new link and kills the old; revoke kills it", async () => {
    const ws = await createOwnedWorkspace(h.db, "renew");
    const invitee = await createUser(h.db, "renewee");
    signInAs(ws.owner.id, ws.workspace.id);
    const first = await inviteMemberAction(idle, form({ email: invitee.email, role: "member" }));
    const second = await inviteMemberAction(idle, form({ email: invitee.email, role: "viewer" }));
    const pending = await h.db
      .select()
      .from(invites)
      .where(and(eq(invites.workspaceId, ws.workspace.id), sql`${invites.revokedAt} is null`));
    expect(pending).toHaveLength(1);
    expect(pending[0]!.role).toBe("viewer");

    const renewed = await renewInviteAction(pending[0]!.id, idle);
    expect(renewed.inviteUrl).toBeDefined();
    expect(renewed.inviteUrl).not.toBe(second.inviteUrl);

    for (const dead of [first, second]) {
      expect(
        await acceptInvite(h.db, { tokenHash: hashInviteToken(tokenOf(dead.inviteUrl!)), userId: invitee.id }),
      ).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await revokeInviteAction(pending[0]!.id)).toMatchObject({ status: "saved" });
    expect(
      await acceptInvite(h.db, { tokenHash: hashInviteToken(tokenOf(renewed.inviteUrl!)), userId: invitee.id }),
    ).toEqual({ ok: false, reason: "invalid" });
    expect(await revokeInviteAction(pending[0]!.id)).toMatchObject({ status: "error" });
    expect(await roleOf(ws.workspace.id, invitee.id)).toBeUndefined();
  });
});

describe("accepting an invite", () => {
  it("needs the invited address; then joins with the role, once, switches to the workspace and is audited", async () => {
    const ws = await createOwnedWorkspace(h.db, "accept");
    const invitee = await createOwnedWorkspace(h.db, "invitee"); // already has a workspace of their own
    const stranger = await createUser(h.db, "stranger");
    signInAs(ws.owner.id, ws.workspace.id);
    const token = tokenOf(
      (await inviteMemberAction(idle, form({ email: invitee.owner.email, role: "admin" }))).inviteUrl!,
    );

    signInAs(stranger.id);
    const before = await databaseDigest(h.db);
    expect(await acceptInviteAction(token, idle)).toMatchObject({
      status: "error",
      message: expect.stringMatching(/another email address/),
    });
    expect(await databaseDigest(h.db)).toEqual(before);

    signInAs(invitee.owner.id, invitee.workspace.id);
    expect(await outcome(() => acceptInviteAction(token, idle))).toEqual({ kind: "redirect", to: "/integrations" });
    expect(currentWorkspaceCookie()).toBe(ws.workspace.id);
    expect(await roleOf(ws.workspace.id, invitee.owner.id)).toBe("admin");
    expect((await listUserWorkspaces(h.db, invitee.owner.id)).map((w) => [w.id, w.role])).toEqual([
      [invitee.workspace.id, "owner"],
      [ws.workspace.id, "admin"],
    ]);
    const [audit] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ws.workspace.id), eq(auditLog.action, "member.joined")));
    expect(audit).toMatchObject({ actorUserId: invitee.owner.id, targetId: invitee.owner.id });

    // the link worked once
    expect(await acceptInviteAction(token, idle)).toMatchObject({
      status: "error",
      message: expect.stringMatching(/no longer valid/),
    });
    expect(await acceptInviteAction("not-a-token", idle)).toMatchObject({ status: "error" });
  });

  it("an expired invite is refused", async () => {
    const ws = await createOwnedWorkspace(h.db, "expired");
    const invitee = await createUser(h.db, "late");
    const { token, hash } = generateInviteToken();
    const made = await createInvite(h.db, {
      workspaceId: ws.workspace.id,
      email: invitee.email,
      role: "member",
      tokenHash: hash,
      ttlDays: 7,
      actorUserId: ws.owner.id,
    });
    await h.db
      .update(invites)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(invites.id, made.ok ? made.invite.id : ""));
    signInAs(invitee.id);
    expect(await acceptInviteAction(token, idle)).toMatchObject({ status: "error" });
    expect(await roleOf(ws.workspace.id, invitee.id)).toBeUndefined();
  });

  it("signing up through an invite joins that workspace and creates no workspace of one's own", async () => {
    const ws = await createOwnedWorkspace(h.db, "signup");
    signInAs(ws.owner.id, ws.workspace.id);
    const email = `joiner-${Date.now()}@example.com`;
    const token = tokenOf((await inviteMemberAction(idle, form({ email, role: "viewer" }))).inviteUrl!);
    const workspacesBefore = (await h.db.select({ n: sql<number>`count(*)::int` }).from(workspaces))[0]!.n;
    signInAs(null);

    // another address than the invited one: refused, nothing created
    const wrong = await signUpAction(
      { status: "idle" },
      form({ name: "Joiner", email: "someone.else@example.com", password: "a fine passphrase", invite: token }),
    );
    expect(wrong.fieldErrors?.email?.[0]).toMatch(/This invitation is for/);
    expect(await h.db.select().from(users).where(eq(users.email, "someone.else@example.com"))).toHaveLength(0);

    const joined = await outcome(() =>
      signUpAction({ status: "idle" }, form({ name: "Joiner", email, password: "a fine passphrase", invite: token })),
    );
    expect(joined).toEqual({ kind: "returned", value: { status: "idle" } }); // signIn (stubbed here) redirects in the app
    const [user] = await h.db.select().from(users).where(eq(users.email, email));
    expect((await listUserWorkspaces(h.db, user!.id)).map((w) => [w.id, w.role])).toEqual([
      [ws.workspace.id, "viewer"],
    ]);
    expect((await h.db.select({ n: sql<number>`count(*)::int` }).from(workspaces))[0]!.n).toBe(workspacesBefore);

    // the invite is used up: a second sign-up with it is refused
    const again = await createUserFromInvite(h.db, {
      tokenHash: hashInviteToken(token),
      email,
      name: "Again",
      passwordHash: "x",
    });
    expect(again).toEqual({ ok: false, reason: "invalid" });
  });

  it("sign-up with an address that already has an account is refused and leaves the invite usable", async () => {
    const ws = await createOwnedWorkspace(h.db, "taken");
    const existing = await createUser(h.db, "existing");
    const { token, hash } = generateInviteToken();
    await createInvite(h.db, {
      workspaceId: ws.workspace.id,
      email: existing.email,
      role: "member",
      tokenHash: hash,
      ttlDays: 7,
      actorUserId: ws.owner.id,
    });
    expect(
      await createUserFromInvite(h.db, { tokenHash: hash, email: existing.email, name: "Dup", passwordHash: "x" }),
    ).toEqual({ ok: false, reason: "email_taken" });
    expect(await acceptInvite(h.db, { tokenHash: hashInviteToken(token), userId: existing.id })).toMatchObject({
      ok: true,
      role: "member",
    });
  });
});

describe("roles and the one owner", () => {
  async function team() {
    const ws = await createOwnedWorkspace(h.db, "team");
    const admin = await createUser(h.db, "admin");
    const member = await createUser(h.db, "member");
    const viewer = await createUser(h.db, "viewer");
    await addMember(h.db, ws.workspace.id, admin.id, "admin");
    await addMember(h.db, ws.workspace.id, member.id, "member");
    await addMember(h.db, ws.workspace.id, viewer.id, "viewer");
    return { ...ws, admin, member, viewer };
  }

  it("an admin changes roles and removes members, but cannot touch the owner", async () => {
    const t = await team();
    signInAs(t.admin.id, t.workspace.id);
    expect(await changeMemberRoleAction(t.viewer.id, "member")).toMatchObject({ status: "saved" });
    expect(await roleOf(t.workspace.id, t.viewer.id)).toBe("member");
    expect(await changeMemberRoleAction(t.member.id, "owner")).toMatchObject({ status: "error" });
    expect(await roleOf(t.workspace.id, t.member.id)).toBe("member");
    expect(await changeMemberRoleAction(t.owner.id, "admin")).toMatchObject({
      status: "error",
      message: expect.stringMatching(/Transfer ownership/),
    });
    expect(await removeMemberAction(t.owner.id)).toMatchObject({ status: "error" });
    expect(await roleOf(t.workspace.id, t.owner.id)).toBe("owner");
    expect(await removeMemberAction(t.viewer.id)).toMatchObject({ status: "saved" });
    expect(await roleOf(t.workspace.id, t.viewer.id)).toBeUndefined();
    const actions = await h.db
      .select({ action: auditLog.action, before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(eq(auditLog.workspaceId, t.workspace.id))
      .orderBy(auditLog.id);
    expect(actions.slice(1)).toEqual([
      {
        action: "member.role_changed",
        before: { email: t.viewer.email, role: "viewer" },
        after: { email: t.viewer.email, role: "member" },
      },
      { action: "member.removed", before: { email: t.viewer.email, role: "member" }, after: null },
    ]);
    // another workspace's member id is just "not a member"
    const other = await team();
    expect(await removeMemberAction(other.member.id)).toMatchObject({ status: "error" });
    expect(await roleOf(other.workspace.id, other.member.id)).toBe("member");
  });

  it("the last owner cannot leave or be demoted; anyone else can leave", async () => {
    const t = await team();
    signInAs(t.owner.id, t.workspace.id);
    expect(await leaveWorkspaceAction({ status: "idle" })).toMatchObject({
      status: "error",
      message: expect.stringMatching(/Transfer ownership/),
    });
    expect(
      await removeMember(h.db, { workspaceId: t.workspace.id, userId: t.owner.id, actorUserId: t.owner.id }),
    ).toEqual({ ok: false, reason: "owner" });
    expect(await changeMemberRoleAction(t.owner.id, "viewer")).toMatchObject({ status: "error" });
    expect(await owners(t.workspace.id)).toHaveLength(1);

    signInAs(t.member.id, t.workspace.id);
    expect(await outcome(() => leaveWorkspaceAction({ status: "idle" }))).toEqual({
      kind: "redirect",
      to: "/integrations",
    });
    expect(await roleOf(t.workspace.id, t.member.id)).toBeUndefined();
    const [left] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, t.workspace.id), eq(auditLog.action, "member.left")));
    expect(left).toMatchObject({ actorUserId: t.member.id, targetId: t.member.id });
  });

  it("ownership moves only by transfer, by the owner, and there is always exactly one owner", async () => {
    const t = await team();
    signInAs(t.admin.id, t.workspace.id);
    expect(await transferOwnershipAction({ status: "idle" }, form({ userId: t.admin.id }))).toMatchObject({
      status: "error",
    });
    expect((await owners(t.workspace.id)).map((o) => o.userId)).toEqual([t.owner.id]);

    signInAs(t.owner.id, t.workspace.id);
    expect(await transferOwnershipAction({ status: "idle" }, form({ userId: t.owner.id }))).toMatchObject({
      status: "error",
    });
    expect(await transferOwnershipAction({ status: "idle" }, form({ userId: "usr_nobody" }))).toMatchObject({
      status: "error",
    });
    expect(await transferOwnershipAction({ status: "idle" }, form({ userId: t.member.id }))).toMatchObject({
      status: "saved",
    });
    expect(await roleOf(t.workspace.id, t.member.id)).toBe("owner");
    expect(await roleOf(t.workspace.id, t.owner.id)).toBe("admin");
    expect((await owners(t.workspace.id)).map((o) => o.userId)).toEqual([t.member.id]);
    // the former owner, now an admin, can leave
    expect(await outcome(() => leaveWorkspaceAction({ status: "idle" }))).toEqual({
      kind: "redirect",
      to: "/integrations",
    });
    const [audit] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, t.workspace.id), eq(auditLog.action, "workspace.ownership_transferred")));
    expect(audit).toMatchObject({ before: { owner: t.owner.email }, after: { owner: t.member.email } });
  });

  it("two transfers at once leave exactly one owner", async () => {
    const t = await team();
    const results = await Promise.all(
      [t.admin, t.member, t.viewer].map((to) =>
        transferOwnership(h.db, { workspaceId: t.workspace.id, toUserId: to.id, actorUserId: t.owner.id }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const list = await listMembers(h.db, t.workspace.id);
    expect(list.filter((m) => m.role === "owner")).toHaveLength(1);
    expect(list.find((m) => m.userId === t.owner.id)!.role).toBe("admin");
  });
});

describe("access", () => {
  it("a removed member loses access at once", async () => {
    const ws = await createOwnedWorkspace(h.db, "gone");
    const solo = await createUser(h.db, "solo"); // no other workspace
    const multi = await createOwnedWorkspace(h.db, "multi"); // has a workspace of their own
    await addMember(h.db, ws.workspace.id, solo.id, "admin");
    await addMember(h.db, ws.workspace.id, multi.owner.id, "admin");

    signInAs(solo.id, ws.workspace.id);
    expect((await requireWorkspace()).workspace.id).toBe(ws.workspace.id);
    signInAs(multi.owner.id, ws.workspace.id);
    expect((await requireWorkspace()).workspace.id).toBe(ws.workspace.id);

    await removeMember(h.db, { workspaceId: ws.workspace.id, userId: solo.id, actorUserId: ws.owner.id });
    await removeMember(h.db, { workspaceId: ws.workspace.id, userId: multi.owner.id, actorUserId: ws.owner.id });

    // same browser, same cookie, the very next request
    signInAs(solo.id, ws.workspace.id);
    expect(await outcome(() => requireWorkspace())).toEqual({ kind: "redirect", to: "/invite" });
    const before = await databaseDigest(h.db);
    expect(await outcome(() => inviteMemberAction(idle, form({ email: "x@example.com", role: "admin" })))).toEqual({
      kind: "redirect",
      to: "/invite",
    });
    expect(await databaseDigest(h.db)).toEqual(before);

    signInAs(multi.owner.id, ws.workspace.id);
    expect((await requireWorkspace()).workspace.id).toBe(multi.workspace.id); // only their own workspace is left
    const invited = await inviteMemberAction(idle, form({ email: "y@example.com", role: "viewer" }));
    expect(invited.status).toBe("saved");
    expect(await h.db.select().from(invites).where(eq(invites.workspaceId, ws.workspace.id))).toHaveLength(0);
  });

  it("switching workspaces only among one's memberships; a forged cookie is ignored", async () => {
    const a = await createOwnedWorkspace(h.db, "switch-a");
    const b = await createOwnedWorkspace(h.db, "switch-b");
    const stranger = await createOwnedWorkspace(h.db, "switch-stranger");
    await addMember(h.db, b.workspace.id, a.owner.id, "viewer");

    signInAs(a.owner.id);
    expect((await requireWorkspace()).workspace.id).toBe(a.workspace.id);
    expect(await outcome(() => switchWorkspaceAction(b.workspace.id, "/settings/members"))).toEqual({
      kind: "redirect",
      to: "/settings/members",
    });
    expect(currentWorkspaceCookie()).toBe(b.workspace.id);
    const now = await requireWorkspace();
    expect([now.workspace.id, now.role]).toEqual([b.workspace.id, "viewer"]);
    expect(await outcome(() => switchWorkspaceAction(a.workspace.id, "/integrations/int_123"))).toEqual({
      kind: "redirect",
      to: "/integrations",
    });

    expect(await switchWorkspaceAction(stranger.workspace.id, "/integrations")).toMatchObject({ status: "error" });
    expect(currentWorkspaceCookie()).toBe(a.workspace.id);
    browser.cookies.set("parley_workspace", stranger.workspace.id);
    expect((await requireWorkspace()).workspace.id).toBe(a.workspace.id);
    expect(refused(await outcome(() => switchWorkspaceAction(stranger.workspace.id, "/")))).toBe(true);
  });
});
