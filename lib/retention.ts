import type { Db } from "@/db";
import { applyRetention, claimRetentionRuns, type RetentionResult } from "@/db/queries/retention";
import { startPollingWorker, wakeWorker } from "@/lib/polling-worker";

/**
 * Retention per workspace (Settings → General, off by default): the background work deletes the
 * conversations that have had no message for the workspace's number of days, once a day per
 * workspace, and writes each run (what it deleted, and the cutoff) to the audit log. Any number of
 * workers may run it: each run of a workspace is claimed by one.
 */

/** A workspace's retention runs at most this often. */
export const RETENTION_EVERY_HOURS = 24;
const WAKE_KEY = Symbol.for("parley.retention.wake");

/** Runs retention for every workspace that is due; returns each run's outcome. */
export async function runDueRetention(db: Db): Promise<Array<{ workspaceId: string } & RetentionResult>> {
  const done: Array<{ workspaceId: string } & RetentionResult> = [];
  for (;;) {
    const claims = await claimRetentionRuns(db, { limit: 10, everyHours: RETENTION_EVERY_HOURS });
    for (const claim of claims) done.push({ workspaceId: claim.workspaceId, ...(await applyRetention(db, claim)) });
    if (claims.length < 10) return done;
  }
}

/** The retention loop (lib/background.ts starts it). Returns a stop function. */
export function startRetentionWorker({ getDb, pollMs = 10 * 60_000 }: { getDb: () => Promise<Db>; pollMs?: number }) {
  return startPollingWorker({
    name: "retention",
    wakeKey: WAKE_KEY,
    pollMs,
    step: async () => {
      await runDueRetention(await getDb());
      return false; // everything due was done; sleep until the next poll or a change of setting
    },
  });
}

/** A workspace's retention changed: run what is due now rather than at the next poll (this process only). */
export function wakeRetentionWorker(): void {
  wakeWorker(WAKE_KEY);
}
