import { describe, expect, it } from "vitest";
import { startPollingWorker, wakeWorker } from "./polling-worker";

describe("startPollingWorker", () => {
  it("works while there is work, sleeps, wakes on demand, and stops", async () => {
    const key = Symbol("test.worker");
    const queue = [true, true, false];
    let calls = 0;
    let idle: () => void = () => {};
    const step = async () => {
      calls++;
      const more = queue.shift() ?? false;
      if (!more) idle();
      return more;
    };
    let wentIdle = new Promise<void>((r) => (idle = r));
    const stop = startPollingWorker({ name: "test", wakeKey: key, pollMs: 3_600_000, step });
    await wentIdle;
    expect(calls).toBe(3); // two with work, one that found none; then it sleeps (an hour)

    queue.push(true, false);
    wentIdle = new Promise<void>((r) => (idle = r));
    wakeWorker(key);
    await wentIdle;
    expect(calls).toBe(5);

    stop();
    wakeWorker(key); // nothing registered any more
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(5);
  });
});
