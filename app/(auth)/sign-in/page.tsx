import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth-forms";
import { getCurrentUser } from "@/lib/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next, error } = await searchParams;
  if (await getCurrentUser()) redirect("/integrations");
  const notice = error === "no-workspace" ? "Your account no longer belongs to a workspace. Ask an owner to invite you again." : undefined;
  return <SignInForm next={next} notice={notice} />;
}
