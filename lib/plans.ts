import type { Plan } from "@/db/schema";

export type PlanLimits = { messagesPerMonth: number; requestsPerMinute: number };

/** The default limits of API.md. An operator overrides them with PARLEY_PLAN_LIMITS (JSON). */
export const DEFAULT_PLAN_LIMITS: Record<Plan, PlanLimits> = {
  starter: { messagesPerMonth: 1_000, requestsPerMinute: 20 },
  core: { messagesPerMonth: 5_000, requestsPerMinute: 60 },
  pro: { messagesPerMonth: 25_000, requestsPerMinute: 120 },
  scale: { messagesPerMonth: 100_000, requestsPerMinute: 600 },
};

export const PLAN_LABELS: Record<Plan, string> = { starter: "Starter", core: "Core", pro: "Pro", scale: "Scale" };

let cached: { raw: string | undefined; limits: Record<Plan, PlanLimits> } | undefined;

/**
 * Limits in force: the defaults, with any plan overridden by PARLEY_PLAN_LIMITS, e.g.
 * `{"starter":{"messagesPerMonth":2000}}`. A malformed value is a configuration bug and throws.
 */
export function planLimits(plan: Plan): PlanLimits {
  const raw = process.env.PARLEY_PLAN_LIMITS;
  if (!cached || cached.raw !== raw) {
    const overrides = raw ? (JSON.parse(raw) as Partial<Record<Plan, Partial<PlanLimits>>>) : {};
    const limits = { ...DEFAULT_PLAN_LIMITS };
    for (const p of Object.keys(limits) as Plan[]) {
      const o = overrides[p] ?? {};
      for (const [k, v] of Object.entries(o)) {
        if (!Number.isInteger(v) || (v as number) < 0)
          throw new Error(`PARLEY_PLAN_LIMITS: ${p}.${k} must be a whole number ≥ 0`);
      }
      limits[p] = { ...limits[p], ...o };
    }
    cached = { raw, limits };
  }
  return cached.limits[plan];
}
