import type { Metadata } from "next";
import Link from "next/link";
import { MessageCircleQuestionIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { BotFilter, FilterActions, FilterForm } from "@/components/inbox/filter-form";
import { PageHeader } from "@/components/page-header";
import { DigestToggle } from "@/components/unanswered/digest-toggle";
import { TopicCard, type TopicCardData } from "@/components/unanswered/topic-card";
import { getDb } from "@/db";
import { listBotNames } from "@/db/queries/bots";
import { countTopics, digestEnabled, listTopics, type TopicView } from "@/db/queries/unanswered";
import { emailConfigured } from "@/lib/email";
import { formatDateTime, formatDay, formatNumber, formatRelative } from "@/lib/format";
import { embeddingConfigFromEnv } from "@/lib/knowledge/embeddings";
import { requireWorkspace } from "@/lib/session";
import { topicLabel } from "@/lib/unanswered/group";
import { groupUnanswered } from "@/lib/unanswered/sync";
import { cn } from "@/lib/utils";
import { parseUnansweredParams } from "@/lib/validations/unanswered";

export const metadata: Metadata = { title: "Unanswered questions" };

const VIEWS: { view: TopicView; label: string }[] = [
  { view: "open", label: "To answer" },
  { view: "snoozed", label: "Snoozed" },
  { view: "dismissed", label: "Dismissed" },
  { view: "answered", label: "Answered" },
];

export default async function UnansweredPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace, can } = await requireWorkspace();
  const { view, botId } = parseUnansweredParams(await searchParams);
  const db = await getDb();
  // Questions asked since the worker's last round are grouped now, so the page is current. A question's
  // embedding gets the short deadline of a customer's question here; past it, terms alone group it.
  const embedding = embeddingConfigFromEnv();
  await groupUnanswered(db, {
    workspaceId: workspace.id,
    embedding: embedding && { ...embedding, timeoutMs: embedding.queryTimeoutMs },
  });
  const scope = { workspaceId: workspace.id, botId };
  const [topics, counts, bots, digest] = await Promise.all([
    listTopics(db, { ...scope, view }),
    countTopics(db, scope),
    listBotNames(db, workspace.id),
    digestEnabled(db, workspace.id),
  ]);
  const now = new Date();
  const canManage = can("manage_bots");
  const query = (v: TopicView) => {
    const params = new URLSearchParams();
    if (v !== "open") params.set("view", v);
    if (botId) params.set("bot", botId);
    const s = params.toString();
    return s ? `/unanswered?${s}` : "/unanswered";
  };
  const cards: TopicCardData[] = topics.map((t) => ({
    id: t.id,
    label: topicLabel(t.questions),
    botId: t.botId,
    botName: t.botName,
    status: t.status,
    snoozedUntil: t.snoozedUntil && formatDay(t.snoozedUntil),
    answerTitle: t.answerTitle,
    answerSourceId: t.answerSourceId,
    count: t.count,
    conversations: t.conversations,
    firstAsked: { relative: formatRelative(t.firstAsked, now), exact: formatDateTime(t.firstAsked) },
    lastAsked: { relative: formatRelative(t.lastAsked, now), exact: formatDateTime(t.lastAsked) },
    reasons: t.reasons,
    questions: t.questions.map((q) => ({
      id: q.replyMessageId,
      conversationId: q.conversationId,
      text: q.text,
      reply: q.reply,
      reason: q.reason,
      asked: { relative: formatRelative(q.askedAt, now), exact: formatDateTime(q.askedAt) },
    })),
  }));
  const nothingYet = Object.values(counts).every((n) => n === 0) && !botId;

  return (
    <>
      <PageHeader
        title="Unanswered questions"
        description="What customers asked that your bots could not answer well: their fallback, answers they were unsure of, and replies rated down. Similar questions are grouped; answer a group once and the bot knows it from then on."
      />
      {nothingYet ? (
        <EmptyState icon={MessageCircleQuestionIcon} title="No unanswered questions">
          When a bot replies with its fallback message, answers with little confidence, or a customer rates a reply
          down, the question appears here, grouped with others like it, with a link to the conversation.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-4">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
            <nav aria-label="Lists" className="border-b sm:border-b-0">
              <ul className="flex flex-wrap gap-x-1">
                {VIEWS.map(({ view: v, label }) => (
                  <li key={v}>
                    <Link
                      href={query(v)}
                      aria-current={v === view ? "page" : undefined}
                      className={cn(
                        "-mb-px inline-flex h-10 items-center gap-1.5 border-b-2 px-2 text-sm font-medium transition-colors sm:px-3",
                        v === view
                          ? "border-primary text-foreground"
                          : "text-muted-foreground hover:text-foreground border-transparent",
                      )}
                    >
                      {label}
                      <span className="bg-muted text-muted-foreground rounded-full px-1.5 py-0.5 text-[11px] leading-none tabular-nums">
                        {formatNumber(counts[v])}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            {bots.length > 1 && (
              <FilterForm label="Filter questions" className="flex sm:justify-end">
                {view !== "open" && <input type="hidden" name="view" value={view} />}
                <BotFilter id="u-bot" bots={bots} value={botId} className="w-full sm:w-48" />
                <FilterActions />
              </FilterForm>
            )}
          </div>
          {cards.length === 0 ? (
            <p className="text-muted-foreground rounded-xl border border-dashed px-4 py-10 text-center text-sm">
              {EMPTY[view]}
            </p>
          ) : (
            <ul className="grid gap-4" aria-label="Topics">
              {cards.map((card) => (
                <li key={card.id}>
                  <TopicCard topic={card} canManage={canManage} showBot={!botId && bots.length > 1} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <DigestToggle
        enabled={digest}
        canChange={can("manage_workspace")}
        emailConfigured={emailConfigured()}
        className="mt-8"
      />
    </>
  );
}

const EMPTY: Record<TopicView, string> = {
  open: "Nothing to answer right now. New questions your bots could not answer will show up here.",
  snoozed: "No snoozed questions.",
  dismissed: "No dismissed questions.",
  answered: "No questions answered from here yet.",
};
