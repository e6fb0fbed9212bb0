"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Loader2Icon } from "lucide-react";
import { signInAction, signUpAction } from "@/app/(auth)/actions";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { idleForm } from "@/lib/validations/form";

export function SignInForm({ next, notice, email }: { next?: string; notice?: string; email?: string }) {
  const [state, action, pending] = useActionState(signInAction, idleForm);
  const v = state.values ?? {};
  // Coming from an invitation: "Create an account" keeps the invitation.
  const inviteToken = /^\/invite\/([A-Za-z0-9_-]{43})$/.exec(next ?? "")?.[1];
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">Sign in</CardTitle>
        <CardDescription>Welcome back. Sign in to manage your bots and integrations.</CardDescription>
      </CardHeader>
      <form action={action} noValidate>
        <CardContent className="grid gap-4">
          {notice && <FormMessage state={{ status: "error", message: notice }} />}
          <FormMessage state={state} />
          <input type="hidden" name="next" value={next ?? ""} />
          <FormField id="email" label="Email" errors={state.fieldErrors?.email}>
            <Input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              placeholder="you@company.com"
              defaultValue={v.email ?? email}
              aria-invalid={!!state.fieldErrors?.email}
              required
              autoFocus={!email}
            />
          </FormField>
          <FormField id="password" label="Password" errors={state.fieldErrors?.password}>
            <Input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              aria-invalid={!!state.fieldErrors?.password}
              required
              autoFocus={!!email}
            />
          </FormField>
        </CardContent>
        <CardFooter className="mt-6 flex-col gap-3">
          <Button type="submit" className="w-full" disabled={pending}>
            {pending && <Loader2Icon className="animate-spin" />} Sign in
          </Button>
          <p className="text-muted-foreground text-sm">
            New to Parley?{" "}
            <Link
              href={inviteToken ? `/sign-up?invite=${inviteToken}` : "/sign-up"}
              className="text-foreground font-medium underline-offset-4 hover:underline"
            >
              Create an account
            </Link>
          </p>
        </CardFooter>
      </form>
    </Card>
  );
}

/** "… Sign in instead." with the last words as a link to sign-in (the email filled in there). */
function signInInstead(message: string, email?: string, inviteToken?: string): React.ReactNode {
  const at = message.indexOf("Sign in instead");
  if (at < 0) return message;
  const rest = message.slice(at + "Sign in instead".length);
  const query = new URLSearchParams();
  if (email) query.set("email", email);
  if (inviteToken) query.set("next", `/invite/${inviteToken}`);
  const href = `/sign-in${query.size ? `?${query}` : ""}`;
  return (
    <>
      {message.slice(0, at)}
      <Link href={href} className="underline underline-offset-4">
        Sign in instead
      </Link>
      {rest}
    </>
  );
}

/** Sign-up; with `invite`, the account joins that workspace (email fixed to the invited address) and gets none of its own. */
export function SignUpForm({
  invite,
  notice,
}: {
  invite?: { token: string; email: string; workspaceName: string };
  notice?: string;
}) {
  const [state, action, pending] = useActionState(signUpAction, idleForm);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">{invite ? `Join ${invite.workspaceName}` : "Create your account"}</CardTitle>
        <CardDescription>
          {invite
            ? `Create your account with ${invite.email} to accept the invitation.`
            : "Set up a workspace for your team. You can invite others later."}
        </CardDescription>
      </CardHeader>
      <form action={action} noValidate>
        <CardContent className="grid gap-4">
          {notice && <FormMessage state={{ status: "error", message: notice }} />}
          <FormMessage state={state} />
          {invite && <input type="hidden" name="invite" value={invite.token} />}
          <FormField id="name" label="Your name" errors={e.name}>
            <Input
              id="name"
              name="name"
              autoComplete="name"
              defaultValue={v.name}
              aria-invalid={!!e.name}
              required
              autoFocus
            />
          </FormField>
          <FormField
            id="email"
            label="Work email"
            errors={e.email?.map((m) => signInInstead(m, invite ? invite.email : v.email, invite?.token))}
          >
            <Input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              placeholder="you@company.com"
              defaultValue={invite ? invite.email : v.email}
              readOnly={!!invite}
              aria-invalid={!!e.email}
              required
            />
          </FormField>
          <FormField
            id="password"
            label="Password"
            hint="At least 10 characters. A passphrase works well."
            errors={e.password}
          >
            <Input
              id="password"
              name="password"
              type="password"
              autoComplete="new-password"
              aria-invalid={!!e.password}
              required
            />
          </FormField>
          {!invite && (
            <FormField
              id="workspace"
              label="Company or workspace name"
              hint="Optional. You can change it later."
              errors={e.workspace}
            >
              <Input
                id="workspace"
                name="workspace"
                autoComplete="organization"
                defaultValue={v.workspace}
                aria-invalid={!!e.workspace}
              />
            </FormField>
          )}
        </CardContent>
        <CardFooter className="mt-6 flex-col gap-3">
          <Button type="submit" className="w-full" disabled={pending}>
            {pending && <Loader2Icon className="animate-spin" />}{" "}
            {invite ? "Create account and join" : "Create account"}
          </Button>
          <p className="text-muted-foreground text-sm">
            Already have an account?{" "}
            <Link
              href={
                invite
                  ? `/sign-in?next=${encodeURIComponent(`/invite/${invite.token}`)}&email=${encodeURIComponent(invite.email)}`
                  : "/sign-in"
              }
              className="text-foreground font-medium underline-offset-4 hover:underline"
            >
              Sign in
            </Link>
          </p>
        </CardFooter>
      </form>
    </Card>
  );
}
