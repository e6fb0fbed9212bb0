import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireWorkspace } from "@/lib/session";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { ROLE_LABELS } from "@/lib/permissions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { user, workspace, role } = await requireWorkspace();
  const limits = planLimits(workspace.plan);
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its plan, and your account." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Workspace</CardTitle>
            <CardDescription>Shared by everyone you invite.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[8rem_1fr] gap-y-3 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd className="font-medium">{workspace.name}</dd>
              <dt className="text-muted-foreground">Plan</dt>
              <dd>
                <Badge variant="secondary">{PLAN_LABELS[workspace.plan]}</Badge>
              </dd>
              <dt className="text-muted-foreground">Messages</dt>
              <dd>{limits.messagesPerMonth.toLocaleString("en-US")} a month</dd>
              <dt className="text-muted-foreground">Rate limit</dt>
              <dd>{limits.requestsPerMinute.toLocaleString("en-US")} requests a minute per integration</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Your account</CardTitle>
            <CardDescription>How you sign in to Parley.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[8rem_1fr] gap-y-3 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd className="font-medium">{user.name}</dd>
              <dt className="text-muted-foreground">Email</dt>
              <dd>{user.email}</dd>
              <dt className="text-muted-foreground">Role</dt>
              <dd>{ROLE_LABELS[role]}</dd>
            </dl>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
