import { getDbHandle } from "@/db";
import { importQueue, quotaUsedByPlan, webhookOutbox } from "@/db/queries/ops";
import { planEnum } from "@/db/schema";
import { metrics, metricsAccess } from "./metrics";

const SCRAPE_DB_TIMEOUT_MS = 2_000;

/** Reads the gauges that live in the database (queues, outbox, quota); with the database down they keep their last values and parley_db_up is 0. */
async function readDatabaseGauges(): Promise<void> {
  const m = metrics();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const handle = await getDbHandle();
    m.dbBreakerOpen.set(handle.breaker?.open ? 1 : 0);
    m.dbStatementsInFlight.set(handle.breaker?.inFlight ?? 0);
    const [queue, outbox, quota] = await Promise.race([
      Promise.all([importQueue(handle.db), webhookOutbox(handle.db), quotaUsedByPlan(handle.db)]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), SCRAPE_DB_TIMEOUT_MS);
      }),
    ]);
    m.importQueueDepth.set(queue.depth);
    m.importQueueAge.set(queue.oldestAgeSeconds);
    m.webhookBacklog.set(outbox.pending);
    m.webhookFailed.set(outbox.failed);
    for (const plan of planEnum.enumValues) m.quotaUsed.set({ plan }, quota.find((q) => q.plan === plan)?.used ?? 0);
    m.dbUp.set(1);
  } catch {
    m.dbUp.set(0);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /metrics: the Prometheus text format, for a caller with the token (404 while METRICS_TOKEN is unset). */
export async function metricsResponse(req: Request): Promise<Response> {
  const access = metricsAccess(req.headers.get("authorization"));
  if (access === "off") return new Response("Not found\n", { status: 404 });
  if (access === "denied")
    return new Response("Send Authorization: Bearer <METRICS_TOKEN>.\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="metrics"' },
    });
  await readDatabaseGauges();
  const registry = metrics().registry;
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
