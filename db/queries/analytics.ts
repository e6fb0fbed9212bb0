/**
 * The Analytics page's figures for a workspace: what customers sent and how the bot did, per UTC day,
 * for the conversations of the API and the website widget (the dashboard's test chat is left out),
 * optionally of one bot and one integration. Every figure of the page and of its CSV comes from here.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../index";

/** A workspace's analytics scope: inclusive UTC days, and optionally one bot and one integration. */
export type AnalyticsScope = {
  workspaceId: string;
  from: string;
  to: string;
  botId?: string;
  integrationId?: string;
};

/** The figures of one day (or of the whole range). */
export type AnalyticsFigures = {
  /** Conversations started. */
  conversations: number;
  /** Messages the customers sent. */
  customerMessages: number;
  /** Replies of the bot, of them answered from the knowledge, its fallback, handed to the team, and others (greetings, thanks, small talk, replies stored before their kind was recorded). */
  botReplies: number;
  answered: number;
  fallback: number;
  handedOff: number;
  otherReplies: number;
  /** Replies the team wrote. */
  teamReplies: number;
  /** New leads (a person's first contact details). */
  leads: number;
  /** Ratings of the bot's replies of the period. */
  thumbsUp: number;
  thumbsDown: number;
  /** The time the bot took to write a reply (retrieval and the engine; handoff messages excluded), in ms. */
  medianReplyMs: number | null;
  p95ReplyMs: number | null;
};

export type DayFigures = AnalyticsFigures & { day: string };

export type Analytics = {
  days: DayFigures[];
  total: AnalyticsFigures;
  /** Customer messages by hour of the day (UTC), 0 to 23. */
  hours: number[];
};

const bounds = (s: AnalyticsScope) => ({
  start: sql`(${s.from}::date)::timestamp at time zone 'UTC'`,
  end: sql`((${s.to}::date + 1)::timestamp at time zone 'UTC')`,
});

/** The scope's conversations: the workspace's, not the test chat's, of the bot and integration when given. */
function conversationsOf(s: AnalyticsScope, alias: string): SQL {
  const c = sql.raw(alias);
  return sql`${c}.workspace_id = ${s.workspaceId} and ${c}.channel <> 'test'
    ${s.botId ? sql`and ${c}.bot_id = ${s.botId}` : sql``}
    ${s.integrationId ? sql`and ${c}.integration_id = ${s.integrationId}` : sql``}`;
}

type Count = number | string | null;
type MessageRow = {
  day: string | null;
  customer_messages: Count;
  bot_replies: Count;
  answered: Count;
  fallback: Count;
  handed_off: Count;
  team_replies: Count;
  thumbs_up: Count;
  thumbs_down: Count;
  median_ms: Count;
  p95_ms: Count;
};

/** Every figure of the Analytics page for the scope: per day (each day of the range, zeros included), in all, and by hour. */
export async function workspaceAnalytics(db: Db, scope: AnalyticsScope): Promise<Analytics> {
  const { start, end } = bounds(scope);
  const [messageRows, conversationRows, leadRows, hourRows] = await Promise.all([
    // One pass over the period's messages: the days, and the whole range as the empty grouping set.
    queryRows<MessageRow>(
      db,
      sql`select (m.created_at at time zone 'UTC')::date::text as day,
                 count(*) filter (where m.role = 'user') as customer_messages,
                 count(*) filter (where m.role = 'assistant') as bot_replies,
                 count(*) filter (where m.role = 'assistant' and m.reply_kind = 'answer') as answered,
                 count(*) filter (where m.role = 'assistant' and m.reply_kind = 'fallback') as fallback,
                 count(*) filter (where m.role = 'assistant' and m.reply_kind = 'handoff') as handed_off,
                 count(*) filter (where m.role = 'agent') as team_replies,
                 count(*) filter (where f.rating = 'up') as thumbs_up,
                 count(*) filter (where f.rating = 'down') as thumbs_down,
                 percentile_cont(0.5) within group (order by m.latency_ms)
                   filter (where m.role = 'assistant' and m.engine is distinct from 'handoff') as median_ms,
                 percentile_cont(0.95) within group (order by m.latency_ms)
                   filter (where m.role = 'assistant' and m.engine is distinct from 'handoff') as p95_ms
          from conversations c
          join messages m on m.conversation_id = c.id
          left join message_feedback f on f.message_id = m.id
          where ${conversationsOf(scope, "c")} and m.created_at >= ${start} and m.created_at < ${end}
          group by grouping sets ((1), ())`,
    ),
    queryRows<{ day: string | null; n: Count }>(
      db,
      sql`select (c.created_at at time zone 'UTC')::date::text as day, count(*) as n
          from conversations c
          where ${conversationsOf(scope, "c")} and c.created_at >= ${start} and c.created_at < ${end}
          group by grouping sets ((1), ())`,
    ),
    queryRows<{ day: string | null; n: Count }>(
      db,
      sql`select (l.created_at at time zone 'UTC')::date::text as day, count(*) as n
          from leads l
          where l.workspace_id = ${scope.workspaceId}
            ${scope.botId ? sql`and l.bot_id = ${scope.botId}` : sql``}
            ${scope.integrationId ? sql`and l.integration_id = ${scope.integrationId}` : sql``}
            and l.created_at >= ${start} and l.created_at < ${end}
          group by grouping sets ((1), ())`,
    ),
    queryRows<{ hour: number | string; n: Count }>(
      db,
      sql`select extract(hour from m.created_at at time zone 'UTC')::int as hour, count(*) as n
          from conversations c join messages m on m.conversation_id = c.id
          where ${conversationsOf(scope, "c")} and m.role = 'user' and m.created_at >= ${start} and m.created_at < ${end}
          group by 1`,
    ),
  ]);

  const byDay = <T extends { day: string | null }>(rows: T[]) => new Map(rows.map((r) => [r.day ?? "", r]));
  const messagesBy = byDay(messageRows);
  const conversationsBy = byDay(conversationRows);
  const leadsBy = byDay(leadRows);
  const figures = (key: string): AnalyticsFigures => {
    const m = messagesBy.get(key);
    const botReplies = num(m?.bot_replies);
    const answered = num(m?.answered);
    const fallback = num(m?.fallback);
    const handedOff = num(m?.handed_off);
    return {
      conversations: num(conversationsBy.get(key)?.n),
      customerMessages: num(m?.customer_messages),
      botReplies,
      answered,
      fallback,
      handedOff,
      otherReplies: botReplies - answered - fallback - handedOff,
      teamReplies: num(m?.team_replies),
      leads: num(leadsBy.get(key)?.n),
      thumbsUp: num(m?.thumbs_up),
      thumbsDown: num(m?.thumbs_down),
      medianReplyMs: m?.median_ms == null ? null : Number(m.median_ms),
      p95ReplyMs: m?.p95_ms == null ? null : Number(m.p95_ms),
    };
  };
  const hours = Array.from({ length: 24 }, () => 0);
  for (const r of hourRows) hours[Number(r.hour)] = num(r.n);
  return { days: daysOf(scope).map((day) => ({ day, ...figures(day) })), total: figures(""), hours };
}

function num(value: Count | undefined): number {
  return value == null ? 0 : Number(value);
}

/** Every day from `from` to `to`, inclusive. */
function daysOf({ from, to }: Pick<AnalyticsScope, "from" | "to">): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1))
    days.push(d.toISOString().slice(0, 10));
  return days;
}

/** A customer's message of the period and the kind of the bot's reply to it (null: no reply, or not recorded). */
export type CustomerQuestion = { text: string; askedAt: Date; replyKind: string | null };

/**
 * The period's customer messages that asked something, newest first, at most `limit`: those the bot
 * greeted, thanked or chatted back to are left out (a "hello" is no question).
 */
export async function customerQuestions(db: Db, scope: AnalyticsScope, limit: number): Promise<CustomerQuestion[]> {
  const { start, end } = bounds(scope);
  const rows = await queryRows<{ content: string; created_at: string | Date; reply_kind: string | null }>(
    db,
    sql`select m.content, m.created_at, reply.reply_kind
        from conversations c
        join messages m on m.conversation_id = c.id
        -- The bot's reply is the message right after the customer's (none while a person owns the conversation).
        left join lateral (
          select case when n.role = 'assistant' then n.reply_kind end as reply_kind from messages n
          where n.conversation_id = m.conversation_id and (n.created_at, n.id) > (m.created_at, m.id)
          order by n.created_at, n.id limit 1
        ) reply on true
        where ${conversationsOf(scope, "c")} and m.role = 'user' and m.created_at >= ${start} and m.created_at < ${end}
          and coalesce(reply.reply_kind, '') not in ('greeting', 'thanks', 'smalltalk')
        order by m.created_at desc, m.id desc
        limit ${limit}`,
  );
  return rows.map((r) => ({ text: r.content, askedAt: new Date(r.created_at), replyKind: r.reply_kind }));
}

/** Whether the workspace has any conversation with customers at all (the page's first-run empty state). */
export async function hasCustomerConversations(db: Db, workspaceId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from conversations where workspace_id = ${workspaceId} and channel <> 'test' limit 1`,
  );
  return rows.length > 0;
}
