/**
 * The benchmark's framework ceiling (bench/run.ts, measure 1): the cheapest dynamic POST route the
 * production server can answer. It exists only while the benchmark enables it with PARLEY_BENCH=1,
 * read on every request (never at build time); anywhere else it answers 404 like a missing route.
 */
export const dynamic = "force-dynamic";

function enabled(): boolean {
  return process.env["PARLEY_BENCH"] === "1";
}

export async function POST(req: Request): Promise<Response> {
  if (!enabled()) return Response.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
  const body = await req.text();
  return Response.json({ ok: true, bytes: body.length });
}
