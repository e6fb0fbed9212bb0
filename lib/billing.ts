import type { Db } from "@/db";
import { setWorkspacePlan } from "@/db/queries/workspaces";
import type { Plan } from "@/db/schema";

export type PlanChangeResult = { ok: true; changed: boolean } | { ok: false; reason: string };

/**
 * The billing seam. A self-hosted Parley has no payment step, so a plan change is applied at once.
 * A hosted deployment would start checkout with its billing provider here (and apply the plan from
 * the provider's webhook instead), keeping every caller unchanged.
 */
export async function requestPlanChange(
  db: Db,
  input: { workspaceId: string; actorUserId: string; plan: Plan },
): Promise<PlanChangeResult> {
  const changed = await setWorkspacePlan(db, input);
  return { ok: true, changed: changed !== null };
}
