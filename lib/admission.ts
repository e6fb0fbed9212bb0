import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { consumeMonthlyQuota, type QuotaResult } from "./quota";
import { allowedResult, consumeRateLimit, refusedResult, type RateLimitResult } from "./rate-limit";

export type Admission = { rate: RateLimitResult; quota: QuotaResult | null };

/**
 * One Chat API request's rate limit and monthly quota: `quota` is null when the rate limit refused
 * (a rate-limited request spends no quota). On PostgreSQL both are one call of admit_requests
 * (migration 0004), and requests of the same integration that arrive while that call is in flight
 * wait for it and then go together as the next call: under load one statement admits many
 * requests instead of each queueing on the same two row locks, and a lone request is sent at once.
 * With REDIS_URL the rate limit is Redis's and the quota a second statement.
 */
export async function admitRequest(
  db: Db,
  args: { rateKey: string; requestsPerMinute: number; workspaceId: string; messagesPerMonth: number },
): Promise<Admission> {
  const { rateKey, requestsPerMinute: limit, workspaceId, messagesPerMonth } = args;
  if (process.env.REDIS_URL || limit <= 0) {
    const rate = await consumeRateLimit(db, { key: rateKey, limit });
    if (!rate.allowed) return { rate, quota: null };
    return { rate, quota: await consumeMonthlyQuota(db, { workspaceId, limit: messagesPerMonth }) };
  }
  let lanes = lanesByDb.get(db);
  if (!lanes) lanesByDb.set(db, (lanes = new Map()));
  const laneKey = `${rateKey}\u0000${workspaceId}\u0000${limit}\u0000${messagesPerMonth}`;
  let lane = lanes.get(laneKey);
  if (!lane) lanes.set(laneKey, (lane = { busy: false, waiting: [] }));
  const admitted = new Promise<Admission>((resolve, reject) => lane.waiting.push({ resolve, reject }));
  if (!lane.busy) void drain(db, lanes, laneKey, lane, args);
  return admitted;
}

type Waiter = { resolve: (a: Admission) => void; reject: (e: unknown) => void };
type Lane = { busy: boolean; waiting: Waiter[] };

/** Requests waiting per database handle and per (key, workspace, limits); a lane lives while it has work. */
const lanesByDb = new WeakMap<Db, Map<string, Lane>>();

/** At most this many requests in one call (a bigger burst takes several). */
export const MAX_ADMISSION_BATCH = 256;

/** Statements sent and requests they admitted or refused, since start (for tests and the benchmark). */
export const admissionStats = { calls: 0, requests: 0 };

async function drain(
  db: Db,
  lanes: Map<string, Lane>,
  laneKey: string,
  lane: Lane,
  { rateKey, requestsPerMinute: limit, workspaceId, messagesPerMonth }: Parameters<typeof admitRequest>[1],
): Promise<void> {
  lane.busy = true;
  try {
    while (lane.waiting.length) {
      const batch = lane.waiting.splice(0, MAX_ADMISSION_BATCH);
      try {
        const results = await admitMany(db, { rateKey, limit, workspaceId, messagesPerMonth, n: batch.length });
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  } finally {
    lane.busy = false;
    lanes.delete(laneKey);
  }
}

const PERIOD_SECONDS = 60;

/** One admit_requests call for n requests of one key, in order: the first ones get what fits. */
async function admitMany(
  db: Db,
  { rateKey, limit, workspaceId, messagesPerMonth, n }: { rateKey: string; limit: number; workspaceId: string; messagesPerMonth: number; n: number },
): Promise<Admission[]> {
  admissionStats.calls++;
  admissionStats.requests += n;
  const [row] = await queryRows<{
    rl_granted: number;
    rl_base_ahead: number | string;
    rl_ahead_after: number | string;
    q_granted: number;
    q_used_before: number | null;
    q_month: string;
    q_reset: number | string;
  }>(db, sql`select * from admit_requests(${rateKey}, ${n}::int, ${limit}::int, ${PERIOD_SECONDS}::float8, ${workspaceId}, ${messagesPerMonth}::int)`);
  const granted = Number(row!.rl_granted);
  const quotaGranted = Number(row!.q_granted);
  const emission = PERIOD_SECONDS / limit;
  const usedBefore = Number(row!.q_used_before ?? 0);
  const refusedRate = refusedResult(limit, PERIOD_SECONDS, Number(row!.rl_ahead_after));
  const quotaRefused: QuotaResult = {
    allowed: false,
    used: messagesPerMonth,
    limit: messagesPerMonth,
    month: row!.q_month,
    retryAfterSeconds: Math.max(1, Math.ceil(Number(row!.q_reset))),
  };
  return Array.from({ length: n }, (_, i): Admission => {
    if (i >= granted) return { rate: refusedRate, quota: null };
    const rate = allowedResult(limit, PERIOD_SECONDS, Number(row!.rl_base_ahead) + (i + 1) * emission);
    if (i >= quotaGranted) return { rate, quota: quotaRefused };
    return { rate, quota: { allowed: true, used: usedBefore + i + 1, limit: messagesPerMonth, month: row!.q_month } };
  });
}
