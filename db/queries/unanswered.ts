import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import {
  memberships,
  unansweredDigests,
  unansweredQuestions,
  unansweredTopics,
  users,
  type UnansweredReason,
  type UnansweredTopic,
} from "../schema";

/**
 * Unanswered questions: the replies that did not answer (rows written by save_exchanges with the exchange,
 * or by flagUnanswered for a reply rated down), grouped into topics by lib/unanswered, and what the owner
 * decided about each topic. Every read and decision is scoped by workspace: another workspace's topic id
 * looks exactly like a missing one.
 */

/**
 * Lists a reply as unanswered (a customer rated it down, say), with the user message it replied to. Does
 * nothing when the reply is already listed or is not a bot's reply; true when a row was added.
 */
export async function flagUnanswered(
  db: Db,
  { replyMessageId, reason }: { replyMessageId: string; reason: UnansweredReason },
): Promise<boolean> {
  const rows = await queryRows<{ reply_message_id: string }>(
    db,
    sql`insert into unanswered_questions (reply_message_id, question_message_id, conversation_id, workspace_id, bot_id, reason, asked_at)
        select r.id, q.id, c.id, c.workspace_id, c.bot_id, ${reason}::unanswered_reason, q.created_at
        from messages r
        join conversations c on c.id = r.conversation_id
        cross join lateral (
          select u.id, u.created_at from messages u
          where u.conversation_id = r.conversation_id and u.role = 'user' and u.created_at < r.created_at
          order by u.created_at desc, u.id desc limit 1) q
        where r.id = ${replyMessageId} and r.role = 'assistant'
        on conflict (reply_message_id) do nothing
        returning reply_message_id`,
  );
  return rows.length > 0;
}

/** Takes a reply off the list when it is there for `reason` (a rating changed from down to up). */
export async function unflagUnanswered(
  db: Db,
  { replyMessageId, reason }: { replyMessageId: string; reason: UnansweredReason },
): Promise<void> {
  await db
    .delete(unansweredQuestions)
    .where(and(eq(unansweredQuestions.replyMessageId, replyMessageId), eq(unansweredQuestions.reason, reason)));
}

/** A question not yet grouped into a topic. */
export type UngroupedQuestion = {
  replyMessageId: string;
  workspaceId: string;
  botId: string;
  text: string;
  askedAt: Date;
};

/** Questions waiting to be grouped, oldest first (one workspace's, or every workspace's). */
export async function ungroupedQuestions(
  db: Db,
  { workspaceId, limit }: { workspaceId?: string; limit: number },
): Promise<UngroupedQuestion[]> {
  const rows = await queryRows<{
    reply_message_id: string;
    workspace_id: string;
    bot_id: string;
    text: string;
    asked_at: string | Date;
  }>(
    db,
    sql`select uq.reply_message_id, uq.workspace_id, uq.bot_id, m.content as text, uq.asked_at
        from unanswered_questions uq
        join messages m on m.id = uq.question_message_id
        where uq.topic_id is null ${workspaceId ? sql`and uq.workspace_id = ${workspaceId}` : sql``}
        order by uq.asked_at, uq.reply_message_id
        limit ${limit}`,
  );
  return rows.map((r) => ({
    replyMessageId: r.reply_message_id,
    workspaceId: r.workspace_id,
    botId: r.bot_id,
    text: r.text,
    askedAt: new Date(r.asked_at),
  }));
}

/** How many of a bot's latest grouped questions new questions are compared with. */
const COMPARED_QUESTIONS = 2_000;

/** The grouped questions new questions of these bots may join: those of topics not answered, latest first. */
export async function groupedSignatures(
  db: Db,
  { botIds, embeddingModel }: { botIds: string[]; embeddingModel: string | null },
): Promise<{ topicId: string; botId: string; terms: string[]; embedding: number[] | null }[]> {
  if (!botIds.length) return [];
  const rows = await queryRows<{
    topic_id: string;
    bot_id: string;
    terms: string[] | null;
    embedding: number[] | null;
  }>(
    db,
    sql`select s.topic_id, s.bot_id, s.terms, s.embedding from (
          select uq.topic_id, uq.bot_id, uq.terms,
                 case when uq.embedding_model = ${embeddingModel} then uq.embedding end as embedding,
                 row_number() over (partition by uq.bot_id order by uq.asked_at desc) as rn
          from unanswered_questions uq
          join unanswered_topics t on t.id = uq.topic_id
          where uq.bot_id = any(${sql.param(botIds)}::text[]) and t.status <> 'answered') s
        where s.rn <= ${COMPARED_QUESTIONS}`,
  );
  return rows.map((r) => ({
    topicId: r.topic_id,
    botId: r.bot_id,
    terms: r.terms ?? [],
    embedding: r.embedding?.map(Number) ?? null,
  }));
}

/**
 * Stores a grouping: the new topics, then each question's topic and signature. A question someone else
 * grouped meanwhile keeps its topic; topics left without questions are deleted.
 */
export async function saveGrouping(
  db: Db,
  {
    topics,
    questions,
  }: {
    topics: { id: string; workspaceId: string; botId: string }[];
    questions: {
      replyMessageId: string;
      topicId: string;
      terms: string[];
      embedding: number[] | null;
      embeddingModel: string | null;
    }[];
  },
): Promise<void> {
  if (topics.length) await db.insert(unansweredTopics).values(topics);
  for (const q of questions) {
    await db
      .update(unansweredQuestions)
      .set({ topicId: q.topicId, terms: q.terms, embedding: q.embedding, embeddingModel: q.embeddingModel })
      .where(and(eq(unansweredQuestions.replyMessageId, q.replyMessageId), isNull(unansweredQuestions.topicId)));
  }
  if (topics.length) await deleteEmptyTopics(db, { topicIds: topics.map((t) => t.id) });
}

/** Deletes topics that have no question left (their conversations were deleted, or a grouping lost a race). */
export async function deleteEmptyTopics(
  db: Db,
  { workspaceId, topicIds }: { workspaceId?: string; topicIds?: string[] },
): Promise<number> {
  const rows = await db
    .delete(unansweredTopics)
    .where(
      and(
        workspaceId ? eq(unansweredTopics.workspaceId, workspaceId) : undefined,
        topicIds ? inArray(unansweredTopics.id, topicIds) : undefined,
        sql`not exists (select 1 from unanswered_questions q where q.topic_id = ${unansweredTopics.id})`,
      ),
    )
    .returning({ id: unansweredTopics.id });
  return rows.length;
}

/** The page's lists: topics to look at, snoozed, dismissed, and answered. */
export type TopicView = "open" | "snoozed" | "dismissed" | "answered";
export const TOPIC_VIEWS: readonly TopicView[] = ["open", "snoozed", "dismissed", "answered"];

function viewCondition(view: TopicView): SQL {
  switch (view) {
    case "open":
      return sql`t.status = 'open' and (t.snoozed_until is null or t.snoozed_until <= now())`;
    case "snoozed":
      return sql`t.status = 'open' and t.snoozed_until > now()`;
    case "dismissed":
      return sql`t.status = 'dismissed'`;
    case "answered":
      return sql`t.status = 'answered'`;
  }
}

/** How many topics each list holds. */
export async function countTopics(
  db: Db,
  { workspaceId, botId }: { workspaceId: string; botId?: string | null },
): Promise<Record<TopicView, number>> {
  const [row] = await queryRows<Record<TopicView, number>>(
    db,
    sql`select ${sql.join(
      TOPIC_VIEWS.map((view) => sql`(count(*) filter (where ${viewCondition(view)}))::int as ${sql.identifier(view)}`),
      sql`, `,
    )}
        from unanswered_topics t
        where t.workspace_id = ${workspaceId} ${botId ? sql`and t.bot_id = ${botId}` : sql``}
          and exists (select 1 from unanswered_questions q where q.topic_id = t.id)`,
  );
  return Object.fromEntries(TOPIC_VIEWS.map((v) => [v, Number(row?.[v] ?? 0)])) as Record<TopicView, number>;
}

/** One question of a topic as the page shows it. */
export type TopicQuestion = {
  replyMessageId: string;
  conversationId: string;
  text: string;
  reply: string;
  reason: UnansweredReason;
  askedAt: Date;
};

/** A topic with its figures and its latest questions. */
export type TopicSummary = {
  id: string;
  botId: string;
  botName: string;
  status: UnansweredTopic["status"];
  snoozedUntil: Date | null;
  answerSourceId: string | null;
  answerTitle: string | null;
  decidedAt: Date | null;
  count: number;
  conversations: number;
  firstAsked: Date;
  lastAsked: Date;
  reasons: Record<UnansweredReason, number>;
  questions: TopicQuestion[];
};

/** Questions of a topic shown (its figures count them all). */
export const QUESTIONS_SHOWN = 50;

type TopicRow = {
  id: string;
  bot_id: string;
  bot_name: string;
  status: UnansweredTopic["status"];
  snoozed_until: string | Date | null;
  answer_source_id: string | null;
  answer_title: string | null;
  decided_at: string | Date | null;
  count: number;
  conversations: number;
  first_asked: string | Date;
  last_asked: string | Date;
  fallback: number;
  low_confidence: number;
  thumbs_down: number;
};

const date = (v: string | Date) => new Date(v);
const maybeDate = (v: string | Date | null) => (v === null ? null : new Date(v));

/** The topics of one list, most asked first (then most recently asked), with their latest questions. */
export async function listTopics(
  db: Db,
  {
    workspaceId,
    botId,
    view,
    topicIds,
    limit = 100,
  }: { workspaceId: string; botId?: string | null; view?: TopicView; topicIds?: string[]; limit?: number },
): Promise<TopicSummary[]> {
  const rows = await queryRows<TopicRow>(
    db,
    sql`select t.id, t.bot_id, b.name as bot_name, t.status, t.snoozed_until, t.answer_source_id,
               ks.title as answer_title, t.decided_at,
               count(*)::int as count, count(distinct q.conversation_id)::int as conversations,
               min(q.asked_at) as first_asked, max(q.asked_at) as last_asked,
               (count(*) filter (where q.reason = 'fallback'))::int as fallback,
               (count(*) filter (where q.reason = 'low_confidence'))::int as low_confidence,
               (count(*) filter (where q.reason = 'thumbs_down'))::int as thumbs_down
        from unanswered_topics t
        join unanswered_questions q on q.topic_id = t.id
        join bots b on b.id = t.bot_id
        left join knowledge_sources ks on ks.id = t.answer_source_id
        where t.workspace_id = ${workspaceId}
          ${botId ? sql`and t.bot_id = ${botId}` : sql``}
          ${view ? sql`and ${viewCondition(view)}` : sql``}
          ${topicIds ? sql`and t.id = any(${sql.param(topicIds)}::text[])` : sql``}
        group by t.id, b.name, ks.title
        order by count(*) desc, max(q.asked_at) desc, t.id
        limit ${limit}`,
  );
  if (!rows.length) return [];
  const questions = await queryRows<{
    topic_id: string;
    reply_message_id: string;
    conversation_id: string;
    text: string;
    reply: string;
    reason: UnansweredReason;
    asked_at: string | Date;
  }>(
    db,
    sql`select s.topic_id, s.reply_message_id, s.conversation_id, qm.content as text, rm.content as reply, s.reason, s.asked_at
        from (select q.*, row_number() over (partition by q.topic_id order by q.asked_at desc, q.reply_message_id) as rn
              from unanswered_questions q where q.topic_id = any(${sql.param(rows.map((r) => r.id))}::text[])) s
        join messages qm on qm.id = s.question_message_id
        join messages rm on rm.id = s.reply_message_id
        where s.rn <= ${QUESTIONS_SHOWN}
        order by s.topic_id, s.asked_at desc, s.reply_message_id`,
  );
  const byTopic = new Map<string, TopicQuestion[]>();
  for (const q of questions) {
    const list = byTopic.get(q.topic_id) ?? [];
    list.push({
      replyMessageId: q.reply_message_id,
      conversationId: q.conversation_id,
      text: q.text,
      reply: q.reply,
      reason: q.reason,
      askedAt: date(q.asked_at),
    });
    byTopic.set(q.topic_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    botId: r.bot_id,
    botName: r.bot_name,
    status: r.status,
    snoozedUntil: maybeDate(r.snoozed_until),
    answerSourceId: r.answer_source_id,
    answerTitle: r.answer_title,
    decidedAt: maybeDate(r.decided_at),
    count: Number(r.count),
    conversations: Number(r.conversations),
    firstAsked: date(r.first_asked),
    lastAsked: date(r.last_asked),
    reasons: {
      fallback: Number(r.fallback),
      low_confidence: Number(r.low_confidence),
      thumbs_down: Number(r.thumbs_down),
    },
    questions: byTopic.get(r.id) ?? [],
  }));
}

/** One topic of the workspace with its figures and latest questions, or undefined. */
export async function getTopic(db: Db, { workspaceId, topicId }: { workspaceId: string; topicId: string }) {
  const [topic] = await listTopics(db, { workspaceId, topicIds: [topicId], limit: 1 });
  return topic;
}

type Decision =
  | { status: "open"; snoozedUntil: Date | null }
  | { status: "dismissed" }
  | { status: "answered"; answerSourceId: string };

/**
 * Records what the owner decided about a topic: reopen (or snooze until a date), dismiss, or answered by a
 * curated answer. False when the workspace has no such topic.
 */
export async function decideTopic(
  db: Db,
  {
    workspaceId,
    topicId,
    userId,
    decision,
  }: { workspaceId: string; topicId: string; userId: string; decision: Decision },
): Promise<boolean> {
  const rows = await db
    .update(unansweredTopics)
    .set({
      status: decision.status,
      snoozedUntil: decision.status === "open" ? decision.snoozedUntil : null,
      ...(decision.status === "answered" ? { answerSourceId: decision.answerSourceId } : {}),
      decidedByUserId: userId,
      decidedAt: sql`now()`,
    })
    .where(and(eq(unansweredTopics.id, topicId), eq(unansweredTopics.workspaceId, workspaceId)))
    .returning({ id: unansweredTopics.id });
  return rows.length > 0;
}

// ── The weekly digest ───────────────────────────────────────────────────────

/** Whether the workspace gets the weekly digest (it does unless turned off). */
export async function digestEnabled(db: Db, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ enabled: unansweredDigests.enabled })
    .from(unansweredDigests)
    .where(eq(unansweredDigests.workspaceId, workspaceId));
  return row?.enabled ?? true;
}

export async function setDigestEnabled(db: Db, { workspaceId, enabled }: { workspaceId: string; enabled: boolean }) {
  await db
    .insert(unansweredDigests)
    .values({ workspaceId, enabled })
    .onConflictDoUpdate({ target: unansweredDigests.workspaceId, set: { enabled } });
}

/**
 * Claims the workspaces whose digest is due, in one statement, so concurrent workers never claim the same
 * one: digest on, the last one sent at least `periodMs` ago (or never), and a question asked since then
 * that belongs to an open topic. Each claimed workspace's `last_sent_at` becomes now; the previous value
 * comes back (what the digest covers, and what to restore if sending fails).
 */
export async function claimDueDigests(
  db: Db,
  { periodMs, limit = 20 }: { periodMs: number; limit?: number },
): Promise<{ workspaceId: string; since: Date; previous: Date | null }[]> {
  const period = sql`${periodMs} * interval '1 millisecond'`;
  const rows = await queryRows<{ workspace_id: string; since: string | Date; previous: string | Date | null }>(
    db,
    sql`with due as (
          select w.id as workspace_id, d.last_sent_at as previous,
                 coalesce(d.last_sent_at, now() - ${period}) as since
          from workspaces w
          left join unanswered_digests d on d.workspace_id = w.id
          where coalesce(d.enabled, true)
            and (d.last_sent_at is null or d.last_sent_at <= now() - ${period})
            and exists (
              select 1 from unanswered_questions q join unanswered_topics t on t.id = q.topic_id
              where q.workspace_id = w.id and t.status = 'open'
                and q.asked_at > coalesce(d.last_sent_at, now() - ${period}))
          order by w.id
          limit ${limit}
        ),
        claimed as (
          insert into unanswered_digests (workspace_id, last_sent_at)
          select workspace_id, now() from due
          on conflict (workspace_id) do update set last_sent_at = excluded.last_sent_at
            where unanswered_digests.last_sent_at is not distinct from
                  (select previous from due where due.workspace_id = unanswered_digests.workspace_id)
          returning workspace_id
        )
        select due.workspace_id, due.since, due.previous from due join claimed using (workspace_id)`,
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, since: date(r.since), previous: maybeDate(r.previous) }));
}

/** Gives a claimed digest back (sending failed): it is due again on the worker's next round. */
export async function releaseDigest(db: Db, { workspaceId, previous }: { workspaceId: string; previous: Date | null }) {
  await db
    .update(unansweredDigests)
    .set({ lastSentAt: previous })
    .where(eq(unansweredDigests.workspaceId, workspaceId));
}

/** Who gets a workspace's digest: its owners and admins. */
export async function digestRecipients(db: Db, workspaceId: string): Promise<{ email: string; name: string }[]> {
  return db
    .select({ email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.role, ["owner", "admin"])))
    .orderBy(users.email);
}

/** The open topics with questions asked since `since`, most asked since then first, with those counts. */
export async function topicsAskedSince(
  db: Db,
  { workspaceId, since, limit = 10 }: { workspaceId: string; since: Date; limit?: number },
): Promise<{ topics: (TopicSummary & { newCount: number })[]; totalNew: number; totalTopics: number }> {
  const recent = await queryRows<{ topic_id: string; n: number; total_new: number; total_topics: number }>(
    db,
    sql`select q.topic_id, count(*)::int as n,
               (sum(count(*)) over ())::int as total_new, (count(*) over ())::int as total_topics
        from unanswered_questions q join unanswered_topics t on t.id = q.topic_id
        where q.workspace_id = ${workspaceId} and t.status = 'open'
          and (t.snoozed_until is null or t.snoozed_until <= now()) and q.asked_at > ${since.toISOString()}
        group by q.topic_id
        order by count(*) desc, max(q.asked_at) desc, q.topic_id
        limit ${limit}`,
  );
  if (!recent.length) return { topics: [], totalNew: 0, totalTopics: 0 };
  const counts = new Map(recent.map((r) => [r.topic_id, Number(r.n)]));
  const topics = await listTopics(db, { workspaceId, topicIds: [...counts.keys()], limit });
  return {
    topics: topics
      .map((t) => ({ ...t, newCount: counts.get(t.id) ?? 0 }))
      .sort((a, b) => b.newCount - a.newCount || b.lastAsked.getTime() - a.lastAsked.getTime()),
    totalNew: Number(recent[0]!.total_new),
    totalTopics: Number(recent[0]!.total_topics),
  };
}

/** Holds grouping to one process at a time until the transaction ends (two would start the same topic twice). */
export async function lockGrouping(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('parley:unanswered-grouping'))`);
}
