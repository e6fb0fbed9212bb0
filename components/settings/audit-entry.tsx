import { ArrowRightIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { AuditRow } from "@/db/queries/audit";
import { auditActionLabel, auditChanges, nonPersonActor } from "@/lib/audit";
import { formatDateTime, formatRelative } from "@/lib/format";

/**
 * One audit entry: what happened, who did it and when, and each field before → after. `names` gives
 * the bots, integrations and webhooks that still exist by name instead of by id.
 */
export function AuditEntry({ row, names = {} }: { row: AuditRow; names?: Record<string, string> }) {
  const changes = auditChanges(row.before, row.after).map((c) => ({
    ...c,
    before: c.before && (names[c.before] ?? c.before),
    after: c.after && (names[c.after] ?? c.after),
  }));
  const targetName = row.targetId ? names[row.targetId] : undefined;
  return (
    <li className="grid gap-2 px-4 py-4 sm:px-6">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium">{auditActionLabel(row.action)}</span>
        <Badge variant="outline" className="font-mono text-[11px] font-normal">
          {row.action}
        </Badge>
        <time
          dateTime={row.createdAt.toISOString()}
          title={formatDateTime(row.createdAt)}
          className="text-muted-foreground ml-auto text-xs"
        >
          {formatDateTime(row.createdAt)}
          <span className="sr-only"> ({formatRelative(row.createdAt)})</span>
        </time>
      </div>
      <div className="text-muted-foreground text-sm break-words">
        by{" "}
        {row.actorUserId && row.actorName ? (
          <span className="text-foreground">
            {row.actorName} <span className="text-muted-foreground">({row.actorEmail})</span>
          </span>
        ) : (
          <span>{nonPersonActor(row.action) ?? "a deleted user"}</span>
        )}
        {row.targetId && (
          <>
            {" "}
            · {row.targetType}{" "}
            {targetName ? (
              <span className="text-foreground wrap-anywhere" title={row.targetId}>
                “{targetName}”
              </span>
            ) : (
              <code className="font-mono text-xs break-all">{row.targetId}</code>
            )}
          </>
        )}
      </div>
      {changes.length > 0 && (
        <dl className="bg-muted/40 grid gap-x-4 gap-y-1.5 rounded-lg border px-3 py-2 text-sm sm:grid-cols-[10rem_1fr]">
          {changes.map((c) => (
            <div key={c.field} className="contents">
              <dt className="text-muted-foreground">{c.field}</dt>
              <dd className="min-w-0 break-words">
                {c.kind === "changed" ? (
                  <span className="inline-flex flex-wrap items-center gap-1.5">
                    <del className="text-muted-foreground decoration-destructive/60">{c.before}</del>
                    <ArrowRightIcon className="text-muted-foreground size-3.5 shrink-0" aria-label="changed to" />
                    <ins className="font-medium no-underline">{c.after}</ins>
                  </span>
                ) : c.kind === "removed" ? (
                  <del className="text-muted-foreground">{c.before}</del>
                ) : (
                  <span>{c.after}</span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
