import { spawn, execFile, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDb } from "@/db";
import { bots } from "@/db/schema";
import { startOpenAiServer, type OpenAiServer } from "./fixtures/openai-server";

/**
 * The production bundle the Dockerfile copies (`npm run bundle` after `next build`), run as the image
 * would run it: copied to a clean directory outside the project (so nothing resolves from the
 * project's node_modules), started with `node server.mjs` on an empty embedded database. It migrates,
 * is live and ready, answers a Chat API call, refuses TRACE with the JSON 405, serves /metrics, and on
 * SIGTERM stops accepting, finishes a streamed reply in progress and exits 0. CI runs it after the
 * browser tests' build: `npm run bundle && PARLEY_BUNDLE_DIR=.bundle npx vitest run tests/deploy-bundle.test.ts`;
 * without PARLEY_BUNDLE_DIR it is skipped.
 */

const bundle = process.env.PARLEY_BUNDLE_DIR ? path.resolve(process.env.PARLEY_BUNDLE_DIR) : "";
const TOKEN = "bundle-metrics-token-0123456789";

let dir: string;
let model: OpenAiServer;
let port: number;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
}

function env(): NodeJS.ProcessEnv {
  // Only what an operator would set: not the test runner's own settings.
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    PGLITE_DATA_DIR: path.join(dir, "data", "pglite"),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: "bundle-test-secret-not-for-production-0123456789",
    METRICS_TOKEN: TOKEN,
    LLM_BASE_URL: model.url,
    LLM_MODEL: "test-model",
    PARLEY_SHUTDOWN_MS: "20000",
    PARLEY_LOG: "silent",
  };
}

type Server = { child: ChildProcess; output: () => string };

/** The end of a process's output, for a failure's message. */
const tail = (text: string) => text.slice(-3000);

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ["server.mjs"], { cwd: dir, env: env(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const end = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bundle's server exited (${child.exitCode}):\n${tail(output)}`);
    if (Date.now() > end) throw new Error(`the bundle's server did not start:\n${tail(output)}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, output: () => tail(output) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(server: Server): Promise<number | null> {
  server.child.kill("SIGTERM");
  const [code] = await once(server.child, "exit");
  return code as number | null;
}

beforeAll(async () => {
  if (!bundle) return;
  model = await startOpenAiServer();
  port = await freePort();
  dir = mkdtempSync(path.join(tmpdir(), "parley-bundle-"));
  cpSync(bundle, dir, { recursive: true });
});

afterAll(async () => {
  await model?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!bundle)("the production bundle (Dockerfile), started from a clean directory", () => {
  it("has no project files to lean on", () => {
    expect(existsSync(path.join(dir, "server.mjs"))).toBe(true);
    expect(existsSync(path.join(dir, "node_modules", "next"))).toBe(true);
    for (const absent of ["server.ts", "lib", "app", "tsconfig.json", "node_modules/tsx", "node_modules/drizzle-orm"])
      expect(existsSync(path.join(dir, absent)), absent).toBe(false);
  });

  it(
    "migrates an empty embedded database, is live and ready, and exits 0 on SIGTERM",
    { timeout: 180_000 },
    async () => {
      const server = await startServer();
      try {
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status, server.output()).toBe(200);
        expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: "ok", migrations: "ok" } });
      } finally {
        expect(await stop(server), server.output()).toBe(0);
      }
    },
  );

  it(
    "answers the Chat API, refuses TRACE with the JSON 405, counts for /metrics, and drains a stream on SIGTERM",
    { timeout: 240_000 },
    async () => {
      const seeded = await promisify(execFile)(process.execPath, ["seed.mjs", "--json"], { cwd: dir, env: env() });
      const demo = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as {
        apiKey: string;
        endpoint: string;
        botId: string;
      };
      expect(demo.apiKey).toMatch(/^sk-parley_/);

      // The demo bot on the model engine (the test server), for a reply slow enough to be in progress at SIGTERM.
      const handle = await openDb({ dataDir: env().PGLITE_DATA_DIR });
      const [slow] = await handle.db.update(bots).set({ engine: "llm" }).where(eq(bots.id, demo.botId)).returning();
      await handle.close();
      expect(slow?.engine).toBe("llm");

      const server = await startServer();
      let exited: Promise<number | null> | undefined;
      try {
        const post = (body: unknown) =>
          fetch(demo.endpoint, {
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": demo.apiKey },
            body: JSON.stringify(body),
          });
        const reply = await post({ message: "What are your opening hours?", user_id: "bundle-test" });
        expect(reply.status, server.output()).toBe(200);
        expect((await reply.json()).reply).toContain("Echo: What are your opening hours?");

        const trace = await fetch(demo.endpoint, { method: "TRACE" }).catch(() => null);
        // fetch refuses to send TRACE; node:http does not.
        const traced = trace ?? (await rawTrace(new URL(demo.endpoint).pathname));
        expect(traced.status).toBe(405);
        expect(traced.headers.get("x-request-id")).toMatch(/^req_/);
        expect(await traced.json()).toMatchObject({ error: { code: "method_not_allowed" } });

        const scraped = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(scraped.status).toBe(200);
        const text = await scraped.text();
        expect(text).toMatch(/parley_chat_requests_total\{channel="api",route="chat",status="200",code=""\} 1/);
        expect(text).toMatch(/parley_http_requests_total\{route="\/chat\/custom\/:id",method="POST",status="200"\} 1/);

        // A streamed reply in progress when SIGTERM comes is finished; new connections are refused.
        model.setMode("slow");
        model.setDelayMs(3000);
        const stream = await post({ message: "Tell me about your plans", stream: true });
        expect(stream.status).toBe(200);
        const reader = stream.body!.getReader();
        const decoder = new TextDecoder();
        let events = "";
        while (!events.includes("event: start")) events += decoder.decode((await reader.read()).value);
        server.child.kill("SIGTERM");
        exited = once(server.child, "exit").then(([code]) => code as number | null);
        await expect
          .poll(
            () =>
              fetch(`http://127.0.0.1:${port}/healthz`).then(
                () => "served",
                () => "refused",
              ),
            { timeout: 10_000 },
          )
          .toBe("refused");
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          events += decoder.decode(value);
        }
        expect(events).toContain("event: end");
        expect(events).toContain("Echo: Tell me about your plans");
        expect(await exited, server.output()).toBe(0);
      } finally {
        model.setMode("ok");
        if (server.child.exitCode === null && !exited) await stop(server);
      }
    },
  );
});

/** TRACE through node:http (fetch will not send it). */
function rawTrace(pathname: string): Promise<Response> {
  return import("node:http").then(
    ({ request }) =>
      new Promise<Response>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: pathname, method: "TRACE" }, (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("end", () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
            resolve(new Response(Buffer.concat(parts), { status: res.statusCode, headers }));
          });
        });
        req.on("error", reject);
        req.end();
      }),
  );
}
