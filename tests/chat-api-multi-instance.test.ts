/**
 * Several app instances on one database hold the limits exactly (API.md "Limits by plan"): two
 * separate processes of the fixture API server share this file's Postgres database, and bursts
 * split across both admit exactly the rate limit and exactly the quota.
 *
 * Postgres only: PGlite is an embedded database that one process opens at a time, so there is no
 * way for two app instances to share it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { conversations } from "@/db/schema";
import { openTestDb, setDbClock } from "./db";
import { createTenant, postChat, usedThisMonth, type ApiReply, type Tenant } from "./fixtures/api-server";

const ROOT = path.resolve(import.meta.dirname, "..");
const LIMITS = {
  starter: { requestsPerMinute: 10, messagesPerMonth: 1_000_000 },
  core: { requestsPerMinute: 100_000, messagesPerMonth: 100 },
};

type Instance = { url: string; child: ChildProcess };

/** `tsx tests/fixtures/api-server.ts --port 0` on the given database; resolves once it prints its ready line. */
function startInstance(databaseUrl: string): Promise<Instance> {
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["tests/fixtures/api-server.ts", "--port", "0"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: "5",
      PARLEY_PLAN_LIMITS: JSON.stringify(LIMITS),
      PARLEY_LOG: "silent",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`api-server did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /api-server ready (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ url: ready[1]!, child });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`api-server exited with ${code} before it was ready:\n${output}`));
    });
  });
}

function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    instance.child.once("exit", () => resolve());
    instance.child.kill("SIGTERM");
  });
}

describe.skipIf(!process.env.DATABASE_URL)(
  "two app instances on one Postgres database (skipped without DATABASE_URL: PGlite cannot be shared by two processes)",
  () => {
    let h: DbHandle;
    let instances: Instance[] = [];

    beforeAll(async () => {
      h = await openTestDb();
      instances = await Promise.all([startInstance(h.url!), startInstance(h.url!)]);
    });
    afterAll(async () => {
      await Promise.all(instances.map(stopInstance));
      await h?.close();
    });

    /** n concurrent requests, alternating between the instances. */
    async function splitBurst(t: Tenant, n: number): Promise<ApiReply[]> {
      return Promise.all(
        Array.from({ length: n }, (_, i) =>
          postChat(instances[i % instances.length]!.url, t.integrationId, t.apiKey, { message: `Hello ${i}` }),
        ),
      );
    }
    const count = (rs: ApiReply[], code: number | string) =>
      rs.filter((r) => (r.status === 200 ? 200 : r.body?.error?.code) === code).length;

    it("both instances serve the same database", async () => {
      const t = await createTenant(h.db, { plan: "core", knowledge: false });
      const [a, b] = await Promise.all(
        instances.map((i) => postChat(i.url, t.integrationId, t.apiKey, { message: "hi" })),
      );
      expect([a!.status, b!.status]).toEqual([200, 200]);
      const resumed = await postChat(instances[1]!.url, t.integrationId, t.apiKey, {
        message: "again",
        conversation_id: a!.body.conversation_id,
      });
      expect(resumed.body.conversation_id).toBe(a!.body.conversation_id);
    });

    it("200 concurrent requests split across both against a limit of 10 admit exactly 10", async () => {
      await setDbClock(h, new Date("2027-03-10T12:00:00.000Z"));
      try {
        const t = await createTenant(h.db, { plan: "starter", knowledge: false });
        const rs = await splitBurst(t, 200);
        expect(count(rs, 200)).toBe(10);
        expect(count(rs, "rate_limited")).toBe(190);
        expect(await usedThisMonth(h.db, t.workspaceId)).toBe(10);
        expect(await h.db.$count(conversations, eq(conversations.integrationId, t.integrationId))).toBe(10);
      } finally {
        await setDbClock(h, null);
      }
    });

    it("a quota of 100 with 300 concurrent requests split across both admits exactly 100", async () => {
      const t = await createTenant(h.db, { plan: "core", knowledge: false });
      const rs = await splitBurst(t, 300);
      expect(count(rs, 200)).toBe(100);
      expect(count(rs, "quota_exceeded")).toBe(200);
      expect(await usedThisMonth(h.db, t.workspaceId)).toBe(100);
      expect(await h.db.$count(conversations, eq(conversations.integrationId, t.integrationId))).toBe(100);
    });
  },
);
