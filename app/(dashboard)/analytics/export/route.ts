import { getDb } from "@/db";
import { analyticsCsv, analyticsReport, ANALYTICS_TABLES, type AnalyticsTable } from "@/lib/analytics";
import { toCsv } from "@/lib/csv";
import { requireWorkspace } from "@/lib/session";
import { parseAnalyticsFilters } from "@/lib/validations/analytics";

/**
 * GET /analytics/export?table=days|hours|questions: the Analytics page's figures (with its filters) as
 * CSV. Checks the session and workspace itself; cells are escaped and defused against spreadsheet formulas.
 */
export async function GET(req: Request) {
  const { workspace } = await requireWorkspace();
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const filters = parseAnalyticsFilters(params);
  const table: AnalyticsTable = (ANALYTICS_TABLES as readonly string[]).includes(params.table ?? "")
    ? (params.table as AnalyticsTable)
    : "days";
  const report = await analyticsReport(await getDb(), { workspaceId: workspace.id, ...filters });
  const { header, rows } = analyticsCsv(report, table);
  return new Response(toCsv(header, rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="analytics-${table}-${filters.from}-to-${filters.to}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
