import type { Metadata } from "next";
import Link from "next/link";
import { BarChart3Icon, DownloadIcon, ThumbsDownIcon, ThumbsUpIcon } from "lucide-react";
import { ActivityChartLazy, HoursChartLazy, OutcomesChartLazy } from "@/components/analytics/analytics-charts-lazy";
import { EmptyState } from "@/components/empty-state";
import { BotFilter, FilterActions, FilterField, FilterForm, IntegrationFilter } from "@/components/inbox/filter-form";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { getDb } from "@/db";
import { hasCustomerConversations } from "@/db/queries/analytics";
import { listFilterOptions } from "@/db/queries/inbox";
import { analyticsReport, share, TOP_QUESTIONS, type AnalyticsReport } from "@/lib/analytics";
import { formatNumber, formatRelative } from "@/lib/format";
import { requireWorkspace } from "@/lib/session";
import { filtersQuery } from "@/lib/validations/inbox";
import { parseAnalyticsFilters } from "@/lib/validations/analytics";

export const metadata: Metadata = { title: "Analytics" };

const COLORS = {
  messages: "var(--primary)",
  conversations: "var(--success)",
  answered: "var(--success)",
  fallback: "var(--warning)",
  handedOff: "var(--primary)",
  other: "var(--muted-foreground)",
};

const OUTCOMES = [
  { key: "answered", label: "Answered", color: COLORS.answered },
  { key: "fallback", label: "Could not answer", color: COLORS.fallback },
  { key: "handedOff", label: "Handed to the team", color: COLORS.handedOff },
  { key: "otherReplies", label: "Greetings and small talk", color: COLORS.other },
] as const;

const PERIOD = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

function percent(part: number, whole: number): string {
  if (whole === 0) return "–";
  const p = share(part, whole) * 100;
  return part > 0 && p < 1 ? "<1%" : `${Math.round(p)}%`;
}

function duration(ms: number | null): string {
  if (ms === null) return "–";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export default async function AnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace } = await requireWorkspace();
  const params = await searchParams;
  const filters = parseAnalyticsFilters(params);
  const db = await getDb();
  const [report, options, hasConversations] = await Promise.all([
    analyticsReport(db, { workspaceId: workspace.id, ...filters }),
    listFilterOptions(db, workspace.id),
    hasCustomerConversations(db, workspace.id),
  ]);
  const query = { bot: filters.botId, integration: filters.integrationId, from: filters.from, to: filters.to };
  const exportHref = (table: string) => `/analytics/export${filtersQuery({ ...query, table })}`;
  const chosen = ["bot", "integration", "from", "to"].some((k) => params[k] !== undefined);

  return (
    <>
      <PageHeader
        title="Analytics"
        description="How your bots do with customers on the API and the website widget: conversations, answers, leads and feedback. Days and hours are in UTC; the test chat is not counted."
        actions={
          hasConversations ? (
            <Button variant="outline" asChild>
              <a href={exportHref("days")} download data-testid="export-csv">
                <DownloadIcon /> Export CSV
              </a>
            </Button>
          ) : null
        }
      />
      {!hasConversations ? (
        <EmptyState
          icon={BarChart3Icon}
          title="No conversations yet"
          action={
            <Button asChild>
              <Link href="/integrations">Connect a bot</Link>
            </Button>
          }
        >
          Once customers talk to a bot through an integration (the Custom API or the website widget), this page shows
          how many conversations it had, how many questions it answered, the leads it captured, how customers rated its
          replies and what they ask most.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
          <FilterForm label="Filter analytics" className="bg-card rounded-xl border p-3 sm:p-4 md:grid-cols-4">
            <BotFilter id="a-bot" bots={options.bots} value={filters.botId} />
            <IntegrationFilter id="a-integration" integrations={options.integrations} value={filters.integrationId} />
            <FilterField id="a-from" label="From">
              <Input id="a-from" name="from" type="date" defaultValue={filters.from} max={filters.to} />
            </FilterField>
            <FilterField id="a-to" label="To">
              <Input id="a-to" name="to" type="date" defaultValue={filters.to} min={filters.from} />
            </FilterField>
            <FilterActions clear={chosen && { href: "/analytics", label: "Last 30 days, everything" }} />
          </FilterForm>
          <p className="text-muted-foreground -mt-2 text-sm" aria-live="polite" data-testid="period">
            {PERIOD.format(new Date(`${filters.from}T00:00:00Z`))} –{" "}
            {PERIOD.format(new Date(`${filters.to}T00:00:00Z`))} ({formatNumber(report.days.length)}{" "}
            {report.days.length === 1 ? "day" : "days"})
          </p>
          <Report report={report} exportHref={exportHref} />
        </div>
      )}
    </>
  );
}

function Report({ report, exportHref }: { report: AnalyticsReport; exportHref: (table: string) => string }) {
  const t = report.total;
  const ratings = t.thumbsUp + t.thumbsDown;
  const quiet = t.conversations === 0 && t.customerMessages === 0 && t.leads === 0;
  const activity = report.days.map((d) => ({
    day: d.day,
    messages: d.customerMessages,
    conversations: d.conversations,
  }));
  const outcomes = report.days.map((d) => ({
    day: d.day,
    answered: d.answered,
    fallback: d.fallback,
    handedOff: d.handedOff,
    otherReplies: d.otherReplies,
  }));
  const busiest = report.hours.reduce((best, n, h) => (n > report.hours[best]! ? h : best), 0);

  return (
    <>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="stats">
        <Stat id="conversations" label="Conversations" value={formatNumber(t.conversations)}>
          {formatNumber(t.customerMessages)} customer {t.customerMessages === 1 ? "message" : "messages"}
        </Stat>
        <Stat id="answered" label="Answered" value={percent(t.answered, t.botReplies)}>
          <OutcomeBar total={t.botReplies} parts={OUTCOMES.map((o) => ({ ...o, n: t[o.key] }))} />
          <span className="mt-1 block">
            {t.botReplies === 0
              ? "No replies"
              : `${percent(t.fallback, t.botReplies)} could not · ${percent(t.handedOff, t.botReplies)} handed off`}
          </span>
        </Stat>
        <Stat id="leads" label="Leads captured" value={formatNumber(t.leads)}>
          {t.conversations > 0 ? `${percent(t.leads, t.conversations)} of conversations` : "No conversations"}
        </Stat>
        <Stat id="reply-time" label="Reply time (median)" value={duration(t.medianReplyMs)}>
          95% within {duration(t.p95ReplyMs)}
        </Stat>
        <Stat
          id="feedback"
          label="Rated helpful"
          value={percent(t.thumbsUp, ratings)}
          className="col-span-2 sm:col-span-1"
        >
          <span className="inline-flex items-center gap-1">
            <ThumbsUpIcon className="size-3" aria-label="Thumbs up" /> {formatNumber(t.thumbsUp)}
          </span>{" "}
          ·{" "}
          <span className="inline-flex items-center gap-1">
            <ThumbsDownIcon className="size-3" aria-label="Thumbs down" /> {formatNumber(t.thumbsDown)}
          </span>
          {ratings === 0 && " · no ratings yet"}
        </Stat>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Conversations and messages per day</CardTitle>
          <CardDescription>Conversations started and messages customers sent, each day of the period.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {quiet ? (
            <Quiet>No conversations in this period. Choose other days, or another bot or integration.</Quiet>
          ) : (
            <>
              <ActivityChartLazy
                data={activity}
                series={[
                  { key: "messages", label: "Customer messages", color: COLORS.messages },
                  { key: "conversations", label: "Conversations", color: COLORS.conversations },
                ]}
              />
              <Legend
                items={[
                  { label: "Customer messages", color: COLORS.messages, value: t.customerMessages },
                  { label: "Conversations", color: COLORS.conversations, value: t.conversations },
                ]}
              />
            </>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>How the bot replied</CardTitle>
          <CardDescription>
            Each reply of the bot: answered from its knowledge, its fallback when it could not answer, handed to your
            team, or a greeting and small talk.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {t.botReplies === 0 ? (
            <Quiet>The bot sent no replies in this period.</Quiet>
          ) : (
            <>
              <OutcomesChartLazy
                data={outcomes}
                series={OUTCOMES.map(({ key, label, color }) => ({ key, label, color }))}
              />
              <Legend
                items={OUTCOMES.map((o) => ({
                  label: o.label,
                  color: o.color,
                  value: t[o.key],
                  note: percent(t[o.key], t.botReplies),
                }))}
              />
            </>
          )}
        </CardContent>
      </Card>

      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Busiest hours</CardTitle>
            <CardDescription>
              {t.customerMessages > 0
                ? `Customer messages by hour of the day (UTC); the busiest is ${String(busiest).padStart(2, "0")}:00.`
                : "Customer messages by hour of the day (UTC)."}
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-3">
            {t.customerMessages === 0 ? (
              <Quiet>No customer messages in this period.</Quiet>
            ) : (
              <HoursChartLazy
                data={report.hours.map((n, hour) => ({ hour, messages: n }))}
                series={{ key: "messages", label: "Customer messages", color: COLORS.messages }}
              />
            )}
            <CsvLink href={exportHref("hours")} />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Top questions</CardTitle>
            <CardDescription>
              What customers asked most, the same question in other words counted together.
              {report.questionsCapped && " From the latest 20,000 questions of the period."}
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-3">
            {report.topQuestions.length === 0 ? (
              <Quiet>No questions in this period.</Quiet>
            ) : (
              <ol className="grid gap-2" data-testid="top-questions">
                {report.topQuestions.slice(0, TOP_QUESTIONS).map((q, i) => (
                  <li key={q.terms.join(" ")} className="flex items-start gap-3 text-sm">
                    <span className="text-muted-foreground w-5 shrink-0 pt-0.5 text-right text-xs tabular-nums">
                      {i + 1}.
                    </span>
                    <div className="min-w-0 flex-1">
                      <p className="break-words" title={`Normalised terms: ${q.terms.join(", ")}`}>
                        {q.question}
                      </p>
                      <p className="text-muted-foreground text-xs">
                        last asked {formatRelative(q.lastAsked)}
                        {q.unanswered > 0 && (
                          <span className="text-amber-700 dark:text-amber-400">
                            {" "}
                            · not answered {formatNumber(q.unanswered)}×
                          </span>
                        )}
                        {q.handedOff > 0 && <> · handed off {formatNumber(q.handedOff)}×</>}
                      </p>
                    </div>
                    <span
                      className="bg-muted shrink-0 rounded-md px-2 py-0.5 font-mono text-xs tabular-nums"
                      title="Times asked"
                    >
                      {formatNumber(q.asked)}
                    </span>
                  </li>
                ))}
              </ol>
            )}
            <CsvLink href={exportHref("questions")} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}

function Stat({
  id,
  label,
  value,
  children,
  className,
}: {
  id: string;
  label: string;
  value: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div
      className={`bg-card grid content-start gap-1 rounded-xl border p-4 ${className ?? ""}`}
      data-testid={`stat-${id}`}
    >
      <p className="text-muted-foreground text-xs font-medium">{label}</p>
      <p className="text-2xl font-semibold tracking-tight tabular-nums" data-testid={`stat-${id}-value`}>
        {value}
      </p>
      <div className="text-muted-foreground text-xs">{children}</div>
    </div>
  );
}

/** The shares of the replies as one bar (decorative: the numbers are beside it). */
function OutcomeBar({ total, parts }: { total: number; parts: { key: string; color: string; n: number }[] }) {
  return (
    <div className="bg-muted mt-1 flex h-1.5 overflow-hidden rounded-full" aria-hidden>
      {total > 0 &&
        parts.map((p) => <span key={p.key} style={{ width: `${share(p.n, total) * 100}%`, background: p.color }} />)}
    </div>
  );
}

function Legend({ items }: { items: { label: string; color: string; value: number; note?: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-5 gap-y-1.5 text-xs" aria-label="Legend">
      {items.map((item) => (
        <li key={item.label} className="text-muted-foreground flex items-center gap-1.5">
          <span className="size-2.5 rounded-[2px]" style={{ background: item.color }} />
          {item.label}
          <span className="text-foreground font-medium tabular-nums">{formatNumber(item.value)}</span>
          {item.note && <span className="tabular-nums">({item.note})</span>}
        </li>
      ))}
    </ul>
  );
}

function Quiet({ children }: { children: React.ReactNode }) {
  return (
    <div className="text-muted-foreground flex h-40 items-center justify-center rounded-lg border border-dashed p-6 text-center text-sm">
      {children}
    </div>
  );
}

function CsvLink({ href }: { href: string }) {
  return (
    <a
      href={href}
      download
      className="text-muted-foreground hover:text-foreground inline-flex items-center gap-1 justify-self-end text-xs underline-offset-4 hover:underline"
    >
      <DownloadIcon className="size-3" /> CSV
    </a>
  );
}
