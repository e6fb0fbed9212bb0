import type { Metadata } from "next";
import { PlanPicker } from "@/components/settings/plan-picker";
import { getDb } from "@/db";
import { planEnum } from "@/db/schema";
import { formatDateTime } from "@/lib/format";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { getMonthlyUsage } from "@/db/queries/usage";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage() {
  const { workspace, can } = await requireWorkspace();
  const usage = await getMonthlyUsage(await getDb(), workspace.id);
  const plans = planEnum.enumValues.map((id) => ({ id, label: PLAN_LABELS[id], ...planLimits(id) }));
  return (
    <div className="grid gap-6">
      <div className="space-y-1">
        <h2 className="text-lg font-semibold">Plan</h2>
        <p className="text-muted-foreground max-w-2xl text-sm">
          Each plan sets the messages a month for the whole workspace and the requests a minute for each integration. A
          change applies to the next API request. This month: {usage.used.toLocaleString("en-US")} messages used; the
          count resets on {formatDateTime(usage.resetsAt)}.
        </p>
      </div>
      <PlanPicker
        plans={plans}
        current={workspace.plan}
        used={usage.used}
        resetsAt={usage.resetsAt.toISOString()}
        canChange={can("change_plan")}
      />
      <p className="text-muted-foreground text-xs">
        Self-hosted Parley has no payment step: the owner switches plans here. The operator can change each plan&apos;s
        limits with the PARLEY_PLAN_LIMITS setting.
      </p>
    </div>
  );
}
