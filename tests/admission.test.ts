/**
 * admitRequest straight, without HTTP: requests of one integration that arrive while its previous
 * admit_requests call is in flight go together as the next call, and the limits stay exact: the
 * rate limit lets through exactly what fits, in order, the quota takes what it has left, and
 * every request gets its own numbers (remaining, used) as if it had been admitted alone.
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { admitRequest, type Admission } from "@/lib/admission";
import { openTestDb, setDbClock } from "./db";
import { usedThisMonth } from "./fixtures/api-server";
import { groupedCounter } from "./fixtures/grouped-count";

const admissionStats = groupedCounter("admission");

let h: DbHandle;

beforeAll(async () => {
  h = await openTestDb();
});
afterEach(async () => {
  await setDbClock(h, null);
});
afterAll(async () => {
  await h.close();
});

async function workspace(): Promise<string> {
  const made = await createUserWithWorkspace(h.db, {
    email: `adm-${randomBytes(5).toString("hex")}@example.com`,
    name: "A",
    passwordHash: "x",
    workspaceName: "Admission",
  });
  return made!.workspace.id;
}

const T0 = new Date("2027-05-10T12:00:00.000Z");

function burst(n: number, args: Parameters<typeof admitRequest>[1]): Promise<Admission[]> {
  return Promise.all(Array.from({ length: n }, () => admitRequest(h.db, args)));
}

describe("admission: batched, exact", () => {
  it("60 simultaneous requests against 10 a minute: exactly 10 pass, in order, in fewer calls than requests", async () => {
    await setDbClock(h, T0);
    const workspaceId = await workspace();
    const calls = admissionStats.statements;
    const results = await burst(60, {
      rateKey: "adm:burst",
      requestsPerMinute: 10,
      workspaceId,
      messagesPerMonth: 1_000_000,
    });
    expect(admissionStats.statements - calls).toBeLessThan(60);
    const passed = results.filter((r) => r.rate.allowed);
    expect(passed).toHaveLength(10);
    // The first ten to arrive pass, each with the remaining count it would have seen alone.
    expect(results.slice(0, 10).every((r) => r.rate.allowed)).toBe(true);
    expect(passed.map((r) => r.rate.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(passed.map((r) => r.quota?.allowed)).toEqual(Array(10).fill(true));
    expect(passed.map((r) => (r.quota?.allowed ? r.quota.used : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const refused = results.filter((r) => !r.rate.allowed);
    expect(
      refused.every(
        (r) =>
          r.quota === null && r.rate.remaining === 0 && r.rate.retryAfterSeconds === 6 && r.rate.resetSeconds === 60,
      ),
    ).toBe(true);
    expect(await usedThisMonth(h.db, workspaceId)).toBe(10);

    // One emission interval later, one more; a lone request is sent at once, in a call of its own.
    await setDbClock(h, new Date(T0.getTime() + 6_000));
    const before = admissionStats.statements;
    const [one] = await burst(1, {
      rateKey: "adm:burst",
      requestsPerMinute: 10,
      workspaceId,
      messagesPerMonth: 1_000_000,
    });
    expect(admissionStats.statements - before).toBe(1);
    expect(one!.rate).toMatchObject({ allowed: true, remaining: 0 });
    const [late] = await burst(1, {
      rateKey: "adm:burst",
      requestsPerMinute: 10,
      workspaceId,
      messagesPerMonth: 1_000_000,
    });
    expect(late!.rate).toMatchObject({ allowed: false, retryAfterSeconds: 6 });
  });

  it("the quota takes what it has left of the requests the rate limit let through; the rest are quota refusals", async () => {
    await setDbClock(h, T0);
    const workspaceId = await workspace();
    const results = await burst(40, { rateKey: "adm:quota", requestsPerMinute: 25, workspaceId, messagesPerMonth: 7 });
    const rateOk = results.filter((r) => r.rate.allowed);
    expect(rateOk).toHaveLength(25);
    const quotaOk = rateOk.filter((r) => r.quota?.allowed);
    expect(quotaOk.map((r) => (r.quota?.allowed ? r.quota.used : 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const quotaRefused = rateOk.filter((r) => r.quota && !r.quota.allowed);
    expect(quotaRefused).toHaveLength(18);
    // Retry-After runs to 00:00 UTC on the 1st of the next month.
    const toJune = (Date.parse("2027-06-01T00:00:00Z") - T0.getTime()) / 1000;
    expect(
      quotaRefused.every(
        (r) => !r.quota!.allowed && r.quota!.retryAfterSeconds === toJune && r.quota!.month === "2027-05-01",
      ),
    ).toBe(true);
    // Rate-limited requests spend no quota.
    expect(results.filter((r) => !r.rate.allowed).every((r) => r.quota === null)).toBe(true);
    expect(await usedThisMonth(h.db, workspaceId)).toBe(7);
  });

  it("keys do not share a call's limits, and a workspace's quota is shared across its keys", async () => {
    await setDbClock(h, T0);
    const workspaceId = await workspace();
    const [a, b] = await Promise.all([
      burst(30, { rateKey: "adm:a", requestsPerMinute: 10, workspaceId, messagesPerMonth: 15 }),
      burst(30, { rateKey: "adm:b", requestsPerMinute: 10, workspaceId, messagesPerMonth: 15 }),
    ]);
    expect(a!.filter((r) => r.rate.allowed)).toHaveLength(10);
    expect(b!.filter((r) => r.rate.allowed)).toHaveLength(10);
    const granted = [...a!, ...b!].filter((r) => r.quota?.allowed).length;
    expect(granted).toBe(15);
    expect(await usedThisMonth(h.db, workspaceId)).toBe(15);
  });

  it("a failed call fails every request it carried, and the next requests are admitted normally", async () => {
    const missing = `ws_${randomBytes(8).toString("hex")}`; // usage has a foreign key to workspaces
    const failed = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        admitRequest(h.db, {
          rateKey: "adm:fail",
          requestsPerMinute: 100,
          workspaceId: missing,
          messagesPerMonth: 100,
        }),
      ),
    );
    expect(failed.every((r) => r.status === "rejected")).toBe(true);
    const workspaceId = await workspace();
    const ok = await burst(5, { rateKey: "adm:fail", requestsPerMinute: 100, workspaceId, messagesPerMonth: 100 });
    expect(ok.every((r) => r.rate.allowed && r.quota?.allowed)).toBe(true);
    expect(await usedThisMonth(h.db, workspaceId)).toBe(5);
  });
});
