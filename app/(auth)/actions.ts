"use server";

import { AuthError } from "next-auth";
import { getDb } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createUserFromInvite, findInviteByTokenHash } from "@/db/queries/members";
import { changePassword, revokeUserSessions } from "@/db/queries/sessions";
import { signIn, signOut } from "@/lib/auth";
import { hashInviteToken, isInviteTokenShape } from "@/lib/invites";
import { hashPassword, verifyPassword } from "@/lib/passwords";
import { consumeRateLimit } from "@/lib/rate-limit";
import { getCurrentSession, requireUser } from "@/lib/session";
import { changePasswordSchema, signInSchema, signUpSchema } from "@/lib/validations/auth";
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
        message: limited ? "Too many sign-in attempts. Wait 15 minutes and try again." : "Wrong email or password.",
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
  return signInAfterSignUp(email, password);
}

/**
 * Signs the new account in. The account exists by now, so when signing in is refused (the sign-in
 * limit for this address tripped) the person is told so and sent to sign in later, never a 500.
 */
async function signInAfterSignUp(email: string, password: string): Promise<FormState> {
  try {
    await signIn("credentials", { email, password, redirectTo: "/integrations" });
  } catch (error) {
    if (error instanceof AuthError)
      return {
        status: "saved",
        message:
          "Your account was created, but we could not sign you in right now (too many sign-in attempts from here). Sign in in 15 minutes.",
      };
    throw error; // the redirect after a successful sign-in
  }
  return { status: "idle" };
}

async function signUpWithInvite(
  input: { name: string; email: string; password: string },
  token: string,
  form: FormData,
): Promise<FormState> {
  const values = formValues(form);
  const gone = {
    status: "error" as const,
    message: "This invitation is no longer valid. Ask the person who invited you for a new link.",
    values,
  };
  if (!isInviteTokenShape(token)) return gone;
  const db = await getDb();
  const tokenHash = hashInviteToken(token);
  const invite = await findInviteByTokenHash(db, tokenHash);
  if (!invite || invite.status !== "pending") return gone;
  if (invite.email !== input.email) {
    return {
      status: "error",
      fieldErrors: { email: [`This invitation is for ${invite.email}. Sign up with that address.`] },
      values,
    };
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
  return signInAfterSignUp(input.email, input.password);
}

/** Signs out this browser: its session ends on the server too, so a copy of the cookie stops working. */
export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

/** Ends every session of the signed-in user, this one included (a lost laptop, a shared computer). */
export async function signOutEverywhereAction() {
  const current = await getCurrentSession();
  if (current) await revokeUserSessions(await getDb(), current.user.id);
  await signOut({ redirectTo: "/sign-in" });
}

/** Changes the signed-in user's password and ends their other sessions; this one stays signed in. */
export async function changePasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const current = await getCurrentSession();
  const omit = ["current", "password"];
  const parsed = changePasswordSchema(user).safeParse({ current: form.get("current"), password: form.get("password") });
  if (!parsed.success) return { ...invalid(parsed.error, form), values: formValues(form, omit) };
  const db = await getDb();
  const limit = await consumeRateLimit(db, { key: `password-change:${user.id}`, limit: 10, periodSeconds: 15 * 60 });
  if (!limit.allowed)
    return {
      status: "error",
      message: "Too many attempts. Wait 15 minutes and try again.",
      values: formValues(form, omit),
    };
  if (!(await verifyPassword(user.passwordHash, parsed.data.current)))
    return {
      status: "error",
      message: "Please correct the highlighted fields.",
      fieldErrors: { current: ["That is not your current password."] },
      values: formValues(form, omit),
    };
  await changePassword(db, {
    userId: user.id,
    passwordHash: await hashPassword(parsed.data.password),
    keepSessionId: current?.sessionId,
  });
  return { status: "saved", message: "Password changed. You were signed out everywhere else." };
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/integrations";
}
