import type { Metadata } from "next";
import Link from "next/link";
import { MailWarningIcon } from "lucide-react";
import { signOutForInviteAction } from "@/app/(auth)/invite/actions";
import { AcceptInviteForm } from "@/components/settings/accept-invite-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { findInviteByTokenHash } from "@/db/queries/members";
import { formatDateTime } from "@/lib/format";
import { hashInviteToken, isInviteTokenShape } from "@/lib/invites";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/permissions";
import { getCurrentUser } from "@/lib/session";

// The token is in this page's URL: never send it to another site in a Referer header (same-origin, not
// no-referrer, so that its form posts carry a real Origin).
export const metadata: Metadata = { title: "Invitation", referrer: "same-origin" };

const DEAD: Record<"unknown" | "expired" | "revoked" | "accepted", { title: string; text: string }> = {
  unknown: {
    title: "This invitation link is not valid",
    text: "Check that you copied the whole link, or ask the person who invited you for a new one.",
  },
  expired: {
    title: "This invitation has expired",
    text: "Invitations work for 7 days. Ask the person who invited you to send a new link.",
  },
  revoked: { title: "This invitation was withdrawn", text: "Ask the person who invited you if you should still join." },
  accepted: {
    title: "This invitation was already used",
    text: "Each invitation link works once. If it was you, sign in to reach the workspace.",
  },
};

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = isInviteTokenShape(token)
    ? await findInviteByTokenHash(await getDb(), hashInviteToken(token))
    : undefined;
  const user = await getCurrentUser();

  if (!invite || invite.status !== "pending") {
    const dead =
      DEAD[
        invite?.status === "expired" || invite?.status === "revoked" || invite?.status === "accepted"
          ? invite.status
          : "unknown"
      ];
    return (
      <Card>
        <CardHeader>
          <CardTitle className="text-xl">{dead.title}</CardTitle>
          <CardDescription>{dead.text}</CardDescription>
        </CardHeader>
        <CardFooter>
          <Button asChild variant="outline" className="w-full">
            <Link href={user ? "/integrations" : "/sign-in"}>{user ? "Go to your dashboard" : "Sign in"}</Link>
          </Button>
        </CardFooter>
      </Card>
    );
  }

  const role = ROLE_LABELS[invite.role].toLowerCase();
  const header = (
    <CardHeader>
      <CardTitle className="text-xl">Join {invite.workspaceName}</CardTitle>
      <CardDescription>
        {invite.inviterName ?? "A member"} invited <strong className="text-foreground">{invite.email}</strong> to join
        as {role === "admin" ? "an" : "a"} {role}.
      </CardDescription>
    </CardHeader>
  );
  const details = (
    <dl className="bg-muted/50 grid grid-cols-[5rem_1fr] gap-y-2 rounded-lg border p-3 text-sm">
      <dt className="text-muted-foreground">Role</dt>
      <dd>
        <span className="font-medium">{ROLE_LABELS[invite.role]}</span>
        <span className="text-muted-foreground block text-xs">{ROLE_DESCRIPTIONS[invite.role]}</span>
      </dd>
      <dt className="text-muted-foreground">Expires</dt>
      <dd>{formatDateTime(invite.expiresAt)}</dd>
    </dl>
  );

  if (!user) {
    return (
      <Card>
        {header}
        <CardContent className="grid gap-4">
          {details}
          <p className="text-muted-foreground text-sm">
            To accept, create an account or sign in with <strong className="text-foreground">{invite.email}</strong>.
            The invitation only works for that address.
          </p>
        </CardContent>
        <CardFooter className="mt-2 flex-col gap-2">
          <Button asChild className="w-full">
            <Link href={`/sign-up?invite=${token}`}>Create an account</Link>
          </Button>
          <Button asChild variant="outline" className="w-full">
            <Link
              href={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}&email=${encodeURIComponent(invite.email)}`}
            >
              I already have an account
            </Link>
          </Button>
        </CardFooter>
      </Card>
    );
  }

  if (user.email !== invite.email) {
    return (
      <Card>
        {header}
        <CardContent className="grid gap-4">
          <div className="border-warning/40 bg-warning/10 flex gap-3 rounded-lg border p-3 text-sm">
            <MailWarningIcon className="text-warning mt-0.5 size-4 shrink-0" />
            <p>
              You are signed in as <strong>{user.email}</strong>, but this invitation is for{" "}
              <strong>{invite.email}</strong>. Sign out, then sign in or create an account with {invite.email}.
            </p>
          </div>
        </CardContent>
        <CardFooter className="mt-2 flex-col gap-2">
          <form action={signOutForInviteAction.bind(null, token)} className="w-full">
            <Button type="submit" className="w-full">
              Sign out and continue
            </Button>
          </form>
          <Button asChild variant="ghost" className="w-full">
            <Link href="/integrations">Back to your dashboard</Link>
          </Button>
        </CardFooter>
      </Card>
    );
  }

  return (
    <Card>
      {header}
      <CardContent className="grid gap-4">{details}</CardContent>
      <CardFooter className="mt-2">
        <AcceptInviteForm token={token} workspaceName={invite.workspaceName} />
      </CardFooter>
    </Card>
  );
}
