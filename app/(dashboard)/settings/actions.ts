"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { getMembership } from "@/db/queries/accounts";
import {
  changeMemberRole,
  createInvite,
  removeMember,
  renewInvite,
  revokeInvite,
  transferOwnership,
} from "@/db/queries/members";
import { setRetentionDays } from "@/db/queries/retention";
import { createWorkspaceForUser, renameWorkspace } from "@/db/queries/workspaces";
import { requestPlanChange } from "@/lib/billing";
import { generateInviteToken, INVITE_TTL_DAYS, inviteUrl } from "@/lib/invites";
import { emailConfigured, sendInviteEmail } from "@/lib/email";
import { ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";
import { requestOrigin } from "@/lib/request-origin";
import { wakeRetentionWorker } from "@/lib/retention";
import { validatedUserAction, validatedWorkspaceAction, workspaceAction } from "@/lib/actions";
import { requireUser, setCurrentWorkspace } from "@/lib/session";
import { formValues, type ActionResult, type FormState } from "@/lib/validations/form";
import {
  changePlanSchema,
  changeRoleSchema,
  inviteMemberSchema,
  retentionSchema,
  workspaceNameSchema,
} from "@/lib/validations/settings";

const OWNER_FIXED = "The owner's role cannot change and the owner cannot be removed. Transfer ownership first.";
const MEMBER_GONE = "This person is no longer a member of the workspace.";
const FORBIDDEN_TRANSFER = "Only the owner can transfer ownership.";
const manageMembers = {
  permission: "manage_members",
  forbidden: "Your role cannot manage members. Ask an owner or admin.",
} as const;

export const changePlanAction = validatedWorkspaceAction(
  {
    permission: "change_plan",
    forbidden: "Only the workspace owner can change the plan.",
    schema: changePlanSchema,
    fields: (form) => ({ plan: form.get("plan") }),
  },
  async ({ user, workspace }, { plan }): Promise<FormState> => {
    const result = await requestPlanChange(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, plan });
    if (!result.ok) return { status: "error", message: result.reason };
    revalidatePath("/", "layout");
    return {
      status: "saved",
      message: result.changed
        ? `You are on the ${PLAN_LABELS[plan]} plan now. Its limits apply from the next API request.`
        : `You are already on the ${PLAN_LABELS[plan]} plan.`,
    };
  },
);

export const renameWorkspaceAction = validatedWorkspaceAction(
  {
    permission: "manage_workspace",
    forbidden: "Your role cannot change workspace settings. Ask an owner or admin.",
    schema: workspaceNameSchema,
    fields: (form) => ({ name: form.get("name") }),
  },
  async ({ user, workspace }, { name }): Promise<FormState> => {
    await renameWorkspace(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, name });
    revalidatePath("/", "layout");
    return { status: "saved", message: "Workspace name saved.", values: { name } };
  },
);

export const setRetentionAction = validatedWorkspaceAction(
  {
    permission: "manage_workspace",
    forbidden: "Your role cannot change workspace settings. Ask an owner or admin.",
    schema: retentionSchema,
    fields: (form) => ({ days: form.get("days") }),
  },
  async ({ user, workspace }, { days }): Promise<FormState> => {
    await setRetentionDays(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, days });
    wakeRetentionWorker(); // a shorter retention applies now, not at the next poll
    revalidatePath("/settings");
    return {
      status: "saved",
      message:
        days === null
          ? "Retention is off: conversations are kept."
          : `Saved. Conversations with no message for ${days} ${days === 1 ? "day" : "days"} are deleted once a day.`,
      values: { days: days === null ? "" : String(days) },
    };
  },
);

/** An invite's outcome: emailed, or a link shown to the inviter exactly once (only its hash is kept). */
export type InviteState = ActionResult<{ inviteUrl?: string; email?: string }>;

async function deliverInvite(args: {
  token: string;
  email: string;
  role: "admin" | "member" | "viewer" | "owner";
  expiresAt: Date;
  workspaceName: string;
  inviterName: string;
}): Promise<InviteState> {
  const url = inviteUrl(await requestOrigin(), args.token);
  if (emailConfigured()) {
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
  return {
    status: "saved",
    message: `Invitation created for ${args.email}. Pass this link on.`,
    inviteUrl: url,
    email: args.email,
  };
}

export const inviteMemberAction = validatedWorkspaceAction(
  {
    ...manageMembers,
    schema: inviteMemberSchema,
    fields: (form) => ({ email: form.get("email"), role: form.get("role") }),
  },
  async ({ user, workspace }, { email, role }, form): Promise<InviteState> => {
    const { token, hash } = generateInviteToken();
    const created = await createInvite(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      email,
      role,
      tokenHash: hash,
      ttlDays: INVITE_TTL_DAYS,
    });
    if (!created.ok) {
      return {
        status: "error",
        fieldErrors: { email: ["This person is already a member of the workspace."] },
        values: formValues(form),
      };
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
  },
);

/** A new link for a pending invite; the previous link stops working. */
export const renewInviteAction = workspaceAction(
  manageMembers,
  async ({ user, workspace }, inviteId: string, _prev: InviteState): Promise<InviteState> => {
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
    return deliverInvite({
      token,
      email: invite.email,
      role: invite.role,
      expiresAt: invite.expiresAt,
      workspaceName: workspace.name,
      inviterName: user.name,
    });
  },
);

export const revokeInviteAction = workspaceAction(
  manageMembers,
  async ({ user, workspace }, inviteId: string): Promise<ActionResult> => {
    const revoked = await revokeInvite(await getDb(), { workspaceId: workspace.id, inviteId, actorUserId: user.id });
    revalidatePath("/settings/members");
    if (!revoked) return { status: "error", message: "This invitation was accepted or revoked in the meantime." };
    return { status: "saved", message: "Invitation revoked. Its link no longer works." };
  },
);

export const changeMemberRoleAction = workspaceAction(
  manageMembers,
  async ({ user, workspace }, userId: string, role: string): Promise<ActionResult> => {
    const parsed = changeRoleSchema.safeParse({ userId, role });
    if (!parsed.success) return { status: "error", message: "Choose a role: admin, member or viewer." };
    const result = await changeMemberRole(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      ...parsed.data,
    });
    revalidatePath("/settings/members");
    if (!result.ok) return { status: "error", message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
    return { status: "saved", message: `Role changed to ${ROLE_LABELS[parsed.data.role]}.` };
  },
);

export const removeMemberAction = workspaceAction(
  manageMembers,
  async ({ user, workspace }, userId: string): Promise<ActionResult> => {
    if (userId === user.id)
      return { status: "error", message: "To leave the workspace yourself, use Leave workspace in Settings." };
    const result = await removeMember(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      userId: String(userId),
    });
    revalidatePath("/settings/members");
    if (!result.ok) return { status: "error", message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
    return { status: "saved", message: "Member removed. They lost access at once." };
  },
);

/** Any member but the owner may leave; the owner transfers ownership first. */
export const leaveWorkspaceAction = workspaceAction(
  { permission: "read", forbidden: "You are not a member of this workspace." },
  async ({ user, workspace, role }, _prev: FormState): Promise<FormState> => {
    if (role === "owner")
      return {
        status: "error",
        message: "You own this workspace. Transfer ownership to another member before you leave.",
      };
    const result = await removeMember(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      userId: user.id,
    });
    if (!result.ok) return { status: "error", message: result.reason === "owner" ? OWNER_FIXED : MEMBER_GONE };
    revalidatePath("/", "layout");
    redirect("/integrations");
  },
);

export const transferOwnershipAction = workspaceAction(
  { permission: "transfer_ownership", forbidden: FORBIDDEN_TRANSFER },
  async ({ user, workspace }, _prev: FormState, form: FormData): Promise<FormState> => {
    const toUserId = String(form.get("userId") ?? "");
    const result = await transferOwnership(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      toUserId,
    });
    if (!result.ok) {
      const message =
        result.reason === "self"
          ? "You are already the owner."
          : result.reason === "not_owner"
            ? FORBIDDEN_TRANSFER
            : MEMBER_GONE;
      return { status: "error", message };
    }
    revalidatePath("/", "layout");
    return { status: "saved", message: "Ownership transferred. You are an admin of this workspace now." };
  },
);

const SECTIONS = /^\/(integrations|bots|conversations|leads|settings(?:\/(?:plan|usage|members|audit))?)(?:\/|$)/;

/** Makes another of the user's workspaces the current one, staying in the same section of the dashboard. */
export async function switchWorkspaceAction(workspaceId: string, currentPath: string): Promise<ActionResult> {
  const user = await requireUser();
  const membership =
    typeof workspaceId === "string" ? await getMembership(await getDb(), user.id, workspaceId) : undefined;
  if (!membership) return { status: "error", message: "You are not a member of that workspace." };
  await setCurrentWorkspace(workspaceId);
  revalidatePath("/", "layout");
  const section = typeof currentPath === "string" ? SECTIONS.exec(currentPath)?.[1] : undefined;
  redirect(`/${section ?? "integrations"}`);
}

/** A new workspace owned by the signed-in user, who switches to it. */
export const createWorkspaceAction = validatedUserAction(
  { schema: workspaceNameSchema, fields: (form) => ({ name: form.get("name") }) },
  async (user, { name }): Promise<FormState> => {
    const workspace = await createWorkspaceForUser(await getDb(), { userId: user.id, name });
    await setCurrentWorkspace(workspace.id);
    revalidatePath("/", "layout");
    redirect("/integrations");
  },
);
