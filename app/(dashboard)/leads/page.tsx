import type { Metadata } from "next";
import Link from "next/link";
import { DownloadIcon, UsersIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { BotFilter, FilterActions, FilterField, FilterForm, IntegrationFilter } from "@/components/inbox/filter-form";
import { LeadsTable } from "@/components/leads/leads-table";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { getDb } from "@/db";
import { listFilterOptions, listLeads } from "@/db/queries/inbox";
import { requireWorkspace } from "@/lib/session";
import { filtersQuery, parseLeadFilters } from "@/lib/validations/inbox";

export const metadata: Metadata = { title: "Leads" };

const LIMIT = 200;

export default async function LeadsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace } = await requireWorkspace();
  const filters = parseLeadFilters(await searchParams);
  const db = await getDb();
  const [rows, options] = await Promise.all([
    listLeads(db, { workspaceId: workspace.id, filters, limit: LIMIT }),
    listFilterOptions(db, workspace.id),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const exportHref = `/leads/export${filtersQuery({ q: filters.q, bot: filters.botId, integration: filters.integrationId, from: filters.from, to: filters.to })}`;

  return (
    <>
      <PageHeader
        title="Leads"
        description="Contact details your bots collected from interested customers, one lead per person (matched by email or phone)."
        actions={
          rows.length > 0 || filtered ? (
            <Button variant="outline" asChild>
              <a href={exportHref} download data-testid="export-csv">
                <DownloadIcon /> Export CSV
              </a>
            </Button>
          ) : null
        }
      />
      {rows.length === 0 && !filtered ? (
        <EmptyState icon={UsersIcon} title="No leads yet">
          Turn on lead capture in a bot&apos;s settings. When a customer shares their name, email or phone number in a
          conversation (or answers the bot&apos;s polite ask), they appear here, linked to the conversation.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-4">
          <FilterForm label="Search leads" className="bg-card rounded-xl border p-3 sm:p-4 md:grid-cols-4">
            <FilterField id="l-q" label="Search" className="col-span-full">
              <Input
                id="l-q"
                name="q"
                type="search"
                placeholder="Name, email, phone or company"
                defaultValue={filters.q ?? ""}
              />
            </FilterField>
            <BotFilter id="l-bot" bots={options.bots} value={filters.botId} />
            <IntegrationFilter id="l-integration" integrations={options.integrations} value={filters.integrationId} />
            <FilterField id="l-from" label="Captured from">
              <Input id="l-from" name="from" type="date" defaultValue={filters.from ?? ""} />
            </FilterField>
            <FilterField id="l-to" label="Captured to">
              <Input id="l-to" name="to" type="date" defaultValue={filters.to ?? ""} />
            </FilterField>
            <FilterActions clear={filtered && { href: "/leads" }} />
          </FilterForm>
          <p className="text-muted-foreground text-sm" aria-live="polite">
            {rows.length === LIMIT
              ? `Showing the ${LIMIT} newest; the CSV export has them all.`
              : `${rows.length} ${rows.length === 1 ? "lead" : "leads"}`}
          </p>
          {rows.length === 0 ? (
            <div className="text-muted-foreground rounded-xl border border-dashed p-10 text-center text-sm">
              No leads match.{" "}
              <Link href="/leads" className="text-primary font-medium underline-offset-4 hover:underline">
                Clear filters
              </Link>
            </div>
          ) : (
            <LeadsTable rows={rows} />
          )}
        </div>
      )}
    </>
  );
}
