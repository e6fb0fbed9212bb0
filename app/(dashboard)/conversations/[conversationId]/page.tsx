import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BackLink } from "@/components/page-header";
import { conversationTitle } from "@/components/inbox/conversation-list";
import { ConversationActions } from "@/components/inbox/conversation-actions";
import { ReplyComposer } from "@/components/inbox/reply-composer";
import { ConversationStatusBadge } from "@/components/inbox/status-badge";
import { Transcript } from "@/components/inbox/transcript";
import { LeadCard } from "@/components/leads/lead-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db";
import { getConversationDetail } from "@/db/queries/inbox";
import { formatDateTime, formatRelative } from "@/lib/format";
import { isId } from "@/lib/ids";
import { requireWorkspace } from "@/lib/session";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ conversationId: string }> }) {
  const { conversationId } = await params;
  const { user, workspace, can } = await requireWorkspace();
  const c = isId("conv", conversationId)
    ? await getConversationDetail(await getDb(), { workspaceId: workspace.id, conversationId })
    : undefined;
  if (!c) notFound(); // another workspace's conversation looks exactly like a missing one
  const title = conversationTitle({
    leadName: c.lead?.name ?? null,
    leadEmail: c.lead?.email ?? null,
    externalUserId: c.externalUserId,
    channel: c.channel,
  });
  const work = can("work_inbox");
  const source =
    c.channel === "test"
      ? "Test chat"
      : c.integrationName
        ? `${c.integrationName}${c.integrationDeleted ? " (deleted)" : ""}`
        : "Deleted integration";
  const withMe = c.status === "human_active" && c.assignedUserId === user.id;

  return (
    <>
      <BackLink href="/conversations">Conversations</BackLink>
      <div className="mb-6 flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-all">{title}</h1>
          <ConversationStatusBadge status={c.status} />
        </div>
        <p className="text-muted-foreground text-sm">
          {source} · {c.botName} · started {formatRelative(c.createdAt)}
        </p>
      </div>

      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_18rem] lg:items-start">
        <Card className="min-w-0 gap-0 overflow-hidden py-0">
          <Transcript
            messages={c.messages}
            customer={c.externalUserId ?? c.lead?.name ?? "Customer"}
            channel={c.channel}
          />
          {work ? (
            <ReplyComposer conversationId={c.id} takesOver={!withMe} />
          ) : (
            <p className="text-muted-foreground border-t p-4 text-sm">
              Your role can read conversations but not answer them.
            </p>
          )}
        </Card>

        <aside className="grid content-start gap-6">
          {work && (
            <Card>
              <CardHeader>
                <CardTitle>Handoff</CardTitle>
              </CardHeader>
              <CardContent>
                <ConversationActions
                  conversationId={c.id}
                  status={c.status}
                  assignedToMe={withMe}
                  assignedUserName={c.assignedUserName}
                />
              </CardContent>
            </Card>
          )}
          {c.lead && <LeadCard lead={c.lead} />}
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-3 text-sm">
                <Detail label="User ID">
                  {c.externalUserId ? (
                    <span className="font-mono text-xs break-all">{c.externalUserId}</span>
                  ) : (
                    "Not given"
                  )}
                </Detail>
                <Detail label="Integration">
                  {c.integrationId && !c.integrationDeleted ? (
                    <Link
                      href={`/integrations/${c.integrationId}`}
                      className="hover:text-primary underline-offset-4 hover:underline"
                    >
                      {source}
                    </Link>
                  ) : (
                    source
                  )}
                </Detail>
                <Detail label="Bot">
                  <Link href={`/bots/${c.botId}`} className="hover:text-primary underline-offset-4 hover:underline">
                    {c.botName}
                  </Link>
                </Detail>
                {c.assignedUserName && <Detail label="Assigned to">{c.assignedUserName}</Detail>}
                {c.handoffRequestedAt && <Detail label="Handed off">{formatDateTime(c.handoffRequestedAt)}</Detail>}
                <Detail label="Started">{formatDateTime(c.createdAt)}</Detail>
                <Detail label="Last message">{formatRelative(c.lastMessageAt)}</Detail>
                <Detail label="Conversation ID">
                  <span className="font-mono text-xs break-all">{c.id}</span>
                </Detail>
              </dl>
            </CardContent>
          </Card>
        </aside>
      </div>
    </>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-muted-foreground">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
