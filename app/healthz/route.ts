import { healthResponse } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. */
export const GET = () => healthResponse();
export const HEAD = GET;
