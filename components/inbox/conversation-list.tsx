import Link from "next/link";
import { UserRoundIcon } from "lucide-react";
import { ConversationStatusBadge } from "@/components/inbox/status-badge";
import type { InboxRow } from "@/db/queries/inbox";
import { formatDateTime, formatRelative } from "@/lib/format";
import { cn } from "@/lib/utils";

const SPEAKER = { user: "Customer", assistant: "Bot", agent: "Team", system: "" } as const;

/** Who the conversation is with, as the team would say it. */
export function conversationTitle(c: {
  leadName: string | null;
  leadEmail?: string | null;
  externalUserId: string | null;
  channel: string;
}): string {
  // Widget conversations belong to "visitor:<random id>" or, with identity verification, "user:<your id>".
  const user =
    c.channel === "widget" && c.externalUserId?.startsWith("visitor:")
      ? "Website visitor"
      : c.channel === "widget"
        ? c.externalUserId?.replace(/^user:/, "")
        : c.externalUserId;
  return c.leadName || c.leadEmail || user || (c.channel === "test" ? "Test chat" : "Anonymous visitor");
}

/** The inbox rows: status, who, the latest message, where it came from and when; each row opens the transcript. */
export function ConversationList({ rows }: { rows: InboxRow[] }) {
  const now = new Date();
  return (
    <ul className="bg-card divide-y overflow-hidden rounded-xl border" data-testid="conversation-list">
      {rows.map((c) => (
        <li key={c.id} data-testid="conversation-row" data-conversation-id={c.id} data-status={c.status}>
          <Link
            href={`/conversations/${c.id}`}
            className={cn(
              "hover:bg-accent/60 focus-visible:bg-accent/60 flex flex-col gap-1.5 px-4 py-3 outline-none sm:px-5",
              c.waiting && "bg-warning/5",
            )}
          >
            <div className="flex min-w-0 items-center gap-2">
              {c.waiting && (
                <span className="bg-warning size-2 shrink-0 rounded-full" aria-label="Waiting for your team" />
              )}
              <span className="truncate font-medium">{conversationTitle(c)}</span>
              {c.leadId && (
                <span
                  className="text-muted-foreground inline-flex shrink-0 items-center gap-1 text-xs"
                  title="A lead is linked to this conversation"
                >
                  <UserRoundIcon className="size-3" /> Lead
                </span>
              )}
              <time
                className="text-muted-foreground ml-auto shrink-0 text-xs"
                dateTime={c.lastMessageAt.toISOString()}
                title={formatDateTime(c.lastMessageAt)}
              >
                {formatRelative(c.lastMessageAt, now)}
              </time>
            </div>
            {c.lastMessage && (
              <p className="text-muted-foreground line-clamp-2 text-sm break-words">
                <span className="text-foreground/80 font-medium">{SPEAKER[c.lastMessage.role]}:</span>{" "}
                {c.lastMessage.content}
              </p>
            )}
            <div className="text-muted-foreground flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
              <ConversationStatusBadge status={c.status} />
              <span>{c.channel === "test" ? "Test chat" : (c.integrationName ?? "Deleted integration")}</span>
              <span aria-hidden>·</span>
              <span>{c.botName}</span>
              <span aria-hidden>·</span>
              <span>
                {c.messageCount} {c.messageCount === 1 ? "message" : "messages"}
              </span>
              {c.assignedUserName && c.status === "human_active" && (
                <>
                  <span aria-hidden>·</span>
                  <span>with {c.assignedUserName}</span>
                </>
              )}
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}
