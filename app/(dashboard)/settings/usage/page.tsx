import type { Metadata } from "next";
import Link from "next/link";
import { BarChart3Icon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { UsageChartLazy } from "@/components/settings/usage-chart-lazy";
import { UsageMeter } from "@/components/settings/usage-meter";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { dailyMessagesByIntegration, getMonthlyUsage } from "@/db/queries/usage";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Usage" };

const COLORS = [
  "var(--primary)",
  "oklch(0.696 0.17 162.48)",
  "oklch(0.769 0.188 70.08)",
  "oklch(0.645 0.246 16.439)",
  "oklch(0.627 0.265 303.9)",
];
const MAX_SERIES = COLORS.length;

export default async function UsagePage() {
  const { workspace } = await requireWorkspace();
  const db = await getDb();
  const [month, daily] = await Promise.all([
    getMonthlyUsage(db, workspace.id),
    dailyMessagesByIntegration(db, workspace.id, 30),
  ]);
  const limit = planLimits(workspace.plan).messagesPerMonth;
  const percent = limit > 0 ? Math.floor((month.used / limit) * 100) : 100;
  const percentLabel = month.used > 0 && percent === 0 ? "<1% used" : `${percent}% used`;

  // The busiest integrations get their own colour; the rest are summed as "Other".
  const top = daily.series.slice(0, daily.series.length > MAX_SERIES ? MAX_SERIES - 1 : MAX_SERIES);
  const rest = daily.series.slice(top.length);
  // Two integrations may share a name (a deleted one and its successor): the legend tells them apart.
  const chartSeries = top.map((s, i) => ({
    key: `s${i}`,
    label: s.deleted && s.integrationId ? `${s.name} (deleted)` : s.name,
    color: COLORS[i]!,
    counts: s.counts,
  }));
  if (rest.length) {
    chartSeries.push({
      key: "other",
      label: `${rest.length} other integrations`,
      color: "var(--muted-foreground)",
      counts: daily.days.map((_, i) => rest.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0)),
    });
  }
  const total30 = daily.series.reduce((sum, s) => sum + s.total, 0);

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>This month</CardTitle>
          <CardDescription>
            Replies the bot gave through your integrations (the API and the website widget) since the start of the month
            (UTC), against the {PLAN_LABELS[workspace.plan]} plan&apos;s quota.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <p className="text-sm">
              <span className="text-3xl font-semibold tabular-nums" data-testid="usage-used">
                {formatNumber(month.used)}
              </span>{" "}
              <span className="text-muted-foreground">of {formatNumber(limit)} messages</span>
            </p>
            <Badge variant={percent >= 100 ? "destructive" : percent >= 80 ? "warning" : "secondary"}>
              {percentLabel}
            </Badge>
          </div>
          <UsageMeter used={month.used} limit={limit} />
          <p className="text-muted-foreground text-sm">
            Resets {formatRelative(month.resetsAt)}, on {formatDateTime(month.resetsAt)}. When the quota is used up the
            API answers <code className="font-mono text-xs">quota_exceeded</code> until then.{" "}
            <Link href="/settings/plan" className="text-primary font-medium underline-offset-4 hover:underline">
              Plans
            </Link>
          </p>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Messages per day</CardTitle>
          <CardDescription>
            The same count for the last 30 days (UTC), by integration: {formatNumber(total30)} in all. A message your
            team answered in person is not counted.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {daily.series.length === 0 ? (
            <EmptyState icon={BarChart3Icon} title="No messages in the last 30 days">
              Messages your backend sends through an integration are counted here, day by day.
            </EmptyState>
          ) : (
            <div className="grid gap-4">
              <UsageChartLazy days={daily.days} series={chartSeries} />
              <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Legend">
                {chartSeries.map((s) => (
                  <li key={s.key} className="text-muted-foreground flex items-center gap-1.5">
                    <span className="size-2.5 rounded-[2px]" style={{ background: s.color }} />
                    {s.label}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </CardContent>
      </Card>

      {daily.series.length > 0 && (
        <Card className="py-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Integration</TableHead>
                <TableHead className="text-right">Last 30 days</TableHead>
                <TableHead className="text-right">This month</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {daily.series.map((s) => (
                <TableRow key={s.integrationId ?? "removed"}>
                  <TableCell className="font-medium">
                    {s.integrationId && !s.deleted ? (
                      <Link
                        href={`/integrations/${s.integrationId}`}
                        className="hover:text-primary underline-offset-4 hover:underline"
                      >
                        {s.name}
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">
                        {s.name} {s.deleted && s.integrationId ? "(deleted)" : ""}
                      </span>
                    )}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatNumber(s.total)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatNumber(s.thisMonth)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      <p className="text-muted-foreground text-xs">
        The per-day counts are the messages stored for API conversations. Messages sent while a team member has taken a
        conversation over are stored but not charged to the quota, and the dashboard&apos;s test chat is never charged.
      </p>
    </div>
  );
}
