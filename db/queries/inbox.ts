import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../index";
import {
  bots,
  conversations,
  integrations,
  leadConversations,
  leads,
  messageFeedback,
  messages,
  users,
  type Conversation,
  type Lead,
  type Message,
  type MessageFeedback,
} from "../schema";
import type { InboxFilters, LeadFilters } from "@/lib/validations/inbox";

/**
 * Read side of the team inbox and the leads page. Every function takes the workspace id and only
 * ever returns that workspace's rows: another workspace's id looks exactly like a missing one.
 * (Changes go through db/queries/handoff.ts.)
 */

type Scope = { workspaceId: string; conversationId: string };

const HUMAN_OWNED = ["handoff_requested", "human_active"] as const;

/** The role of a conversation's latest (non-system) message. */
const lastRole = sql<string | null>`(
  select m.role from messages m
  where m.conversation_id = conversations.id and m.role <> 'system'
  order by m.created_at desc, m.id desc limit 1)`;

/**
 * Conversations waiting for the team: handed off and not taken yet, or taken and the customer wrote
 * last. The sidebar badge counts these.
 */
const waiting = sql<boolean>`(conversations.status = 'handoff_requested' or (conversations.status = 'human_active' and ${lastRole} = 'user'))`;

function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}
function dayAfter(day: string): Date {
  return new Date(dayStart(day).getTime() + 86_400_000);
}

function conversationWhere(workspaceId: string, f: InboxFilters): SQL {
  return and(
    eq(conversations.workspaceId, workspaceId),
    f.integrationId ? eq(conversations.integrationId, f.integrationId) : undefined,
    f.testChat ? eq(conversations.channel, "test") : undefined,
    f.botId ? eq(conversations.botId, f.botId) : undefined,
    f.status === "handed_off"
      ? inArray(conversations.status, [...HUMAN_OWNED])
      : f.status
        ? eq(conversations.status, f.status)
        : undefined,
    f.hasLead === true
      ? isNotNull(conversations.leadId)
      : f.hasLead === false
        ? isNull(conversations.leadId)
        : undefined,
    f.from ? gte(conversations.lastMessageAt, dayStart(f.from)) : undefined,
    f.to ? lt(conversations.lastMessageAt, dayAfter(f.to)) : undefined,
  )!;
}

export type InboxRow = {
  id: string;
  status: Conversation["status"];
  channel: string;
  externalUserId: string | null;
  integrationId: string | null;
  integrationName: string | null;
  botId: string;
  botName: string;
  leadId: string | null;
  leadName: string | null;
  leadEmail: string | null;
  assignedUserName: string | null;
  waiting: boolean;
  messageCount: number;
  lastMessage: { role: Message["role"]; content: string } | null;
  lastMessageAt: Date;
  createdAt: Date;
};

/**
 * The inbox: conversations of the workspace matching the filters, those handed to the team first
 * (waiting for a person, then with a person), then by latest activity.
 */
export async function listInboxConversations(
  db: Db,
  { workspaceId, filters = {}, limit = 100 }: { workspaceId: string; filters?: InboxFilters; limit?: number },
): Promise<InboxRow[]> {
  const rows = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      channel: conversations.channel,
      externalUserId: conversations.externalUserId,
      integrationId: conversations.integrationId,
      integrationName: integrations.name,
      botId: conversations.botId,
      botName: bots.name,
      leadId: conversations.leadId,
      leadName: leads.name,
      leadEmail: leads.email,
      assignedUserName: users.name,
      waiting,
      messageCount: sql<number>`(select count(*)::int from messages m where m.conversation_id = conversations.id and m.role <> 'system')`,
      lastMessage: sql<{ role: Message["role"]; content: string } | null>`(
        select json_build_object('role', m.role, 'content', left(m.content, 240)) from messages m
        where m.conversation_id = conversations.id and m.role <> 'system'
        order by m.created_at desc, m.id desc limit 1)`,
      lastMessageAt: conversations.lastMessageAt,
      createdAt: conversations.createdAt,
    })
    .from(conversations)
    .innerJoin(bots, eq(bots.id, conversations.botId))
    .leftJoin(integrations, eq(integrations.id, conversations.integrationId))
    .leftJoin(leads, and(eq(leads.id, conversations.leadId), eq(leads.workspaceId, conversations.workspaceId)))
    .leftJoin(users, eq(users.id, conversations.assignedUserId))
    .where(conversationWhere(workspaceId, filters))
    .orderBy(
      sql`case conversations.status when 'handoff_requested' then 0 when 'human_active' then 1 else 2 end`,
      desc(conversations.lastMessageAt),
      desc(conversations.id),
    )
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    waiting: !!r.waiting,
    messageCount: Number(r.messageCount),
    lastMessageAt: new Date(r.lastMessageAt),
    createdAt: new Date(r.createdAt),
  }));
}

/** How many conversations wait for the team (the sidebar badge). */
export async function countWaitingConversations(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), inArray(conversations.status, [...HUMAN_OWNED]), waiting));
  return Number(row?.n ?? 0);
}

/**
 * A short fingerprint of what the inbox shows, so a polling page reloads only when something changed:
 * new conversations or messages, status changes, leads linked, and (for one conversation) its own
 * messages, status, assignee and lead. One cheap aggregate per poll.
 */
export async function inboxStamp(
  db: Db,
  { workspaceId, conversationId }: { workspaceId: string; conversationId?: string },
): Promise<{ waiting: number; stamp: string }> {
  const [all] = await queryRows<{
    n: number;
    last: string | null;
    requested: number;
    active: number;
    resolved: number;
    with_lead: number;
  }>(
    db,
    sql`select count(*)::int as n, max(last_message_at)::text as last,
          count(*) filter (where status = 'handoff_requested')::int as requested,
          count(*) filter (where status = 'human_active')::int as active,
          count(*) filter (where status = 'resolved')::int as resolved,
          count(lead_id)::int as with_lead
        from conversations where workspace_id = ${workspaceId}`,
  );
  const waitingNow = await countWaitingConversations(db, workspaceId);
  let one = "";
  if (conversationId) {
    const [c] = await queryRows<{
      status: string;
      assigned: string | null;
      lead: string | null;
      n: number;
      last: string | null;
    }>(
      db,
      sql`select c.status::text as status, c.assigned_user_id as assigned, c.lead_id as lead,
            (select count(*)::int from messages m where m.conversation_id = c.id) as n,
            (select max(m.created_at)::text from messages m where m.conversation_id = c.id) as last
          from conversations c where c.id = ${conversationId} and c.workspace_id = ${workspaceId}`,
    );
    one = c ? [c.status, c.assigned, c.lead, c.n, c.last].join("|") : "missing";
  }
  const stamp = [all?.n, all?.last, all?.requested, all?.active, all?.resolved, all?.with_lead, waitingNow, one].join(
    "|",
  );
  return { waiting: waitingNow, stamp };
}

export type TranscriptMessage = Pick<
  Message,
  "id" | "role" | "content" | "sources" | "engine" | "latencyMs" | "deliveredAt" | "createdAt"
> & {
  authorName: string | null;
  /** The customer's rating of a bot reply (db/queries/feedback.ts), when they gave one. */
  feedback: { rating: MessageFeedback["rating"]; comment: string | null } | null;
};

export type ConversationDetail = Conversation & {
  integrationName: string | null;
  integrationDeleted: boolean;
  botName: string;
  assignedUserName: string | null;
  lead: (Lead & { conversationCount: number }) | null;
  messages: TranscriptMessage[];
};

/** One conversation of the workspace with its transcript (oldest first), lead and names; undefined for another workspace's. */
export async function getConversationDetail(
  db: Db,
  { workspaceId, conversationId }: Scope,
): Promise<ConversationDetail | undefined> {
  const [row] = await db
    .select({
      c: conversations,
      integrationName: integrations.name,
      integrationDeletedAt: integrations.deletedAt,
      botName: bots.name,
      assignedUserName: users.name,
    })
    .from(conversations)
    .innerJoin(bots, eq(bots.id, conversations.botId))
    .leftJoin(integrations, eq(integrations.id, conversations.integrationId))
    .leftJoin(users, eq(users.id, conversations.assignedUserId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId)));
  if (!row) return undefined;
  const transcript = await db
    .select({
      id: messages.id,
      role: messages.role,
      content: messages.content,
      sources: messages.sources,
      engine: messages.engine,
      latencyMs: messages.latencyMs,
      deliveredAt: messages.deliveredAt,
      createdAt: messages.createdAt,
      authorName: users.name,
      rating: messageFeedback.rating,
      comment: messageFeedback.comment,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .leftJoin(messageFeedback, eq(messageFeedback.messageId, messages.id))
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  let lead: ConversationDetail["lead"] = null;
  if (row.c.leadId) {
    const [l] = await db
      .select({
        lead: leads,
        conversationCount: sql<number>`(select count(*)::int from lead_conversations lc where lc.lead_id = leads.id)`,
      })
      .from(leads)
      .where(and(eq(leads.id, row.c.leadId), eq(leads.workspaceId, workspaceId)));
    if (l) lead = { ...l.lead, conversationCount: Number(l.conversationCount) };
  }
  return {
    ...row.c,
    integrationName: row.integrationName,
    integrationDeleted: !!row.integrationDeletedAt,
    botName: row.botName,
    assignedUserName: row.assignedUserName,
    lead,
    messages: transcript.map(({ rating, comment, ...m }) => ({ ...m, feedback: rating ? { rating, comment } : null })),
  };
}

/** The bots and integrations of the workspace, for filter menus (deleted integrations too: their conversations remain). */
export async function listFilterOptions(db: Db, workspaceId: string) {
  const [botRows, integrationRows] = await Promise.all([
    db
      .select({ id: bots.id, name: bots.name })
      .from(bots)
      .where(eq(bots.workspaceId, workspaceId))
      .orderBy(asc(bots.name)),
    db
      .select({
        id: integrations.id,
        name: integrations.name,
        deleted: sql<boolean>`${integrations.deletedAt} is not null`,
      })
      .from(integrations)
      .where(eq(integrations.workspaceId, workspaceId))
      .orderBy(asc(integrations.name)),
  ]);
  return { bots: botRows, integrations: integrationRows.map((i) => ({ ...i, deleted: !!i.deleted })) };
}

export type LeadRow = Lead & {
  botName: string | null;
  integrationName: string | null;
  conversationCount: number;
  /** The lead's most recent conversation, one click away. */
  latestConversationId: string | null;
};

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Leads of the workspace, newest first, matching a search (name, email, phone, company) and filters. */
export async function listLeads(
  db: Db,
  { workspaceId, filters = {}, limit = 200 }: { workspaceId: string; filters?: LeadFilters; limit?: number },
): Promise<LeadRow[]> {
  const q = filters.q?.trim();
  let search: SQL | undefined;
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    const digits = q.replace(/\D/g, "");
    search = or(
      ilike(leads.name, pattern),
      ilike(leads.email, pattern),
      ilike(leads.phone, pattern),
      ilike(leads.company, pattern),
      // "+1 (415) 555" finds +14155550100: phone numbers are compared by their digits.
      digits.length >= 3
        ? sql`regexp_replace(coalesce(${leads.phone}, ''), '\\D', '', 'g') like ${`%${digits}%`}`
        : undefined,
    );
  }
  const rows = await db
    .select({
      lead: leads,
      botName: bots.name,
      integrationName: integrations.name,
      conversationCount: sql<number>`(select count(*)::int from lead_conversations lc where lc.lead_id = leads.id)`,
      latestConversationId: sql<string | null>`(
        select lc.conversation_id from lead_conversations lc join conversations c on c.id = lc.conversation_id
        where lc.lead_id = leads.id order by c.last_message_at desc limit 1)`,
    })
    .from(leads)
    .leftJoin(bots, eq(bots.id, leads.botId))
    .leftJoin(integrations, eq(integrations.id, leads.integrationId))
    .where(
      and(
        eq(leads.workspaceId, workspaceId),
        search,
        filters.botId ? eq(leads.botId, filters.botId) : undefined,
        filters.integrationId ? eq(leads.integrationId, filters.integrationId) : undefined,
        filters.from ? gte(leads.createdAt, dayStart(filters.from)) : undefined,
        filters.to ? lt(leads.createdAt, dayAfter(filters.to)) : undefined,
      ),
    )
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r.lead,
    botName: r.botName,
    integrationName: r.integrationName,
    conversationCount: Number(r.conversationCount),
    latestConversationId: r.latestConversationId,
  }));
}

/** Whether a lead links to this conversation (used by tests and the lead card). */
export async function leadConversationIds(
  db: Db,
  { workspaceId, leadId }: { workspaceId: string; leadId: string },
): Promise<string[]> {
  const rows = await db
    .select({ id: leadConversations.conversationId })
    .from(leadConversations)
    .innerJoin(leads, eq(leads.id, leadConversations.leadId))
    .where(and(eq(leads.id, leadId), eq(leads.workspaceId, workspaceId)));
  return rows.map((r) => r.id);
}
