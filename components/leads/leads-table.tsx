import Link from "next/link";
import { MessageSquareTextIcon } from "lucide-react";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { LeadRow } from "@/db/queries/inbox";
import { formatDateTime, formatRelative } from "@/lib/format";

const dash = <span className="text-muted-foreground">—</span>;

/** The leads, newest first; each row's conversation is one click away. */
export function LeadsTable({ rows }: { rows: LeadRow[] }) {
  const now = new Date();
  return (
    <Card className="py-0">
      <Table data-testid="leads-table">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead>Phone</TableHead>
            <TableHead>Company</TableHead>
            <TableHead>Source</TableHead>
            <TableHead>Conversation</TableHead>
            <TableHead>Captured</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((l) => (
            <TableRow key={l.id} data-testid="lead-row">
              <TableCell className="font-medium">{l.name ?? dash}</TableCell>
              <TableCell>
                {l.email ? (
                  <a href={`mailto:${l.email}`} className="hover:text-primary underline-offset-4 hover:underline">
                    {l.email}
                  </a>
                ) : (
                  dash
                )}
              </TableCell>
              <TableCell className="tabular-nums">{l.phone ?? dash}</TableCell>
              <TableCell>{l.company ?? dash}</TableCell>
              <TableCell className="text-muted-foreground">
                <div>{l.botName ?? "Deleted bot"}</div>
                <div className="text-xs">{l.integrationName ?? (l.integrationId ? "Deleted integration" : "Test chat")}</div>
              </TableCell>
              <TableCell>
                {l.latestConversationId ? (
                  <Link
                    href={`/conversations/${l.latestConversationId}`}
                    className="text-primary inline-flex items-center gap-1 font-medium underline-offset-4 hover:underline"
                  >
                    <MessageSquareTextIcon className="size-3.5" /> Open
                    {l.conversationCount > 1 && <span className="text-muted-foreground font-normal">(+{l.conversationCount - 1} more)</span>}
                  </Link>
                ) : (
                  dash
                )}
              </TableCell>
              <TableCell className="text-muted-foreground whitespace-nowrap" title={formatDateTime(l.createdAt)}>
                {formatRelative(l.createdAt, now)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
