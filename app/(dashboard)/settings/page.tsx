import type { Metadata } from "next";
import Link from "next/link";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { LeaveWorkspaceDialog } from "@/components/settings/leave-workspace-dialog";
import { RetentionForm } from "@/components/settings/retention-form";
import { WorkspaceNameForm } from "@/components/settings/workspace-name-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { getRetentionDays } from "@/db/queries/retention";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettingsPage() {
  const { user, workspace, role, can } = await requireWorkspace();
  const retentionDays = await getRetentionDays(await getDb(), workspace.id);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Workspace</CardTitle>
          <CardDescription>Shared by everyone you invite.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          {can("manage_workspace") ? (
            <WorkspaceNameForm name={workspace.name} />
          ) : (
            <dl className="grid grid-cols-[7rem_1fr] gap-y-3 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd className="font-medium break-words">{workspace.name}</dd>
            </dl>
          )}
          <dl className="grid grid-cols-[7rem_1fr] gap-y-3 text-sm">
            <dt className="text-muted-foreground">Plan</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <Badge variant="secondary">{PLAN_LABELS[workspace.plan]}</Badge>
              <Link href="/settings/plan" className="text-primary text-sm underline-offset-4 hover:underline">
                {can("change_plan") ? "Change plan" : "See plans"}
              </Link>
            </dd>
            <dt className="text-muted-foreground">Workspace ID</dt>
            <dd className="font-mono text-xs break-all">{workspace.id}</dd>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Your account</CardTitle>
          <CardDescription>How you sign in to Parley, and what you may do here.</CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-[7rem_1fr] gap-y-3 text-sm">
            <dt className="text-muted-foreground">Name</dt>
            <dd className="font-medium break-words">{user.name}</dd>
            <dt className="text-muted-foreground">Email</dt>
            <dd className="break-all">{user.email}</dd>
            <dt className="text-muted-foreground">Role</dt>
            <dd>
              <div className="font-medium">{ROLE_LABELS[role]}</div>
              <div className="text-muted-foreground text-xs">{ROLE_DESCRIPTIONS[role]}</div>
            </dd>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Data retention</CardTitle>
          <CardDescription>
            Conversations with no message for this long are deleted for good, with their messages, once a day. Leads
            stay. Each run is in the{" "}
            {can("view_audit_log") ? (
              <Link href="/settings/audit?kind=data" className="text-primary underline underline-offset-4">
                audit log
              </Link>
            ) : (
              "audit log"
            )}
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RetentionForm days={retentionDays} canManage={can("manage_workspace")} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>Changing it signs you out on every other browser and device.</CardDescription>
        </CardHeader>
        <CardContent>
          <ChangePasswordForm />
        </CardContent>
      </Card>
      <Card className="lg:col-span-2">
        <CardHeader>
          <CardTitle>Leave workspace</CardTitle>
          <CardDescription>
            {role === "owner"
              ? "You own this workspace. To leave it, first transfer ownership to another member in Members."
              : "You lose access at once. To come back, someone has to invite you again."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          {role === "owner" ? (
            <Link
              href="/settings/members"
              className="text-primary text-sm font-medium underline-offset-4 hover:underline"
            >
              Go to Members
            </Link>
          ) : (
            <LeaveWorkspaceDialog workspaceName={workspace.name} />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
