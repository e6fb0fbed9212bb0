/**
 * The benchmark's framework ceiling (bench/run.ts, measure 1): the cheapest dynamic POST route the
 * production server can answer. A `.bench.ts` file is part of the app only in a build made with
 * PARLEY_BENCH=1 (next.config.js, the benchmark's one seam); any other build has no such route.
 */
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const body = await req.text();
  return Response.json({ ok: true, bytes: body.length });
}
