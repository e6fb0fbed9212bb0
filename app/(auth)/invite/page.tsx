import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(auth)/actions";
import { CreateWorkspaceForm } from "@/components/settings/create-workspace-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { listUserWorkspaces } from "@/db/queries/accounts";
import { getCurrentUser } from "@/lib/session";

export const metadata: Metadata = { title: "No workspace" };

/** Where a signed-in user lands who belongs to no workspace (removed from their last one). */
export default async function NoWorkspacePage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  if ((await listUserWorkspaces(await getDb(), user.id)).length > 0) redirect("/integrations");
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-xl">You are not in a workspace</CardTitle>
        <CardDescription>
          {user.email} no longer belongs to any workspace. Open an invitation link a teammate sent you, or start a
          workspace of your own.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <CreateWorkspaceForm />
      </CardContent>
      <CardFooter className="mt-2">
        <form action={signOutAction} className="w-full">
          <Button type="submit" variant="ghost" className="w-full">
            Sign out
          </Button>
        </form>
      </CardFooter>
    </Card>
  );
}
