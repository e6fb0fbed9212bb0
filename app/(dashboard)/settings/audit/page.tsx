import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { DownloadIcon, ScrollTextIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { AuditEntry } from "@/components/settings/audit-entry";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { listAuditEntries } from "@/db/queries/audit";
import { listBots } from "@/db/queries/bots";
import { listIntegrations } from "@/db/queries/integrations";
import { listWebhooks } from "@/db/queries/webhooks";
import { requireWorkspace } from "@/lib/session";
import { cn } from "@/lib/utils";
import { AUDIT_KINDS, parseAuditKind } from "@/lib/validations/settings";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ kind?: string; before?: string }>;
}) {
  const { workspace, can } = await requireWorkspace();
  if (!can("view_audit_log")) redirect("/settings");
  const params = await searchParams;
  const kind = parseAuditKind(params.kind);
  const before = /^\d{1,15}$/.test(params.before ?? "") ? Number(params.before) : undefined;
  const db = await getDb();
  const [rows, bots, integrations, webhooks] = await Promise.all([
    listAuditEntries(db, {
      workspaceId: workspace.id,
      actionPrefixes: kind ? AUDIT_KINDS[kind].prefixes : undefined,
      beforeId: before,
      limit: PAGE_SIZE + 1,
    }),
    listBots(db, workspace.id),
    listIntegrations(db, workspace.id),
    listWebhooks(db, workspace.id),
  ]);
  // What the entries are about, by name where it still exists (a deleted one shows its id).
  const names: Record<string, string> = Object.fromEntries([
    ...bots.map((b) => [b.id, b.name]),
    ...integrations.map((i) => [i.id, i.name]),
    ...webhooks.map((w) => [w.id, w.url]),
  ]);
  const page = rows.slice(0, PAGE_SIZE);
  const olderId = rows.length > PAGE_SIZE ? page.at(-1)!.id : undefined;
  const href = (k: string | undefined, b?: number) => {
    const q = new URLSearchParams();
    if (k) q.set("kind", k);
    if (b !== undefined) q.set("before", String(b));
    const s = q.toString();
    return `/settings/audit${s ? `?${s}` : ""}`;
  };
  const exportHref = `/settings/audit/export${kind ? `?kind=${kind}` : ""}`;

  return (
    <div className="grid gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="space-y-1">
          <h2 className="text-lg font-semibold">Audit log</h2>
          <p className="text-muted-foreground max-w-2xl text-sm">
            Every change to plans, members, integrations, keys and allowed IPs: who made it, when, and what changed.
            Entries cannot be edited.
          </p>
        </div>
        <Button asChild variant="outline" className="shrink-0">
          <a href={exportHref} download>
            <DownloadIcon /> Export CSV
          </a>
        </Button>
      </div>
      <nav aria-label="Filter by kind" className="flex flex-wrap gap-2">
        {[
          { key: undefined, label: "All" },
          ...Object.entries(AUDIT_KINDS).map(([key, v]) => ({ key, label: v.label })),
        ].map(({ key, label }) => (
          <Link
            key={label}
            href={href(key)}
            aria-current={kind === key ? "page" : undefined}
            className={cn(
              "rounded-full border px-3 py-1 text-sm transition-colors",
              kind === key
                ? "bg-primary text-primary-foreground border-primary"
                : "text-muted-foreground hover:text-foreground hover:bg-accent",
            )}
          >
            {label}
          </Link>
        ))}
      </nav>
      {page.length === 0 ? (
        <EmptyState icon={ScrollTextIcon} title={before ? "No older entries" : "Nothing here yet"}>
          {kind ? "No entries of this kind." : "Changes to this workspace will be listed here."}
        </EmptyState>
      ) : (
        <Card className="gap-0 py-0">
          <ol className="divide-y" data-testid="audit-entries">
            {page.map((row) => (
              <AuditEntry key={row.id} row={row} names={names} />
            ))}
          </ol>
        </Card>
      )}
      {(before !== undefined || olderId !== undefined) && (
        <div className="flex justify-between gap-2">
          {before !== undefined ? (
            <Button asChild variant="ghost">
              <Link href={href(kind)}>Newest</Link>
            </Button>
          ) : (
            <span />
          )}
          {olderId !== undefined && (
            <Button asChild variant="outline">
              <Link href={href(kind, olderId)}>Older entries</Link>
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
