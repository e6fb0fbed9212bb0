/**
 * The Analytics page's figures (issue 15, done when): 200 scripted conversations go through the Chat API
 * and the website widget (answered questions, fallbacks, handoffs with the team's replies, ratings, leads),
 * each placed by its script on a day and an hour; then every figure of the analytics queries and of the
 * CSV export is checked against what was sent, for the whole workspace and filtered by bot, integration
 * and dates. Another workspace's conversations and the test chat must not count.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { GET as exportAnalytics } from "@/app/(dashboard)/analytics/export/route";
import { workspaceAnalytics, type AnalyticsFigures, type AnalyticsScope } from "@/db/queries/analytics";
import { replyAsTeamMember } from "@/db/queries/handoff";
import { createWidgetIntegration } from "@/db/queries/integrations";
import { bots, DEFAULT_HANDOFF, DEFAULT_LEAD_CAPTURE, DEFAULT_WIDGET, messages } from "@/db/schema";
import { analyticsReport, ANALYTICS_CSV_HEADER } from "@/lib/analytics";
import { answerTestMessage } from "@/lib/bots/test-chat";
import { PEER_IP_HEADER } from "@/lib/client-ip";
import { handleWidgetFeedback, handleWidgetMessage, handleWidgetSession } from "@/lib/widget/handle-widget-request";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { addBot, addIntegration, createTenant, postChat, type ApiServer, type Tenant } from "./fixtures/api-server";
import { signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);

process.env.AUTH_SECRET ??= "analytics-test-secret-0123456789";

// ── The script ──────────────────────────────────────────────────────────────

/** Questions in groups: a group's wordings differ only in case, punctuation, stopwords and plural, so they are one question. */
const ANSWERED = {
  pro: ["What does the Pro plan cost?", "what does the pro plan cost", "What do the Pro plans cost?"],
  shipping: ["How long does shipping take?", "how long does shipping take??"],
  returns: ["Can I return an item?", "Can I return items?"],
  hours: ["What are your opening hours?", "What are your opening hours"],
} as const;
const FALLBACK = {
  clocks: ["Do you repair antique grandfather clocks?", "do you repair antique grandfather clocks"],
  furniture: ["Do you sell garden furniture?"],
} as const;
const HUMAN = "Can I talk to a human please?";
const WAITING = "Are you still there?";
const GREETING = "Hello!";
const GROUPS: Record<string, readonly string[]> = { ...ANSWERED, ...FALLBACK, human: [HUMAN], waiting: [WAITING] };

/** The period the checks look at; the script also sends on the day before and the day after it. */
const DAYS = Array.from({ length: 10 }, (_, i) => `2026-01-${String(5 + i).padStart(2, "0")}`);
const BEFORE = "2026-01-04";
const AFTER = "2026-01-15";

/** mulberry32: the same script on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(15);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

// ── What was sent, as the test recorded it ──────────────────────────────────

type Channel = { key: string; integrationId: string; botId: string; widget: boolean; apiKey?: string };
type Sent = {
  conversationId: string;
  day: string;
  hour: number;
  channel: Channel;
  role: "user" | "assistant" | "agent";
  /** Bot replies: what kind the script expects. */
  kind?: "answer" | "fallback" | "handoff" | "greeting" | "thanks";
  /** Customer messages: their text and its question group (none for greetings and contact details). */
  text?: string;
  group?: string;
  messageId?: string;
};
type Conv = { id: string; day: string; hour: number; minute: number; channel: Channel; token?: string };

const sent: Sent[] = [];
const convs: Conv[] = [];
const leadsOf: { conversationId: string; day: string; channel: Channel }[] = [];
/** The final rating of each rated reply. */
const ratings = new Map<string, "up" | "down">();

let suite: ApiSuite;
let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let channels: Channel[];
const SITE = "https://www.example.com";

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
  const second = await addIntegration(h.db, acme);
  const botB = await addBot(h.db, acme.workspaceId, { name: "Second bot" });
  const onB = await addIntegration(h.db, { ...acme, botId: botB });
  const widget = await createWidgetIntegration(h.db, {
    workspaceId: acme.workspaceId,
    botId: botB,
    name: "Website",
    allowedOrigins: [SITE],
    widget: DEFAULT_WIDGET,
    actorUserId: acme.userId,
  });
  // Lead capture on, without asking (an ask changes no reply's kind, but keeps replies short); no offer of a person.
  await h.db
    .update(bots)
    .set({
      leadCapture: { ...DEFAULT_LEAD_CAPTURE, enabled: true, askAfterMessages: null, askOnIntent: false },
      handoff: { ...DEFAULT_HANDOFF, offerAfterFailures: null },
    })
    .where(eq(bots.workspaceId, acme.workspaceId));
  channels = [
    { key: "A1", integrationId: acme.integrationId, apiKey: acme.apiKey, botId: acme.botId, widget: false },
    { key: "A2", integrationId: second.integrationId, apiKey: second.apiKey, botId: acme.botId, widget: false },
    { key: "B1", integrationId: onB.integrationId, apiKey: onB.apiKey, botId: botB, widget: false },
    { key: "W", integrationId: widget!.id, botId: botB, widget: true },
  ];
  await drive();
}, 600_000);
afterAll(async () => {
  await suite?.close();
});

// ── Driving the conversations ───────────────────────────────────────────────

function widgetRequest(c: Conv, path: string, body: unknown): Request {
  return new Request(`http://parley.test/chat/widget/${c.channel.integrationId}${path}`, {
    method: "POST",
    headers: {
      [PEER_IP_HEADER]: `203.0.113.${(convs.indexOf(c) % 200) + 1}`,
      origin: SITE,
      "content-type": "application/json",
      ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** One customer message through the conversation's channel; the response's body. */
async function say(c: Conv, text: string): Promise<{ message_id: string; conversation_id: string; handoff: boolean }> {
  const body = { message: text, conversation_id: c.id || null };
  let res: { status: number; body: any };
  if (c.channel.widget) {
    const r = await handleWidgetMessage({
      req: widgetRequest(c, "/messages", body),
      integrationId: c.channel.integrationId,
    });
    res = { status: r.status, body: await r.json() };
  } else res = await postChat(api.url, c.channel.integrationId, c.channel.apiKey!, body);
  expect(res.status, `${text}: ${JSON.stringify(res.body)}`).toBe(200);
  c.id = res.body.conversation_id;
  return res.body;
}

async function rate(c: Conv, messageId: string, rating: "up" | "down") {
  let status: number;
  if (c.channel.widget) {
    const r = await handleWidgetFeedback({
      req: widgetRequest(c, `/messages/${messageId}/feedback`, { rating }),
      integrationId: c.channel.integrationId,
      messageId,
    });
    status = r.status;
  } else {
    const r = await fetch(`${api.url}/chat/custom/${c.channel.integrationId}/messages/${messageId}/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": c.channel.apiKey! },
      body: JSON.stringify({ rating }),
    });
    status = r.status;
  }
  expect(status).toBe(200);
  ratings.set(messageId, rating);
}

/** A customer message and the bot's reply, recorded with what the script expects of it. */
async function ask(c: Conv, text: string, group: string | undefined, kind: NonNullable<Sent["kind"]>) {
  const res = await say(c, text);
  const at = { conversationId: c.id, day: c.day, hour: c.hour, channel: c.channel };
  sent.push({ ...at, role: "user", text, group });
  sent.push({ ...at, role: "assistant", kind, messageId: res.message_id });
  return res;
}

async function conversation(i: number, c: Conv): Promise<void> {
  if (c.channel.widget) {
    const r = await handleWidgetSession({
      req: widgetRequest(c, "/session", {}),
      integrationId: c.channel.integrationId,
    });
    c.token = ((await r.json()) as { token: string }).token;
  }
  const groups = Object.keys(ANSWERED) as (keyof typeof ANSWERED)[];
  const answered = async () => {
    const g = pick(groups);
    return ask(c, pick(ANSWERED[g]), g, "answer");
  };
  // Contact details as the first message, instead of a question: a lead, and the bot thanks them (no fallback counted).
  if (i % 5 === 4) {
    // Letters only: digits in the address could match a price in the knowledge ("lead49": Core's $49), and the
    // engine reads a message of contact details alone as its question.
    const name = [...String(i)].map((d) => "abcdefghij"[Number(d)]).join("");
    await ask(c, `My email is ada.${name}@example.com`, undefined, "thanks");
    leadsOf.push({ conversationId: c.id, day: c.day, channel: c.channel });
  }
  if (rand() < 0.3) await ask(c, GREETING, undefined, "greeting");
  switch (i % 5) {
    case 0: {
      await answered();
      if (rand() < 0.5) await answered();
      break;
    }
    case 1: {
      if (rand() < 0.5) await answered();
      const g = pick(Object.keys(FALLBACK) as (keyof typeof FALLBACK)[]);
      await ask(c, pick(FALLBACK[g]), g, "fallback");
      break;
    }
    case 2: {
      if (rand() < 0.5) await answered();
      await ask(c, HUMAN, "human", "handoff");
      const at = { conversationId: c.id, day: c.day, hour: c.hour, channel: c.channel };
      if (rand() < 0.5) {
        // The bot stays silent while the team has it: a customer message without a reply.
        await say(c, WAITING);
        sent.push({ ...at, role: "user", text: WAITING, group: "waiting" });
      }
      if (rand() < 0.6) {
        const team = await replyAsTeamMember(h.db, {
          workspaceId: acme.workspaceId,
          conversationId: c.id,
          userId: acme.userId,
          content: "Hi, this is Sam from the team.",
        });
        sent.push({ ...at, role: "agent", messageId: team!.messageId });
      }
      break;
    }
    case 3: {
      const first = await answered();
      await rate(c, first.message_id, rand() < 0.7 ? "up" : "down");
      if (rand() < 0.3) await rate(c, first.message_id, ratings.get(first.message_id) === "up" ? "down" : "up");
      if (rand() < 0.5) {
        const g = pick(Object.keys(FALLBACK) as (keyof typeof FALLBACK)[]);
        const miss = await ask(c, pick(FALLBACK[g]), g, "fallback");
        await rate(c, miss.message_id, "down");
      }
      break;
    }
    case 4: {
      if (rand() < 0.5) await answered();
      break;
    }
  }
}

async function drive() {
  for (let i = 0; i < 200; i++) {
    const dayIndex = Math.floor(rand() * 12) - 1;
    const day = dayIndex < 0 ? BEFORE : dayIndex >= DAYS.length ? AFTER : DAYS[dayIndex]!;
    convs.push({
      id: "",
      day,
      hour: Math.floor(rand() * 24),
      minute: Math.floor(rand() * 50),
      channel: pick(channels),
    });
  }
  // Eight conversations at a time, each in order.
  for (let start = 0; start < convs.length; start += 8)
    await Promise.all(convs.slice(start, start + 8).map((c, k) => conversation(start + k, c)));
  // Each conversation happened when its script says: its rows move by the same amount, in one statement each.
  for (const c of convs) {
    const target = `${c.day}T${String(c.hour).padStart(2, "0")}:${String(c.minute).padStart(2, "0")}:00Z`;
    const shift = sql`(${target}::timestamptz - (select created_at from conversations where id = ${c.id}))`;
    await h.db.execute(sql`update messages set created_at = created_at + ${shift} where conversation_id = ${c.id}`);
    await h.db.execute(
      sql`update leads set created_at = created_at + ${shift}
          where id in (select lead_id from lead_conversations where conversation_id = ${c.id})`,
    );
    await h.db.execute(
      sql`update message_feedback set created_at = created_at + ${shift} where conversation_id = ${c.id}`,
    );
    await h.db.execute(sql`update conversations set created_at = ${target}::timestamptz where id = ${c.id}`);
  }

  // What must not count: the test chat, and another workspace's conversations on the same days.
  const [botA] = await h.db.select().from(bots).where(eq(bots.id, acme.botId));
  const test = await answerTestMessage(h.db, {
    workspaceId: acme.workspaceId,
    memberId: acme.userId,
    plan: "starter",
    bot: botA!,
    conversationId: null,
    message: ANSWERED.pro[0],
  });
  expect(test.ok).toBe(true);
  const other = await createTenant(h.db);
  for (const text of [ANSWERED.pro[0], FALLBACK.clocks[0], "My email is other@example.com"]) {
    const r = await postChat(api.url, other.integrationId, other.apiKey, { message: text });
    expect(r.status).toBe(200);
  }
  await h.db.execute(
    sql`update messages set created_at = ${`${DAYS[3]}T12:00:00Z`}::timestamptz
        where conversation_id in (select id from conversations where workspace_id = ${other.workspaceId} or channel = 'test')`,
  );
  await h.db.execute(
    sql`update conversations set created_at = ${`${DAYS[3]}T12:00:00Z`}::timestamptz
        where workspace_id = ${other.workspaceId} or channel = 'test'`,
  );
  await h.db.execute(
    sql`update leads set created_at = ${`${DAYS[3]}T12:00:00Z`}::timestamptz where workspace_id = ${other.workspaceId}`,
  );
}

// ── The figures the script implies ──────────────────────────────────────────

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
}

type Filter = { from: string; to: string; botId?: string; integrationId?: string };
const inScope = (f: Filter, day: string, channel: Channel) =>
  day >= f.from &&
  day <= f.to &&
  (!f.botId || channel.botId === f.botId) &&
  (!f.integrationId || channel.integrationId === f.integrationId);

async function latencies(ids: string[]): Promise<Map<string, number>> {
  const rows = ids.length
    ? await h.db.select({ id: messages.id, ms: messages.latencyMs }).from(messages).where(inArray(messages.id, ids))
    : [];
  return new Map(rows.map((r) => [r.id, r.ms!]));
}

async function expected(f: Filter) {
  const msgs = sent.filter((s) => inScope(f, s.day, s.channel));
  const replyMs = await latencies(
    msgs.filter((s) => s.role === "assistant" && s.kind !== "handoff").map((s) => s.messageId!),
  );
  const figures = (day?: string): AnalyticsFigures => {
    const m = day ? msgs.filter((s) => s.day === day) : msgs;
    const replies = m.filter((s) => s.role === "assistant");
    const count = (kind: Sent["kind"]) => replies.filter((s) => s.kind === kind).length;
    const times = replies.filter((s) => s.kind !== "handoff").map((s) => replyMs.get(s.messageId!)!);
    const rated = replies.map((s) => ratings.get(s.messageId!)).filter(Boolean);
    return {
      conversations: convs.filter((c) => inScope(f, c.day, c.channel) && (!day || c.day === day)).length,
      customerMessages: m.filter((s) => s.role === "user").length,
      botReplies: replies.length,
      answered: count("answer"),
      fallback: count("fallback"),
      handedOff: count("handoff"),
      otherReplies: count("greeting") + count("thanks"),
      teamReplies: m.filter((s) => s.role === "agent").length,
      leads: leadsOf.filter((l) => inScope(f, l.day, l.channel) && (!day || l.day === day)).length,
      thumbsUp: rated.filter((r) => r === "up").length,
      thumbsDown: rated.filter((r) => r === "down").length,
      medianReplyMs: percentile(times, 0.5),
      p95ReplyMs: percentile(times, 0.95),
    };
  };
  const days: string[] = [];
  for (let d = new Date(`${f.from}T00:00:00Z`); d.toISOString().slice(0, 10) <= f.to; d.setUTCDate(d.getUTCDate() + 1))
    days.push(d.toISOString().slice(0, 10));
  const hours = Array.from(
    { length: 24 },
    (_, hour) => msgs.filter((s) => s.role === "user" && s.hour === hour).length,
  );
  const questions = new Map<string, string[]>();
  for (const s of msgs)
    if (s.role === "user" && s.group) questions.set(s.group, [...(questions.get(s.group) ?? []), s.text!]);
  return { days: days.map((day) => ({ day, ...figures(day) })), total: figures(), hours, questions };
}

/** Numbers equal, reply times equal to the microsecond (the database computes them in floating point). */
function expectFigures(actual: AnalyticsFigures, want: AnalyticsFigures, where: string) {
  const { medianReplyMs, p95ReplyMs, ...counts } = actual;
  const { medianReplyMs: wantMedian, p95ReplyMs: wantP95, ...wantCounts } = want;
  expect(counts, where).toEqual(wantCounts);
  for (const [got, wanted] of [
    [medianReplyMs, wantMedian],
    [p95ReplyMs, wantP95],
  ] as const) {
    if (wanted === null) expect(got, where).toBeNull();
    else expect(got, where).toBeCloseTo(wanted, 6);
  }
}

async function checkScope(f: Filter) {
  const scope: AnalyticsScope = { workspaceId: acme.workspaceId, ...f };
  const want = await expected(f);
  const got = await workspaceAnalytics(h.db, scope);
  expect(got.days.map((d) => d.day)).toEqual(want.days.map((d) => d.day));
  for (const [i, d] of want.days.entries()) expectFigures(got.days[i]!, d, `${JSON.stringify(f)} on ${d.day}`);
  expectFigures(got.total, want.total, `${JSON.stringify(f)} in all`);
  expect(got.hours).toEqual(want.hours);
  return { want, got };
}

// ── The checks ──────────────────────────────────────────────────────────────

describe("analytics of 200 scripted conversations", () => {
  it("sent what the script says: 200 conversations, every kind of reply, ratings, leads and team replies", () => {
    expect(convs).toHaveLength(200);
    const kinds = new Set(sent.filter((s) => s.role === "assistant").map((s) => s.kind));
    expect([...kinds].sort()).toEqual(["answer", "fallback", "greeting", "handoff", "thanks"]);
    expect(ratings.size).toBeGreaterThan(10);
    expect(leadsOf.length).toBe(40);
    expect(sent.some((s) => s.role === "agent")).toBe(true);
    expect(new Set(convs.map((c) => c.channel.key))).toEqual(new Set(["A1", "A2", "B1", "W"]));
    expect(convs.some((c) => c.day === BEFORE) && convs.some((c) => c.day === AFTER)).toBe(true);
  });

  it("stored every reply with the kind the script expects", async () => {
    const replies = sent.filter((s) => s.role === "assistant");
    const rows = await h.db
      .select({ id: messages.id, kind: messages.replyKind })
      .from(messages)
      .where(
        inArray(
          messages.id,
          replies.map((s) => s.messageId!),
        ),
      );
    const kinds = new Map(rows.map((r) => [r.id, r.kind]));
    const wrong = replies
      .filter((s) => kinds.get(s.messageId!) !== s.kind)
      .map((s) => [s.text, s.kind, kinds.get(s.messageId!)]);
    expect(wrong).toEqual([]);
  });

  it("counts every figure of the workspace's period exactly, day by day and by hour", async () => {
    const { want } = await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)! });
    // Not a vacuous pass: the period holds most of the 200 conversations and figures of every kind.
    expect(want.total.conversations).toBeGreaterThan(120);
    for (const key of [
      "answered",
      "fallback",
      "handedOff",
      "otherReplies",
      "teamReplies",
      "leads",
      "thumbsUp",
      "thumbsDown",
    ] as const)
      expect(want.total[key], key).toBeGreaterThan(0);
  });

  it("filters by bot, by integration (the widget's too) and by dates", async () => {
    const [a1, , b1, w] = channels;
    await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)!, botId: a1!.botId });
    await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)!, botId: b1!.botId });
    await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)!, integrationId: channels[1]!.integrationId });
    await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)!, integrationId: w!.integrationId });
    await checkScope({ from: DAYS[0]!, to: DAYS.at(-1)!, botId: b1!.botId, integrationId: a1!.integrationId }); // nothing
    await checkScope({ from: DAYS[2]!, to: DAYS[4]! });
    await checkScope({ from: BEFORE, to: AFTER });
    await checkScope({ from: DAYS[4]!, to: DAYS[4]! });
  });

  it("groups the top questions by their normalised terms and counts each exactly", async () => {
    const f = { from: DAYS[0]!, to: DAYS.at(-1)! };
    const want = await expected(f);
    const report = await analyticsReport(h.db, { workspaceId: acme.workspaceId, ...f });
    expect(report.questionsCapped).toBe(false);
    // One entry per group of the script, none for greetings or contact details.
    expect(report.topQuestions).toHaveLength(want.questions.size);
    for (const [group, texts] of want.questions) {
      const entry = report.topQuestions.find((q) => GROUPS[group]!.includes(q.question));
      expect(entry, group).toBeDefined();
      expect(entry!.asked, group).toBe(texts.length);
      // Named by its most common wording, compared without case and punctuation.
      const wording = (t: string) =>
        t
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s]/gu, "")
          .trim();
      const byWording = new Map<string, number>();
      for (const t of texts) byWording.set(wording(t), (byWording.get(wording(t)) ?? 0) + 1);
      const most = Math.max(...byWording.values());
      expect(texts, group).toContain(entry!.question);
      expect(byWording.get(wording(entry!.question)), `${group}: named by its most common wording`).toBe(most);
      // Every question of a fallback group got the fallback; none of the others did.
      expect(entry!.unanswered, group).toBe(group in FALLBACK ? texts.length : 0);
      expect(entry!.handedOff, group).toBe(group === "human" ? texts.length : 0);
    }
    // Most asked first.
    const counts = report.topQuestions.map((q) => q.asked);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it("exports the same figures as CSV, with the page's filters, for the signed-in workspace only", async () => {
    signInAs(acme.userId, acme.workspaceId);
    const f = { from: DAYS[1]!, to: DAYS[7]!, botId: channels[0]!.botId };
    const want = await expected(f);
    const res = await exportAnalytics(
      new Request(`http://localhost:3000/analytics/export?from=${f.from}&to=${f.to}&bot=${f.botId}`),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await res.text())
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(ANALYTICS_CSV_HEADER.join(","));
    const row = (day: string, x: AnalyticsFigures) =>
      [
        day,
        x.conversations,
        x.customerMessages,
        x.botReplies,
        x.answered,
        x.fallback,
        x.handedOff,
        x.otherReplies,
        x.teamReplies,
        x.leads,
        x.thumbsUp,
        x.thumbsDown,
        x.medianReplyMs === null ? "" : Math.round(x.medianReplyMs),
        x.p95ReplyMs === null ? "" : Math.round(x.p95ReplyMs),
      ].join(",");
    expect(lines.slice(1)).toEqual([...want.days.map((d) => row(d.day, d)), row("total", want.total)]);

    const hours = await exportAnalytics(
      new Request(`http://localhost:3000/analytics/export?from=${f.from}&to=${f.to}&bot=${f.botId}&table=hours`),
    );
    const hourLines = (await hours.text())
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(hourLines).toEqual([
      "hour_utc,customer_messages",
      ...want.hours.map((n, hour) => `${String(hour).padStart(2, "0")}:00,${n}`),
    ]);

    const questions = await exportAnalytics(
      new Request(`http://localhost:3000/analytics/export?from=${f.from}&to=${f.to}&bot=${f.botId}&table=questions`),
    );
    const questionLines = (await questions.text())
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(questionLines[0]).toBe("question,asked,unanswered,handed_off,last_asked,terms");
    const asked = questionLines.slice(1).map((l) => Number(l.split(",")[1]));
    expect(asked.reduce((a, b) => a + b, 0)).toBe([...want.questions.values()].reduce((n, t) => n + t.length, 0));

    // Another workspace's member gets their own (empty) figures, never these.
    const stranger = await createTenant(h.db);
    signInAs(stranger.userId, stranger.workspaceId);
    const theirs = await exportAnalytics(
      new Request(`http://localhost:3000/analytics/export?from=${f.from}&to=${f.to}&bot=${f.botId}`),
    );
    const total = (await theirs.text()).trimEnd().split("\r\n").at(-1);
    expect(total).toBe("total,0,0,0,0,0,0,0,0,0,0,0,,");
  });
});
