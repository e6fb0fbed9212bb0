import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../index";

export type UsageSeries = {
  /** The integration's id, or null for conversations whose integration was removed for good. */
  integrationId: string | null;
  name: string;
  deleted: boolean;
  /** Messages in each of `days`, same order. */
  counts: number[];
  total: number;
  thisMonth: number;
};

export type DailyUsage = { days: string[]; series: UsageSeries[] };

/**
 * What the monthly quota counts, in one place: the bot's replies (a message a person answered, or one
 * refunded, is no reply) on every channel: the API, the website widget and the dashboard's test chat
 * (a test message is a real reply and spends the quota). The meter, the chart and the Integrations
 * list all count this, so they agree.
 */
export const CHARGED = sql`m.role = 'assistant'`;

/**
 * Messages charged to the quota (see CHARGED) per UTC day for the last `days` days up to today by the
 * database clock, one series per integration (busiest first) with its total for those days and for
 * this calendar month.
 */
export async function dailyMessagesByIntegration(db: Db, workspaceId: string, days = 30): Promise<DailyUsage> {
  const [range] = await queryRows<{ first: string; today: string; month: string }>(
    db,
    sql`select ((app_now() at time zone 'UTC')::date - ${days - 1}::int)::text as first,
               (app_now() at time zone 'UTC')::date::text as today,
               date_trunc('month', app_now() at time zone 'UTC')::date::text as month`,
  );
  const { first, today, month } = range!;
  const rows = await queryRows<{
    day: string;
    integration_id: string | null;
    name: string | null;
    deleted: boolean | null;
    test: boolean;
    n: number | string;
  }>(
    db,
    sql`select (m.created_at at time zone 'UTC')::date::text as day, c.integration_id, i.name, i.deleted_at is not null as deleted,
               c.channel = 'test' as test, count(*) as n
        from messages m
        join conversations c on c.id = m.conversation_id
        left join integrations i on i.id = c.integration_id
        where c.workspace_id = ${workspaceId} and ${CHARGED}
          and m.created_at >= (least(${first}::date, ${month}::date))::timestamp at time zone 'UTC'
          and m.created_at < ((${today}::date + 1)::timestamp at time zone 'UTC')
        group by 1, 2, 3, 4, 5`,
  );
  const dayList: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); dayList.length < days; d.setUTCDate(d.getUTCDate() + 1))
    dayList.push(d.toISOString().slice(0, 10));
  const index = new Map(dayList.map((d, i) => [d, i]));
  const byIntegration = new Map<string, UsageSeries>();
  for (const r of rows) {
    const key = r.integration_id ?? (r.test ? "test" : "");
    let s = byIntegration.get(key);
    if (!s) {
      s = {
        integrationId: r.integration_id,
        name: r.name ?? (r.test ? "Test chat" : "Removed integration"),
        deleted: (r.integration_id === null && !r.test) || !!r.deleted,
        counts: dayList.map(() => 0),
        total: 0,
        thisMonth: 0,
      };
      byIntegration.set(key, s);
    }
    const n = Number(r.n);
    if (r.day >= month) s.thisMonth += n;
    const i = index.get(r.day);
    if (i === undefined) continue;
    s.counts[i]! += n;
    s.total += n;
  }
  const series = [...byIntegration.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  return { days: dayList, series };
}

/** Messages charged to the quota this calendar month (UTC, database clock), counted from the messages stored. */
export async function chargedMessagesThisMonth(db: Db, workspaceId: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n
        from messages m join conversations c on c.id = m.conversation_id
        where c.workspace_id = ${workspaceId} and ${CHARGED}
          and m.created_at >= date_trunc('month', app_now() at time zone 'UTC') at time zone 'UTC'`,
  );
  return Number(row?.n ?? 0);
}

/** Messages used this month (the quota's count) and when the quota resets. */
export async function getMonthlyUsage(
  db: Db,
  workspaceId: string,
): Promise<{ used: number; month: string; resetsAt: Date }> {
  const [row] = await queryRows<{ used: number | null; month: string; resets_at: string | Date }>(
    db,
    sql`select (select used from usage where workspace_id = ${workspaceId} and subject = ''
                  and month = date_trunc('month', app_now() at time zone 'UTC')::date) as used,
               date_trunc('month', app_now() at time zone 'UTC')::date::text as month,
               (date_trunc('month', app_now() at time zone 'UTC') + interval '1 month') at time zone 'UTC' as resets_at`,
  );
  return { used: Number(row?.used ?? 0), month: row!.month, resetsAt: new Date(row!.resets_at) };
}
