import { metricsResponse } from "@/lib/metrics-scrape";

export const dynamic = "force-dynamic";

/** Prometheus metrics, with `Authorization: Bearer $METRICS_TOKEN` (404 while METRICS_TOKEN is unset). */
export const GET = (req: Request) => metricsResponse(req);
