"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { acceptInvite } from "@/db/queries/members";
import { signOut } from "@/lib/auth";
import { hashInviteToken, isInviteTokenShape } from "@/lib/invites";
import { requireUser, setCurrentWorkspace } from "@/lib/session";
import type { FormState } from "@/lib/validations/form";

/** The signed-in user joins the workspace of an invite addressed to their own email. */
export async function acceptInviteAction(token: string, _prev: FormState): Promise<FormState> {
  const user = await requireUser();
  if (typeof token !== "string" || !isInviteTokenShape(token))
    return { status: "error", message: "This invitation link is not valid." };
  const result = await acceptInvite(await getDb(), { tokenHash: hashInviteToken(token), userId: user.id });
  if (!result.ok) {
    return {
      status: "error",
      message:
        result.reason === "wrong_email"
          ? `This invitation was sent to another email address. You are signed in as ${user.email}.`
          : "This invitation is no longer valid. Ask the person who invited you for a new link.",
    };
  }
  await setCurrentWorkspace(result.workspaceId);
  revalidatePath("/", "layout");
  redirect("/integrations");
}

/** Signs out and comes back to the invite, to accept it with the address it was sent to. */
export async function signOutForInviteAction(token: string): Promise<void> {
  const back = typeof token === "string" && isInviteTokenShape(token) ? `/invite/${token}` : "/sign-in";
  await signOut({ redirectTo: back });
}
