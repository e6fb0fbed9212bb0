/**
 * The benchmark's model: tests/fixtures/openai-server.ts (a local OpenAI-compatible server) with a small
 * control port, so that one app process can be measured against a model answering at once, after 1 s or
 * never, without restarting it with another LLM_BASE_URL.
 *
 *   npx tsx bench/model-fixture.ts --port 4010 --control 4011 [--delay 1000]
 *
 * Control (127.0.0.1 only): `POST /delay?ms=1000` (0 answers at once), `POST /hang` (requests are held
 * until the client gives up), `GET /stats` → `{ completions, condensations }` counted since the last
 * `POST /reset`, which also forgets the requests the fixture keeps (so that it does not grow over a run).
 */
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isCondensation, startOpenAiServer } from "../tests/fixtures/openai-server";

export type ModelStats = { completions: number; condensations: number };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, control: { type: "string" }, delay: { type: "string", default: "0" } },
  });
  const model = await startOpenAiServer({ port: Number(values.port ?? 0) });
  const setDelay = (ms: number) => {
    model.setDelayMs(ms);
    model.setMode(ms > 0 ? "slow" : "ok");
  };
  setDelay(Number(values.delay));

  // Counted as requests arrive, so that the kept requests can be forgotten without losing the counts.
  let counted = 0;
  const stats: ModelStats = { completions: 0, condensations: 0 };
  const count = () => {
    for (const { body } of model.requests.slice(counted)) {
      stats.completions++;
      if (isCondensation(Array.isArray(body?.messages) ? body.messages : [])) stats.condensations++;
    }
    counted = model.requests.length;
  };

  const control = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    count();
    if (req.method === "GET" && url.pathname === "/stats") return reply(200, stats);
    if (req.method === "POST" && url.pathname === "/reset") {
      model.requests.length = 0;
      counted = 0;
      stats.completions = stats.condensations = 0;
      return reply(200, stats);
    }
    if (req.method === "POST" && url.pathname === "/delay") {
      const ms = Number(url.searchParams.get("ms"));
      if (!Number.isFinite(ms) || ms < 0) return reply(400, { error: "ms must be a number ≥ 0" });
      setDelay(ms);
      return reply(200, { delayMs: ms });
    }
    if (req.method === "POST" && url.pathname === "/hang") {
      model.setMode("hang");
      return reply(200, { mode: "hang" });
    }
    reply(404, { error: `no ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve, reject) => {
    control.once("error", reject);
    control.listen(Number(values.control ?? 0), "127.0.0.1", () => resolve());
  });
  console.log(`model ${model.url}, control on 127.0.0.1:${(control.address() as { port: number }).port}`);
  const stop = () => {
    control.close();
    void model.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/** The control port's client, for bench/run.ts. */
export function modelControl(controlUrl: string) {
  const call = async <T>(method: string, path: string): Promise<T> => {
    const res = await fetch(`${controlUrl}${path}`, { method, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`model fixture control ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    delay: (ms: number) => call<unknown>("POST", `/delay?ms=${ms}`),
    hang: () => call<unknown>("POST", "/hang"),
    stats: () => call<ModelStats>("GET", "/stats"),
    reset: () => call<ModelStats>("POST", "/reset"),
  };
}

export type ModelControl = ReturnType<typeof modelControl>;
