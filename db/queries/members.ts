import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../index";
import { invites, memberships, users, workspaces, type Invite, type Role } from "../schema";
import { writeAudit } from "./audit";
import { newId } from "@/lib/ids";

type Actor = { actorUserId: string };
type AssignableRole = Exclude<Role, "owner">;

const ROLE_ORDER = sql`case ${memberships.role} when 'owner' then 0 when 'admin' then 1 when 'member' then 2 else 3 end`;

export type MemberRow = { userId: string; name: string; email: string; role: Role; joinedAt: Date };

/** Everyone in the workspace, owner first, then by role and name. */
export async function listMembers(db: Db, workspaceId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(ROLE_ORDER, asc(users.name), asc(users.email));
}

export type PendingInvite = {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
};

/** Invites not yet accepted, revoked or expired (by the database clock). */
export async function listPendingInvites(db: Db, workspaceId: string): Promise<PendingInvite[]> {
  return db
    .select({
      id: invites.id,
      email: invites.email,
      role: invites.role,
      invitedBy: users.name,
      createdAt: invites.createdAt,
      expiresAt: invites.expiresAt,
    })
    .from(invites)
    .leftJoin(users, eq(users.id, invites.invitedByUserId))
    .where(and(eq(invites.workspaceId, workspaceId), pendingInvite()))
    .orderBy(asc(invites.createdAt));
}

const pendingInvite = () =>
  and(isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, sql`now()`));

/**
 * Invites an address with a role. Earlier pending invites for the same address are revoked (one live
 * link per person). Only the token's hash is stored; the caller holds the token.
 */
export async function createInvite(
  db: Db,
  input: { workspaceId: string; email: string; role: AssignableRole; tokenHash: Buffer; ttlDays: number } & Actor,
): Promise<{ ok: true; invite: Invite } | { ok: false; reason: "already_member" }> {
  const email = input.email.toLowerCase();
  return db.transaction(async (t) => {
    const [member] = await t
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(users.email, email)))
      .limit(1);
    if (member) return { ok: false, reason: "already_member" } as const;
    await t
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invites.workspaceId, input.workspaceId), eq(invites.email, email), pendingInvite()));
    const [invite] = await t
      .insert(invites)
      .values({
        id: newId("inv"),
        workspaceId: input.workspaceId,
        email,
        role: input.role,
        tokenHash: input.tokenHash,
        invitedByUserId: input.actorUserId,
        expiresAt: sql`now() + make_interval(days => ${input.ttlDays}::int)`,
      })
      .returning();
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "member.invited",
      targetType: "invite",
      targetId: invite!.id,
      after: { email, role: input.role, expiresAt: invite!.expiresAt.toISOString() },
    });
    return { ok: true, invite: invite! } as const;
  });
}

/** The workspace's invite, while it is unused (neither accepted nor revoked; expired ones too). */
function unusedInvite({ workspaceId, inviteId }: { workspaceId: string; inviteId: string }) {
  return and(
    eq(invites.id, inviteId),
    eq(invites.workspaceId, workspaceId),
    isNull(invites.acceptedAt),
    isNull(invites.revokedAt),
  );
}

/** A new link for a pending invite (the old one stops working) and a fresh expiry. */
export async function renewInvite(
  db: Db,
  input: { workspaceId: string; inviteId: string; tokenHash: Buffer; ttlDays: number } & Actor,
): Promise<Invite | null> {
  return db.transaction(async (t) => {
    const [invite] = await t
      .update(invites)
      .set({ tokenHash: input.tokenHash, expiresAt: sql`now() + make_interval(days => ${input.ttlDays}::int)` })
      .where(unusedInvite(input))
      .returning();
    if (!invite) return null;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "member.invite_renewed",
      targetType: "invite",
      targetId: invite.id,
      after: { email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() },
    });
    return invite;
  });
}

/** Revokes a pending invite: its link stops working at once. */
export async function revokeInvite(db: Db, input: { workspaceId: string; inviteId: string } & Actor): Promise<boolean> {
  return db.transaction(async (t) => {
    const [invite] = await t
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(unusedInvite(input))
      .returning();
    if (!invite) return false;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "member.invite_revoked",
      targetType: "invite",
      targetId: invite.id,
      before: { email: invite.email, role: invite.role },
    });
    return true;
  });
}

export type InviteStatus = "pending" | "expired" | "revoked" | "accepted";
export type InviteLookup = {
  id: string;
  email: string;
  role: Role;
  workspaceId: string;
  workspaceName: string;
  inviterName: string | null;
  expiresAt: Date;
  status: InviteStatus;
};

/** The invite a link's token opens, with its status by the database clock; undefined for an unknown token. */
export async function findInviteByTokenHash(db: Db, tokenHash: Buffer): Promise<InviteLookup | undefined> {
  const [row] = await db
    .select({
      id: invites.id,
      email: invites.email,
      role: invites.role,
      workspaceId: invites.workspaceId,
      workspaceName: workspaces.name,
      inviterName: users.name,
      expiresAt: invites.expiresAt,
      acceptedAt: invites.acceptedAt,
      revokedAt: invites.revokedAt,
      expired: sql<boolean>`${invites.expiresAt} <= now()`,
    })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .leftJoin(users, eq(users.id, invites.invitedByUserId))
    .where(eq(invites.tokenHash, tokenHash))
    .limit(1);
  if (!row) return undefined;
  const status: InviteStatus = row.acceptedAt
    ? "accepted"
    : row.revokedAt
      ? "revoked"
      : row.expired
        ? "expired"
        : "pending";
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    workspaceId: row.workspaceId,
    workspaceName: row.workspaceName,
    inviterName: row.inviterName,
    expiresAt: row.expiresAt,
    status,
  };
}

export type AcceptResult =
  | { ok: true; workspaceId: string; role: Role; alreadyMember: boolean }
  | { ok: false; reason: "invalid" | "wrong_email" };

/** Claims a pending invite for this email in one statement, so a link is used at most once. */
async function claimInvite(t: Db, tokenHash: Buffer, email: string) {
  const [claimed] = await t
    .update(invites)
    .set({ acceptedAt: sql`now()` })
    .where(and(eq(invites.tokenHash, tokenHash), eq(invites.email, email.toLowerCase()), pendingInvite()))
    .returning();
  return claimed;
}

async function join(t: Db, invite: Invite, user: { id: string; email: string }) {
  const [added] = await t
    .insert(memberships)
    .values({ userId: user.id, workspaceId: invite.workspaceId, role: invite.role })
    .onConflictDoNothing()
    .returning();
  if (added) {
    await writeAudit(t, {
      workspaceId: invite.workspaceId,
      actorUserId: user.id,
      action: "member.joined",
      targetType: "user",
      targetId: user.id,
      after: { email: user.email, role: invite.role, inviteId: invite.id },
    });
  }
  return added;
}

/** A signed-in user accepts an invite sent to their own address. */
export async function acceptInvite(db: Db, input: { tokenHash: Buffer; userId: string }): Promise<AcceptResult> {
  return db.transaction(async (t) => {
    const [user] = await t.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, input.userId));
    if (!user) return { ok: false, reason: "invalid" } as const;
    const claimed = await claimInvite(t, input.tokenHash, user.email);
    if (!claimed) {
      const [other] = await t
        .select({ id: invites.id })
        .from(invites)
        .where(and(eq(invites.tokenHash, input.tokenHash), pendingInvite()));
      return { ok: false, reason: other ? "wrong_email" : "invalid" } as const;
    }
    const added = await join(t, claimed, user);
    const role =
      added?.role ??
      (
        await t
          .select({ role: memberships.role })
          .from(memberships)
          .where(and(eq(memberships.userId, user.id), eq(memberships.workspaceId, claimed.workspaceId)))
      )[0]!.role;
    return { ok: true, workspaceId: claimed.workspaceId, role, alreadyMember: !added } as const;
  });
}

class Rollback extends Error {
  constructor(readonly reason: "invalid" | "email_taken") {
    super(reason);
  }
}

/**
 * Sign-up through an invite: the account joins the inviting workspace and gets no workspace of its
 * own. The invite must be pending and addressed to this email; all of it happens or none of it.
 */
export async function createUserFromInvite(
  db: Db,
  input: { tokenHash: Buffer; email: string; name: string; passwordHash: string },
): Promise<{ ok: true; userId: string; workspaceId: string } | { ok: false; reason: "invalid" | "email_taken" }> {
  const email = input.email.toLowerCase();
  try {
    return await db.transaction(async (t) => {
      const claimed = await claimInvite(t, input.tokenHash, email);
      if (!claimed) throw new Rollback("invalid");
      const [user] = await t
        .insert(users)
        .values({ id: newId("usr"), email, name: input.name, passwordHash: input.passwordHash })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!user) throw new Rollback("email_taken");
      await join(t, claimed, user);
      return { ok: true, userId: user.id, workspaceId: claimed.workspaceId } as const;
    });
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, reason: error.reason };
    throw error;
  }
}

type MemberChange = { ok: true } | { ok: false; reason: "not_found" | "owner" };

async function lockMember(t: Db, workspaceId: string, userId: string) {
  const [row] = await t
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .for("update", { of: memberships });
  return row;
}

/**
 * Gives a member another role (admin, member or viewer). The owner's role never changes here: the
 * only way to stop being owner is to transfer ownership, so a workspace always has exactly one.
 */
export async function changeMemberRole(
  db: Db,
  input: { workspaceId: string; userId: string; role: AssignableRole } & Actor,
): Promise<MemberChange> {
  return db.transaction(async (t) => {
    const current = await lockMember(t, input.workspaceId, input.userId);
    if (!current) return { ok: false, reason: "not_found" } as const;
    if (current.role === "owner") return { ok: false, reason: "owner" } as const;
    if (current.role === input.role) return { ok: true } as const;
    await t
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "member.role_changed",
      targetType: "user",
      targetId: input.userId,
      before: { email: current.email, role: current.role },
      after: { email: current.email, role: input.role },
    });
    return { ok: true } as const;
  });
}

/**
 * Removes a member (or, when the actor is the member, leaves). The owner can do neither: they
 * transfer ownership first. The member loses access on their next request.
 */
export async function removeMember(
  db: Db,
  input: { workspaceId: string; userId: string } & Actor,
): Promise<MemberChange> {
  return db.transaction(async (t) => {
    const current = await lockMember(t, input.workspaceId, input.userId);
    if (!current) return { ok: false, reason: "not_found" } as const;
    if (current.role === "owner") return { ok: false, reason: "owner" } as const;
    await t
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    const left = input.actorUserId === input.userId;
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: left ? "member.left" : "member.removed",
      targetType: "user",
      targetId: input.userId,
      before: { email: current.email, role: current.role },
    });
    return { ok: true } as const;
  });
}

/**
 * Makes another member the owner; the previous owner becomes an admin. Every membership of the
 * workspace is locked first, so two transfers at once cannot leave two owners (or none).
 */
export async function transferOwnership(
  db: Db,
  input: { workspaceId: string; toUserId: string } & Actor,
): Promise<{ ok: true } | { ok: false; reason: "not_owner" | "not_found" | "self" }> {
  if (input.toUserId === input.actorUserId) return { ok: false, reason: "self" };
  return db.transaction(async (t) => {
    const rows = await t
      .select({ userId: memberships.userId, role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, input.workspaceId))
      .orderBy(asc(memberships.userId))
      .for("update", { of: memberships });
    const from = rows.find((r) => r.userId === input.actorUserId);
    const to = rows.find((r) => r.userId === input.toUserId);
    if (!from || from.role !== "owner") return { ok: false, reason: "not_owner" } as const;
    if (!to) return { ok: false, reason: "not_found" } as const;
    const scope = (userId: string) =>
      and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, userId));
    await t.update(memberships).set({ role: "admin" }).where(scope(from.userId));
    await t.update(memberships).set({ role: "owner" }).where(scope(to.userId));
    await writeAudit(t, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: "workspace.ownership_transferred",
      targetType: "user",
      targetId: to.userId,
      before: { owner: from.email, newOwnerRole: to.role },
      after: { owner: to.email, previousOwnerRole: "admin" },
    });
    return { ok: true } as const;
  });
}
