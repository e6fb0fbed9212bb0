import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth-forms";
import { getDb } from "@/db";
import { findInviteByTokenHash } from "@/db/queries/members";
import { hashInviteToken, isInviteTokenShape } from "@/lib/invites";
import { getCurrentUser } from "@/lib/session";

// An invite token may be in this page's URL: never send it to another site in a Referer header. Not
// "no-referrer": that makes a plain form post (no JavaScript yet) send `Origin: null`, which Next refuses.
export const metadata: Metadata = { title: "Create account", referrer: "same-origin" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string }> }) {
  const { invite: token } = await searchParams;
  const validShape = typeof token === "string" && isInviteTokenShape(token);
  if (await getCurrentUser()) redirect(validShape ? `/invite/${token}` : "/integrations");
  if (!token) return <SignUpForm />;
  const invite = validShape ? await findInviteByTokenHash(await getDb(), hashInviteToken(token)) : undefined;
  if (!invite || invite.status !== "pending") {
    return (
      <SignUpForm notice="That invitation link is no longer valid. You can still create an account with a workspace of your own." />
    );
  }
  return <SignUpForm invite={{ token: token!, email: invite.email, workspaceName: invite.workspaceName }} />;
}
