import { getDb } from "@/db";
import { startIngestionWorker } from "@/lib/knowledge/worker";
import { startWebhookWorker } from "@/lib/webhooks/worker";

/** Starts the server's background loops (knowledge ingestion, webhook delivery); returns a stop function. */
export function startBackgroundWork(): () => void {
  const stops: Array<() => void> = [];
  stops.push(startIngestionWorker({ getDb }));
  stops.push(startWebhookWorker({ getDb }));
  return () => stops.forEach((stop) => stop());
}
