import { describe, expect, it } from "vitest";
import { memoize } from "./memo";

describe("memoize", () => {
  it("computes each key once, undefined results included", () => {
    let calls = 0;
    const f = memoize((key: string) => {
      calls++;
      return key === "none" ? undefined : key.length;
    });
    expect([f("abc"), f("abc"), f("none"), f("none")]).toEqual([3, 3, undefined, undefined]);
    expect(calls).toBe(2);
  });

  it("starts over past its bound, so distinct keys cannot grow it without limit", () => {
    let calls = 0;
    const f = memoize((key: string) => {
      calls++;
      return key;
    }, 2);
    f("a");
    f("b");
    f("c"); // full: forgets a and b
    f("a");
    expect(calls).toBe(4);
    f("a");
    expect(calls).toBe(4);
  });
});
