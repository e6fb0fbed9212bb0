import Link from "next/link";
import { MessageSquareTextIcon } from "lucide-react";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { LeadRow } from "@/db/queries/inbox";
import { formatDateTime, formatRelative } from "@/lib/format";

const dash = <span className="text-muted-foreground">—</span>;

/** The leads, newest first; each row's conversation is one click away. A list on a phone, a table above. */
export function LeadsTable({ rows }: { rows: LeadRow[] }) {
  const now = new Date();
  return (
    <>
      <LeadsList rows={rows} now={now} />
      <Card className="hidden py-0 md:flex">
        <LeadsGrid rows={rows} now={now} />
      </Card>
    </>
  );
}

function source(l: LeadRow) {
  return {
    bot: l.botName ?? "Deleted bot",
    channel: l.integrationName ?? (l.integrationId ? "Deleted integration" : "Test chat"),
  };
}

/** At phone width every detail of a lead shows, one lead under the other (a table would hide columns off-screen). */
function LeadsList({ rows, now }: { rows: LeadRow[]; now: Date }) {
  return (
    <ul className="bg-card divide-y rounded-xl border md:hidden" data-testid="leads-list">
      {rows.map((l) => {
        const { bot, channel } = source(l);
        return (
          <li key={l.id} className="grid gap-1 p-4 text-sm" data-testid="lead-item">
            <div className="flex items-baseline justify-between gap-2">
              <span className="min-w-0 font-medium wrap-anywhere">
                {l.name ?? l.email ?? l.phone ?? "Unnamed lead"}
              </span>
              <span className="text-muted-foreground shrink-0 text-xs" title={formatDateTime(l.createdAt)}>
                {formatRelative(l.createdAt, now)}
              </span>
            </div>
            {l.email && (
              <a href={`mailto:${l.email}`} className="text-primary wrap-anywhere underline-offset-4 hover:underline">
                {l.email}
              </a>
            )}
            {l.phone && (
              <a href={`tel:${l.phone}`} className="text-primary tabular-nums underline-offset-4 hover:underline">
                {l.phone}
              </a>
            )}
            {l.company && <span className="wrap-anywhere">{l.company}</span>}
            <span className="text-muted-foreground text-xs">
              {bot} · {channel}
            </span>
            {l.latestConversationId && (
              <Link
                href={`/conversations/${l.latestConversationId}`}
                className="text-primary inline-flex w-fit items-center gap-1 font-medium underline-offset-4 hover:underline"
              >
                <MessageSquareTextIcon className="size-3.5" /> Open conversation
                {l.conversationCount > 1 && (
                  <span className="text-muted-foreground font-normal">(+{l.conversationCount - 1} more)</span>
                )}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function LeadsGrid({ rows, now }: { rows: LeadRow[]; now: Date }) {
  return (
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
              <div>{source(l).bot}</div>
              <div className="text-xs">{source(l).channel}</div>
            </TableCell>
            <TableCell>
              {l.latestConversationId ? (
                <Link
                  href={`/conversations/${l.latestConversationId}`}
                  className="text-primary inline-flex items-center gap-1 font-medium underline-offset-4 hover:underline"
                >
                  <MessageSquareTextIcon className="size-3.5" /> Open
                  {l.conversationCount > 1 && (
                    <span className="text-muted-foreground font-normal">(+{l.conversationCount - 1} more)</span>
                  )}
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
  );
}
