import { getDb } from "@/db";
import { listAuditEntries } from "@/db/queries/audit";
import { auditActionLabel, auditChangesText } from "@/lib/audit";
import { csvCell } from "@/lib/csv";
import { requireWorkspace } from "@/lib/session";
import { AUDIT_KINDS, parseAuditKind } from "@/lib/validations/settings";

const BATCH = 1_000;

const csvRow = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(",") + "\r\n";

/** GET /settings/audit/export?kind=…: the workspace's audit log as CSV (owner and admin only). */
export async function GET(req: Request): Promise<Response> {
  const { workspace, can } = await requireWorkspace(); // signed out: a redirect to sign-in
  if (!can("view_audit_log")) {
    return new Response("Your role cannot read the audit log. Ask an owner or admin.\n", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  const kind = parseAuditKind(new URL(req.url).searchParams.get("kind"));
  const db = await getDb();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        // A byte-order mark so spreadsheet apps read the file as UTF-8.
        controller.enqueue(
          encoder.encode(
            "\uFEFF" +
              csvRow([
                "time_utc",
                "actor_name",
                "actor_email",
                "action",
                "description",
                "target_type",
                "target_id",
                "changes",
                "before",
                "after",
              ]),
          ),
        );
        let beforeId: number | undefined;
        for (;;) {
          const rows = await listAuditEntries(db, {
            workspaceId: workspace.id,
            actionPrefixes: kind ? AUDIT_KINDS[kind].prefixes : undefined,
            beforeId,
            limit: BATCH,
          });
          let chunk = "";
          for (const r of rows) {
            chunk += csvRow([
              r.createdAt.toISOString(),
              r.actorName,
              r.actorEmail,
              r.action,
              auditActionLabel(r.action),
              r.targetType,
              r.targetId,
              auditChangesText(r.before, r.after),
              r.before === null ? "" : JSON.stringify(r.before),
              r.after === null ? "" : JSON.stringify(r.after),
            ]);
          }
          if (chunk) controller.enqueue(encoder.encode(chunk));
          if (rows.length < BATCH) break;
          beforeId = rows.at(-1)!.id;
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="parley-audit-log-${date}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
