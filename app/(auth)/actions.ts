"use server";

import { AuthError } from "next-auth";
import { getDb } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createUserFromInvite, findInviteByTokenHash } from "@/db/queries/members";
import { signIn, signOut } from "@/lib/auth";
import { hashInviteToken, isInviteTokenShape } from "@/lib/invites";
import { hashPassword } from "@/lib/passwords";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";
import { formValues, invalid, type FormState } from "@/lib/validations/form";

/** Signs in with email and password; wrong credentials and too many attempts come back as messages. */
export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return invalid(parsed.error, form);
  const next = safeNext(form.get("next"));
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: next });
  } catch (error) {
    if (error instanceof AuthError) {
      const limited = "code" in error && error.code === "rate_limited";
      return {
        status: "error",
        message: limited
          ? "Too many sign-in attempts. Wait 15 minutes and try again."
          : "Wrong email or password.",
        values: formValues(form),
      };
    }
    throw error; // the redirect after a successful sign-in
  }
  return { status: "idle" };
}

/**
 * Creates the account and its workspace (the user becomes owner), then signs in. With an invite
 * token the account joins the inviting workspace instead and gets none of its own.
 */
export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = signUpSchema.safeParse({
    name: form.get("name"),
    email: form.get("email"),
    password: form.get("password"),
    workspace: form.get("workspace") || undefined,
  });
  if (!parsed.success) return invalid(parsed.error, form);
  const invite = form.get("invite");
  if (typeof invite === "string" && invite) return signUpWithInvite(parsed.data, invite, form);
  const { name, email, password, workspace } = parsed.data;
  const created = await createUserWithWorkspace(await getDb(), {
    email,
    name,
    passwordHash: await hashPassword(password),
    workspaceName: workspace || `${name.split(" ")[0]}'s workspace`,
  });
  if (!created) {
    return {
      status: "error",
      message: "Please correct the highlighted fields.",
      fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
      values: formValues(form),
    };
  }
  await signIn("credentials", { email, password, redirectTo: "/integrations" });
  return { status: "idle" };
}

async function signUpWithInvite(
  input: { name: string; email: string; password: string },
  token: string,
  form: FormData,
): Promise<FormState> {
  const values = formValues(form);
  const gone = { status: "error" as const, message: "This invitation is no longer valid. Ask the person who invited you for a new link.", values };
  if (!isInviteTokenShape(token)) return gone;
  const db = await getDb();
  const tokenHash = hashInviteToken(token);
  const invite = await findInviteByTokenHash(db, tokenHash);
  if (!invite || invite.status !== "pending") return gone;
  if (invite.email !== input.email) {
    return { status: "error", fieldErrors: { email: [`This invitation is for ${invite.email}. Sign up with that address.`] }, values };
  }
  const created = await createUserFromInvite(db, {
    tokenHash,
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
  });
  if (!created.ok && created.reason === "email_taken") {
    return {
      status: "error",
      message: "Please correct the highlighted fields.",
      fieldErrors: { email: ["An account with this email already exists. Sign in instead to accept the invitation."] },
      values,
    };
  }
  if (!created.ok) return gone;
  await signIn("credentials", { email: input.email, password: input.password, redirectTo: "/integrations" });
  return { status: "idle" };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/integrations";
}
