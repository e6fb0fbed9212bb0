import { describe, expect, it } from "vitest";
import { groupedCounter } from "@/tests/fixtures/grouped-count";
import { grouped, type GroupOutcome } from "./grouped";

/** A statement that takes as long as the test says: each call of run is recorded with its items. */
function recorder<T>(name = "recorder") {
  const runs: T[][] = [];
  const release: (() => void)[] = [];
  const g = grouped<object, T, T>({
    name,
    max: 3,
    run: (_db, items) => {
      runs.push(items);
      return new Promise<GroupOutcome<T>[]>((resolve) =>
        release.push(() => resolve(items.map((value) => ({ value })))),
      );
    },
  });
  return { g, runs, release: () => release.shift()!() };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("grouped", () => {
  it("sends a lone call at once; calls made meanwhile go together next, at most max a statement, in order", async () => {
    const db = {};
    const { g, runs, release } = recorder<number>("in-order");
    const stats = groupedCounter("in-order");
    const first = g.call(db, 1);
    expect(runs).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((n) => g.call(db, n));
    expect(runs).toHaveLength(1); // waiting for the call in flight
    release();
    expect(await first).toBe(1);
    await tick();
    expect(runs).toEqual([[1], [2, 3, 4]]);
    release();
    await tick();
    expect(runs).toEqual([[1], [2, 3, 4], [5]]);
    release();
    expect(await Promise.all(rest)).toEqual([2, 3, 4, 5]);
    expect(stats).toEqual({ statements: 3, calls: 5, retries: 0 });
    // Idle again: the next call goes at once.
    void g.call(db, 6);
    expect(runs.at(-1)).toEqual([6]);
    release();
  });

  it("keeps lanes and database handles apart", async () => {
    const { g, runs, release } = recorder<string>();
    const a = {};
    const b = {};
    const calls = [g.call(a, "a1", "x"), g.call(a, "a2", "y"), g.call(b, "b1", "x")];
    expect(runs).toEqual([["a1"], ["a2"], ["b1"]]);
    release();
    release();
    release();
    expect(await Promise.all(calls)).toEqual(["a1", "a2", "b1"]);
  });

  it("a failed statement fails its own calls only; an outcome's error fails that call alone", async () => {
    const db = {};
    let n = 0;
    const g = grouped<object, number, number>({
      name: "failing",
      max: 10,
      run: async (_db, items) => {
        n++;
        if (items.includes(13)) throw new Error("bad batch");
        return items.map((value) => (value < 0 ? { error: new Error(`negative ${value}`) } : { value: value * 2 }));
      },
    });
    const results = await Promise.allSettled([g.call(db, 1), g.call(db, 13), g.call(db, -1), g.call(db, 4)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      2,
      "bad batch",
      "bad batch",
      "bad batch",
    ]);
    expect(await Promise.all([g.call(db, 5), g.call(db, 6)])).toEqual([10, 12]);
    await expect(g.call(db, -2)).rejects.toThrow("negative -2");
    expect(n).toBe(5);
  });

  it("with retryAlone, a failed statement's calls run again one by one, so a bad call fails alone", async () => {
    const db = {};
    const runs: number[][] = [];
    const stats = groupedCounter("retrying");
    const g = grouped<object, number, number>({
      name: "retrying",
      max: 10,
      retryAlone: true,
      run: async (_db, items) => {
        runs.push(items);
        if (items.includes(13)) throw new Error("bad 13");
        return items.map((value) => ({ value: value * 2 }));
      },
    });
    const results = await Promise.allSettled([g.call(db, 1), g.call(db, 2), g.call(db, 13), g.call(db, 4)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      2,
      4,
      "bad 13",
      8,
    ]);
    expect(runs).toEqual([[1], [2, 13, 4], [2], [13], [4]]);
    expect(stats).toEqual({ statements: 2, calls: 4, retries: 1 });
  });
});
