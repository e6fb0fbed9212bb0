"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { getMembership } from "@/db/queries/accounts";
import { changeMemberRole, createInvite, removeMember, renewInvite, revokeInvite, transferOwnership } from "@/db/queries/members";
import { createWorkspaceForUser, renameWorkspace } from "@/db/queries/workspaces";
import { requestPlanChange } from "@/lib/billing";
import { generateInviteToken, INVITE_TTL_DAYS, inviteUrl } from "@/lib/invites";
import { mailConfigured, sendInviteEmail } from "@/lib/mail";
import { ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";
import { requestOrigin } from "@/lib/request-origin";
import { requireUser, requireWorkspace, setCurrentWorkspace } from "@/lib/session";
import { formValues, invalid, type FormState } from "@/lib/validations/form";
import { changePlanSchema, changeRoleSchema, inviteMemberSchema, workspaceNameSchema } from "@/lib/validations/settings";

const FORBIDDEN_MEMBERS = "Your role cannot manage members. Ask an owner or admin.";
const FORBIDDEN_WORKSPACE = "Your role cannot change workspace settings. Ask an owner or admin.";
const FORBIDDEN_PLAN = "Only the workspace owner can change the plan.";
const FORBIDDEN_TRANSFER = "Only the owner can transfer ownership.";
const OWNER_FIXED = "The owner's role cannot change and the owner cannot be removed. Transfer ownership first.";
const MEMBER_GONE = "This person is no longer a member of the workspace.";

/** The result of a one-click action (a menu item, a button outside a form). */
export type ActionResult = { ok: true; message: string } | { ok: false; message: string };

export async function changePlanAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("change_plan")) return { status: "error", message: FORBIDDEN_PLAN };
  const parsed = changePlanSchema.safeParse({ plan: form.get("plan") });
  if (!parsed.success) return invalid(parsed.error, form);
  const result = await requestPlanChange(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, plan: parsed.data.plan });
  if (!result.ok) return { status: "error", message: result.reason };
  revalidatePath("/", "layout");
  return {
    status: "saved",
    message: result.changed
      ? `You are on the ${PLAN_LABELS[parsed.data.plan]} plan now. Its limits apply from the next API request.`
      : `You are already on the ${PLAN_LABELS[parsed.data.plan]} plan.`,
  };
}

export async function renameWorkspaceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { status: "error", message: FORBIDDEN_WORKSPACE, values: formValues(form) };
  const parsed = workspaceNameSchema.safeParse({ name: form.get("name") });
  if (!parsed.success) return invalid(parsed.error, form);
  await renameWorkspace(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, name: parsed.data.name });
  revalidatePath("/", "layout");
  return { status: "saved", message: "Workspace name saved.", values: { name: parsed.data.name } };
}

/** An invite's outcome: emailed, or a link shown to the inviter exactly once (only its hash is kept). */
export type InviteState = FormState & { inviteUrl?: string; email?: string };

async function deliverInvite(args: {
  token: string;
  email: string;
  role: "admin" | "member" | "viewer" | "owner";
  expiresAt: Date;
  workspaceName: string;
  inviterName: string;
}): Promise<InviteState> {
  const url = inviteUrl(await requestOrigin(), args.token);
  if (mailConfigured()) {
    const sent = await sendInviteEmail({
      to: args.email,
      workspaceName: args.workspaceName,
      inviterName: args.inviterName,
      role: args.role,
      url,
      expiresAt: args.expiresAt,
    });
    if (sent.ok) return { status: "saved", message: `Invitation emailed to ${args.email}.`, email: args.email };
    return {
      status: "saved",
      message: `The email to ${args.email} could not be sent (${sent.reason}). Pass this link on instead.`,
      inviteUrl: url,
      email: args.email,
    };
  }
  return { status: "saved", message: `Invitation created for ${args.email}. Pass this link on.`, inviteUrl: url, email: args.email };
}

export async function inviteMemberAction(_prev: InviteState, form: FormData): Promise<InviteState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_members")) return { status: "error", message: FORBIDDEN_MEMBERS, values: formValues(form) };
  const parsed = inviteMemberSchema.safeParse({ email: form.get("email"), role: form.get("role") });
  if (!parsed.success) return invalid(parsed.error, form);
  const { token, hash } = generateInviteToken();
  const created = await createInvite(await getDb(), {
    workspaceId: workspace.id,
    actorUserId: user.id,
    email: parsed.data.email,
    role: parsed.data.role,
    tokenHash: hash,
    ttlDays: INVITE_TTL_DAYS,
  });
  if (!created.ok) {
    return { status: "error", fieldErrors: { email: ["This person is already a member of the workspace."] }, values: formValues(form) };
  }
  revalidatePath("/settings/members");
  return deliverInvite({
    token,
    email: created.invite.email,
    role: created.invite.role,
    expiresAt: created.invite.expiresAt,
    workspaceName: workspace.name,
    inviterName: user.name,
  });
}

/** A new link for a pending invite; the previous link stops working. */
export async function renewInviteAction(inviteId: string, _prev: InviteState): Promise<InviteState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_members")) return { status: "error", message: FORBIDDEN_MEMBERS };
  const { token, hash } = generateInviteToken();
  const invite = await renewInvite(await getDb(), {
    workspaceId: workspace.id,
    inviteId,
    actorUserId: user.id,
    tokenHash: hash,
    ttlDays: INVITE_TTL_DAYS,
  });
  if (!invite) return { status: "error", message: "This invitation was accepted or revoked in the meantime." };
  revalidatePath("/settings/members");
  return deliverInvite({ token, email: invite.email, role: invite.role, expiresAt: invite.expiresAt, workspaceName: workspace.name, inviterName: user.name });
}

export async function revokeInviteAction(inviteId: string): Promise<ActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_members")) return { ok: false, message: FORBIDDEN_MEMBERS };
  const revoked = await revokeInvite(await getDb(), { workspaceId: workspace.id, inviteId, actorUserId: user.id });
  revalidatePath("/settings/members");
  if (!revoked) return { ok: false, message: "This invitation was accepted or revoked in the meantime." };
  return { ok: true, message: "Invitation revoked. Its link no longer works." };
}

export async function changeMemberRoleAction(userId: string, role: string): Promise<ActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_members")) return { ok: false, message: FORBIDDEN_MEMBERS };
  const parsed = changeRoleSchema.safeParse({ userId, role });
  if (!parsed.success) return { ok: false, message: "Choose a role: admin, member or viewer." };
  const result = await changeMemberRole(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, ...parsed.data });
  revalidatePath("/settings/members");
  if (!result.ok) return { ok: false, message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
  return { ok: true, message: `Role changed to ${ROLE_LABELS[parsed.data.role]}.` };
}

export async function removeMemberAction(userId: string): Promise<ActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_members")) return { ok: false, message: FORBIDDEN_MEMBERS };
  if (userId === user.id) return { ok: false, message: "To leave the workspace yourself, use Leave workspace in Settings." };
  const result = await removeMember(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, userId: String(userId) });
  revalidatePath("/settings/members");
  if (!result.ok) return { ok: false, message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
  return { ok: true, message: "Member removed. They lost access at once." };
}

/** Any member but the owner may leave; the owner transfers ownership first. */
export async function leaveWorkspaceAction(_prev: FormState): Promise<FormState> {
  const { user, workspace, role } = await requireWorkspace();
  if (role === "owner") return { status: "error", message: "You own this workspace. Transfer ownership to another member before you leave." };
  const result = await removeMember(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, userId: user.id });
  if (!result.ok) return { status: "error", message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
  revalidatePath("/", "layout");
  redirect("/integrations");
}

export async function transferOwnershipAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("transfer_ownership")) return { status: "error", message: FORBIDDEN_TRANSFER };
  const toUserId = String(form.get("userId") ?? "");
  const result = await transferOwnership(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, toUserId });
  if (!result.ok) {
    const message =
      result.reason === "self" ? "You are already the owner." : result.reason === "not_owner" ? FORBIDDEN_TRANSFER : MEMBER_GONE;
    return { status: "error", message };
  }
  revalidatePath("/", "layout");
  return { status: "saved", message: "Ownership transferred. You are an admin of this workspace now." };
}

const SECTIONS = /^\/(integrations|bots|conversations|leads|settings(?:\/(?:plan|usage|members|audit))?)(?:\/|$)/;

/** Makes another of the user's workspaces the current one, staying in the same section of the dashboard. */
export async function switchWorkspaceAction(workspaceId: string, currentPath: string): Promise<ActionResult> {
  const user = await requireUser();
  const membership = typeof workspaceId === "string" ? await getMembership(await getDb(), user.id, workspaceId) : undefined;
  if (!membership) return { ok: false, message: "You are not a member of that workspace." };
  await setCurrentWorkspace(workspaceId);
  revalidatePath("/", "layout");
  const section = typeof currentPath === "string" ? SECTIONS.exec(currentPath)?.[1] : undefined;
  redirect(`/${section ?? "integrations"}`);
}

/** A new workspace owned by the signed-in user, who switches to it. */
export async function createWorkspaceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const parsed = workspaceNameSchema.safeParse({ name: form.get("name") });
  if (!parsed.success) return invalid(parsed.error, form);
  const workspace = await createWorkspaceForUser(await getDb(), { userId: user.id, name: parsed.data.name });
  await setCurrentWorkspace(workspace.id);
  revalidatePath("/", "layout");
  redirect("/integrations");
}
