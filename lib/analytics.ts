import type { Db } from "@/db";
import {
  customerQuestions,
  workspaceAnalytics,
  type Analytics,
  type AnalyticsFigures,
  type AnalyticsScope,
  type CustomerQuestion,
} from "@/db/queries/analytics";
import { questionTerms, topicLabel } from "@/lib/unanswered/group";

/**
 * The Analytics page and its CSV export: the figures of db/queries/analytics.ts, and the customers' top
 * questions, grouped by their normalised terms.
 */

/** The most recent questions of a period that the top questions are counted from. */
export const QUESTIONS_READ = 20_000;
/** How many top questions the page lists. */
export const TOP_QUESTIONS = 10;

/** A question customers asked, in its most common wording, with how often and how the bot replied. */
export type TopQuestion = {
  question: string;
  /** Its normalised terms, the group's key. */
  terms: string[];
  asked: number;
  /** Times the bot's reply was its fallback. */
  unanswered: number;
  /** Times it was handed to the team. */
  handedOff: number;
  lastAsked: Date;
};

export type AnalyticsReport = Analytics & {
  topQuestions: TopQuestion[];
  /** True when the period had more questions than were read for the top questions. */
  questionsCapped: boolean;
};

/** Everything the Analytics page shows for a scope. */
export async function analyticsReport(db: Db, scope: AnalyticsScope): Promise<AnalyticsReport> {
  const [figures, questions] = await Promise.all([
    workspaceAnalytics(db, scope),
    customerQuestions(db, scope, QUESTIONS_READ + 1),
  ]);
  const capped = questions.length > QUESTIONS_READ;
  return {
    ...figures,
    topQuestions: topQuestions(capped ? questions.slice(0, QUESTIONS_READ) : questions),
    questionsCapped: capped,
  };
}

/**
 * Questions grouped by their normalised terms, as the unanswered questions are (lib/unanswered/group.ts: "Do you
 * ship to Canada?" and "shipping to canada?" are one), most asked first (then the most recently asked), each named
 * by its most common wording.
 */
export function topQuestions(questions: CustomerQuestion[]): TopQuestion[] {
  const groups = new Map<string, { q: TopQuestion; asked: CustomerQuestion[] }>();
  for (const item of questions) {
    const terms = questionTerms(item.text);
    if (!terms.length) continue;
    const key = terms.join(" ");
    let group = groups.get(key);
    if (!group) {
      group = {
        q: { question: "", terms, asked: 0, unanswered: 0, handedOff: 0, lastAsked: item.askedAt },
        asked: [],
      };
      groups.set(key, group);
    }
    group.asked.push(item);
    group.q.asked++;
    if (item.replyKind === "fallback") group.q.unanswered++;
    if (item.replyKind === "handoff") group.q.handedOff++;
    if (item.askedAt > group.q.lastAsked) group.q.lastAsked = item.askedAt;
  }
  const list = [...groups.values()].map(({ q, asked }) => ({ ...q, question: topicLabel(asked) }));
  list.sort(
    (a, b) =>
      b.asked - a.asked || b.lastAsked.getTime() - a.lastAsked.getTime() || a.question.localeCompare(b.question),
  );
  return list;
}

/** `part` of `whole` as a fraction (0 when there is no whole). */
export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** The columns of the CSV export, a day a row, and the period in all as the last row. */
export const ANALYTICS_CSV_HEADER = [
  "day",
  "conversations",
  "customer_messages",
  "bot_replies",
  "answered",
  "fallback",
  "handed_off",
  "other_replies",
  "team_replies",
  "leads",
  "thumbs_up",
  "thumbs_down",
  "median_reply_ms",
  "p95_reply_ms",
];

/** The figures as CSV rows (ANALYTICS_CSV_HEADER's columns): each day, then `total`. Reply times in whole ms. */
export function analyticsCsvRows(a: Analytics): (string | number | null)[][] {
  const row = (day: string, f: AnalyticsFigures) => [
    day,
    f.conversations,
    f.customerMessages,
    f.botReplies,
    f.answered,
    f.fallback,
    f.handedOff,
    f.otherReplies,
    f.teamReplies,
    f.leads,
    f.thumbsUp,
    f.thumbsDown,
    f.medianReplyMs === null ? null : Math.round(f.medianReplyMs),
    f.p95ReplyMs === null ? null : Math.round(f.p95ReplyMs),
  ];
  return [...a.days.map((d) => row(d.day, d)), row("total", a.total)];
}

/** The tables the CSV export offers: a row a day, a row an hour of the day, a row a question. */
export const ANALYTICS_TABLES = ["days", "hours", "questions"] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

/** One table of the report as CSV: its header and rows. */
export function analyticsCsv(
  report: AnalyticsReport,
  table: AnalyticsTable,
): { header: string[]; rows: (string | number | Date | null)[][] } {
  if (table === "hours")
    return {
      header: ["hour_utc", "customer_messages"],
      rows: report.hours.map((n, hour) => [`${String(hour).padStart(2, "0")}:00`, n]),
    };
  if (table === "questions")
    return {
      header: ["question", "asked", "unanswered", "handed_off", "last_asked", "terms"],
      rows: report.topQuestions.map((q) => [
        q.question,
        q.asked,
        q.unanswered,
        q.handedOff,
        q.lastAsked,
        q.terms.join(" "),
      ]),
    };
  return { header: ANALYTICS_CSV_HEADER, rows: analyticsCsvRows(report) };
}
