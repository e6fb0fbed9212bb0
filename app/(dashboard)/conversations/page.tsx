import type { Metadata } from "next";
import Link from "next/link";
import { InboxIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ConversationList } from "@/components/inbox/conversation-list";
import { BotFilter, FilterActions, FilterField, FilterForm, IntegrationFilter } from "@/components/inbox/filter-form";
import { PageHeader } from "@/components/page-header";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { getDb } from "@/db";
import { listFilterOptions, listInboxConversations } from "@/db/queries/inbox";
import { requireWorkspace } from "@/lib/session";
import { parseInboxFilters, STATUS_LABELS, CONVERSATION_STATUSES } from "@/lib/validations/inbox";

export const metadata: Metadata = { title: "Conversations" };

const LIMIT = 100;

export default async function ConversationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace } = await requireWorkspace();
  const params = await searchParams;
  const filters = parseInboxFilters(params);
  const db = await getDb();
  const [rows, options] = await Promise.all([
    listInboxConversations(db, { workspaceId: workspace.id, filters, limit: LIMIT }),
    listFilterOptions(db, workspace.id),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const waiting = rows.filter((r) => r.waiting).length;
  const integration = filters.testChat ? "test" : (filters.integrationId ?? "");

  return (
    <>
      <PageHeader
        title="Conversations"
        description="Every conversation your bots have had. Conversations handed to your team come first; take one over to reply yourself."
      />

      {rows.length === 0 && !filtered ? (
        <EmptyState icon={InboxIcon} title="No conversations yet">
          When your app sends messages through an integration, the conversations appear here. Chats that a customer
          hands over to a person are listed first, and the sidebar shows how many are waiting.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-4">
          <FilterForm
            label="Filter conversations"
            className="bg-card rounded-xl border p-3 sm:p-4 md:grid-cols-3 2xl:grid-cols-6"
          >
            <FilterField id="f-status" label="Status">
              <NativeSelect id="f-status" name="status" defaultValue={filters.status ?? ""}>
                <option value="">All statuses</option>
                <option value="handed_off">With the team</option>
                {CONVERSATION_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </NativeSelect>
            </FilterField>
            <IntegrationFilter id="f-integration" integrations={options.integrations} value={integration}>
              <option value="test">Test chat</option>
            </IntegrationFilter>
            <BotFilter id="f-bot" bots={options.bots} value={filters.botId} />
            <FilterField id="f-lead" label="Lead">
              <NativeSelect
                id="f-lead"
                name="lead"
                defaultValue={filters.hasLead === undefined ? "" : filters.hasLead ? "yes" : "no"}
              >
                <option value="">Any</option>
                <option value="yes">With a lead</option>
                <option value="no">Without a lead</option>
              </NativeSelect>
            </FilterField>
            <FilterField id="f-from" label="Active from">
              <Input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} />
            </FilterField>
            <FilterField id="f-to" label="Active to">
              <Input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} />
            </FilterField>
            <FilterActions clear={filtered && { href: "/conversations" }} />
          </FilterForm>

          <p className="text-muted-foreground text-sm" aria-live="polite">
            {waiting > 0 ? (
              <span className="text-foreground font-medium">{waiting} waiting for your team · </span>
            ) : null}
            {rows.length === LIMIT
              ? `Showing the ${LIMIT} most recent; narrow the filters to see others.`
              : `${rows.length} ${rows.length === 1 ? "conversation" : "conversations"}`}
          </p>

          {rows.length === 0 ? (
            <div className="text-muted-foreground rounded-xl border border-dashed p-10 text-center text-sm">
              No conversations match these filters.{" "}
              <Link href="/conversations" className="text-primary font-medium underline-offset-4 hover:underline">
                Clear filters
              </Link>
            </div>
          ) : (
            <ConversationList rows={rows} />
          )}
        </div>
      )}
    </>
  );
}
