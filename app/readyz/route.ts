import { readyResponse } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Readiness: not shutting down, database reachable, migrations applied, background loops going round. */
export const GET = () => readyResponse();
export const HEAD = GET;
