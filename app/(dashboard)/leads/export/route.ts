import { getDb } from "@/db";
import { listLeads } from "@/db/queries/inbox";
import { toCsv } from "@/lib/csv";
import { requireWorkspace } from "@/lib/session";
import { parseLeadFilters } from "@/lib/validations/inbox";

const MAX_ROWS = 100_000;

/**
 * GET /leads/export: the workspace's leads (with the page's search and filters) as CSV. Checks the
 * session and workspace itself; cells are escaped and defused against spreadsheet formulas.
 */
export async function GET(req: Request) {
  const { workspace } = await requireWorkspace();
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const rows = await listLeads(await getDb(), {
    workspaceId: workspace.id,
    filters: parseLeadFilters(params),
    limit: MAX_ROWS,
  });
  const csv = toCsv(
    [
      "name",
      "email",
      "phone",
      "company",
      "bot",
      "integration",
      "conversations",
      "latest_conversation_id",
      "created_at",
    ],
    rows.map((l) => [
      l.name,
      l.email,
      l.phone,
      l.company,
      l.botName,
      l.integrationName,
      l.conversationCount,
      l.latestConversationId,
      l.createdAt,
    ]),
  );
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="leads-${day}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
