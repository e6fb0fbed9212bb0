import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { RetryDeliveryButton } from "@/components/webhooks/retry-delivery-button";
import type { DeliveryLogEntry } from "@/db/queries/webhooks";
import { formatDateTime, formatRelative } from "@/lib/format";

const STATUS = {
  delivered: { label: "Delivered", variant: "success" },
  pending: { label: "Pending", variant: "warning" },
  failed: { label: "Failed", variant: "destructive" },
} as const;

/** "in 10 s", "in 2 minutes", "now": when the next attempt is due. */
function nextTry(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 60) return `in ${seconds} s`;
  return formatRelative(at, now);
}

/** The latest deliveries: event, outcome, attempts, the receiver's answer, and when. */
export function DeliveryLog({
  entries,
  canManage,
  showUrl,
}: {
  entries: DeliveryLogEntry[];
  canManage: boolean;
  showUrl: boolean;
}) {
  const now = new Date();
  return (
    <Table data-testid="delivery-log">
      <TableHeader>
        <TableRow>
          <TableHead className="pl-6">Event</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="text-right">Attempts</TableHead>
          <TableHead>Response</TableHead>
          <TableHead className="pr-6">Time</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((d) => {
          const s = STATUS[d.status];
          return (
            <TableRow key={d.id} data-testid="delivery" data-status={d.status}>
              <TableCell className="pl-6 align-top">
                <div className="font-mono text-xs font-medium">{d.event}</div>
                <div className="text-muted-foreground font-mono text-[11px]">{d.eventId}</div>
                {showUrl && (
                  <div className="text-muted-foreground max-w-56 truncate text-[11px]" title={d.url}>
                    {d.url}
                  </div>
                )}
              </TableCell>
              <TableCell className="align-top">
                <Badge variant={s.variant}>{s.label}</Badge>
              </TableCell>
              <TableCell className="text-right align-top tabular-nums">{d.attempts}</TableCell>
              <TableCell className="max-w-72 align-top">
                {d.lastStatusCode !== null && <span className="font-mono text-xs">HTTP {d.lastStatusCode}</span>}
                {d.lastError && (
                  <p
                    className="text-muted-foreground line-clamp-2 text-xs break-words whitespace-normal"
                    title={d.lastError}
                  >
                    {d.lastError}
                  </p>
                )}
                {d.lastStatusCode === null && !d.lastError && <span className="text-muted-foreground text-xs">—</span>}
              </TableCell>
              <TableCell className="pr-6 align-top text-xs whitespace-nowrap">
                <div title={formatDateTime(d.createdAt)}>{formatRelative(d.createdAt, now)}</div>
                {d.status === "delivered" && d.deliveredAt && (
                  <div className="text-muted-foreground">delivered {formatRelative(d.deliveredAt, now)}</div>
                )}
                {d.status === "pending" && d.attempts > 0 && (
                  <div className="text-muted-foreground" title={formatDateTime(d.nextAttemptAt)}>
                    next try {nextTry(d.nextAttemptAt, now)}
                  </div>
                )}
                {d.status === "failed" && canManage && <RetryDeliveryButton deliveryId={d.id} />}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
