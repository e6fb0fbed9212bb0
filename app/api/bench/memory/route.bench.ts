/**
 * The benchmark's memory reading (bench/run.ts, memory per in-flight stream): the process's memory after a
 * full garbage collection when the server runs with --expose-gc (`gc: false` otherwise), so that what is
 * counted is what in-flight requests keep alive, not garbage not yet collected. Like the noop route, it is
 * part of the app only in a build made with PARLEY_BENCH=1 (next.config.js).
 */
export const dynamic = "force-dynamic";

export function GET(): Response {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return Response.json({ gc: gc !== undefined, ...process.memoryUsage() });
}
