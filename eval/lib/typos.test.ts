import { describe, expect, it } from "vitest";
import { typoVariants } from "./typos";

describe("synthetic typos for the evaluation", () => {
  it("misspells one word of four letters or more, the same way on every run", () => {
    const question = "Which payment methods do you accept at the front desk?";
    const variants = typoVariants("shop-direct-01", question, 3);
    expect(variants).toHaveLength(3);
    expect(typoVariants("shop-direct-01", question, 3)).toEqual(variants);
    expect(new Set(variants.map((v) => v.question)).size).toBe(3);
    for (const v of variants) {
      expect(v.question).not.toBe(question);
      expect(v.from.length).toBeGreaterThanOrEqual(4);
      expect(v.to[0]).toBe(v.from[0]); // never the first letter
      expect(v.question).toBe(question.replace(v.from, v.to));
    }
    // Another question id, another draw.
    expect(typoVariants("shop-direct-02", question, 3)).not.toEqual(variants);
  });

  it("may drop every accent, and gives fewer variants when there is little to misspell", () => {
    const accented = Array.from({ length: 20 }, (_, i) => typoVariants(`hotel-${i}`, "Où est la réception ?", 2));
    expect(accented.some((vs) => vs.some((v) => v.edit === "accents" && v.question === "Ou est la reception ?"))).toBe(
      true,
    );
    expect(typoVariants("x", "Is it ok?", 2)).toEqual([]);
  });
});
