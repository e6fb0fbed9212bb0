import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { knowledgeSources, type KnowledgeSource } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import { insertSource } from "@/db/queries/knowledge";
import { makeSharedStreamPdf } from "./fixtures/knowledge/make-pdf";
import { openTestDb } from "./db";

// `npm run worker` is a process of its own on a PostgreSQL database (the embedded one is single-process).
const postgres = Boolean(process.env.DATABASE_URL);

let h: DbHandle;
let workspaceId: string;
let botId: string;

beforeAll(async () => {
  if (!postgres) return;
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "worker@example.com",
    name: "W",
    passwordHash: "x",
    workspaceName: "Worker",
  });
  workspaceId = made!.workspace.id;
  botId = (await createBot(h.db, { workspaceId, name: "Worker bot", actorUserId: null })).id;
});
afterAll(async () => {
  await h?.close();
});

async function source(id: string): Promise<KnowledgeSource> {
  const [row] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
  return row!;
}

/** Polls the database until `done` holds (the worker is another process; there is nothing to await). */
async function until(done: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startWorker(env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "worker.ts"], {
    env: { ...process.env, DATABASE_URL: h.url, PARLEY_LOG: "silent", PARLEY_IMPORT_CONCURRENCY: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe.skipIf(!postgres)("npm run worker: the background work as its own process (issue 13)", () => {
  it(
    "imports queued sources, and on SIGTERM gives an import in progress back to the queue",
    { timeout: 180_000 },
    async () => {
      const worker = startWorker();
      let output = "";
      worker.stdout!.on("data", (d) => (output += d));
      worker.stderr!.on("data", (d) => (output += d));
      try {
        const text = await insertSource(h.db, {
          workspaceId,
          botId,
          kind: "text",
          title: "Hours",
          input: "We are open from nine to five.",
        });
        await until(async () => (await source(text.id)).status === "ready", "the text import");

        // A slow import (tens of seconds of parsing), stopped halfway by SIGTERM.
        const slow = await insertSource(h.db, {
          workspaceId,
          botId,
          kind: "file",
          title: "slow.pdf",
          fileName: "slow.pdf",
          fileData: Buffer.from(makeSharedStreamPdf({ pages: 200, streamBytes: 1e6 })),
          mimeType: "application/pdf",
        });
        await until(async () => (await source(slow.id)).status === "processing", "the slow import to start");
        worker.kill("SIGTERM");
        const [code] = await once(worker, "exit");
        expect(code, output).toBe(0);
        const row = await source(slow.id);
        expect(row.status).toBe("queued"); // back in the queue for another worker, lease released
        expect(row.attempts).toBe(0); // a shutdown is not counted as a failed attempt
        expect(row.lockedUntil === null || row.lockedUntil.getTime() <= Date.now() + 1000).toBe(true);
      } finally {
        if (worker.exitCode === null) worker.kill("SIGKILL");
      }
    },
  );

  it(
    "with PARLEY_WORKER_HEALTH_PORT it answers /healthz and /readyz (its loops, the database, the migrations)",
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const worker = startWorker({ PARLEY_WORKER_HEALTH_PORT: String(port) });
      let output = "";
      worker.stdout!.on("data", (d) => (output += d));
      worker.stderr!.on("data", (d) => (output += d));
      const get = (path: string) =>
        fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: await r.json() }));
      try {
        await until(async () => output.includes("worker is running"), "the worker to start");
        expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
        const ready = await get("/readyz");
        expect(ready.status, JSON.stringify(ready.body)).toBe(200);
        expect(ready.body.checks).toEqual({ server: "ok", database: "ok", migrations: "ok", background: "ok" });
        expect((await get("/metrics")).status).toBe(404);
      } finally {
        worker.kill("SIGTERM");
        const [code] = await once(worker, "exit");
        expect(code, output).toBe(0);
      }
    },
  );
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
