import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth-forms";
import { getCurrentUser } from "@/lib/session";

// `next` may hold an invite link: never send it to another site in a Referer header. Not "no-referrer":
// that makes a plain form post (no JavaScript yet) send `Origin: null`, which Next refuses.
export const metadata: Metadata = { title: "Sign in", referrer: "same-origin" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; error?: string; email?: string }>;
}) {
  const { next, error, email } = await searchParams;
  if (await getCurrentUser()) redirect(next?.startsWith("/invite/") ? next : "/integrations");
  const notice =
    error === "no-workspace"
      ? "Your account no longer belongs to a workspace. Ask an owner to invite you again."
      : undefined;
  return <SignInForm next={next} notice={notice} email={typeof email === "string" ? email.slice(0, 254) : undefined} />;
}
