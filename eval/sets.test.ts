/**
 * Every evaluation set is well formed (eval/lib/sets.ts problemsOf): enough questions of each
 * category, halves balanced, every evidence phrase present in the business's own pages, follow-ups
 * with their earlier turns, yes/no questions with the expected answer. Also checks the scoring rules
 * on hand-made replies. Does not run the evaluation (that is `npm run eval`).
 */
import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  holds,
  isHonestAbstention,
  loadBusinesses,
  problemsOf,
  scoreReply,
  startsWithYesNo,
} from "./lib/sets";

const businesses = loadBusinesses();

describe("evaluation sets", () => {
  it("cover at least four businesses, one not in English", () => {
    expect(businesses.length).toBeGreaterThanOrEqual(4);
    expect(businesses.some((b) => b.language !== "en")).toBe(true);
  });

  for (const b of businesses) {
    it(`${b.name}: is well formed`, () => {
      expect(problemsOf(b)).toEqual([]);
      for (const c of CATEGORIES) {
        expect(b.halves.tune.filter((q) => q.category === c).length, `${c} in tune`).toBeGreaterThanOrEqual(3);
        expect(b.halves.heldout.filter((q) => q.category === c).length, `${c} in heldout`).toBeGreaterThanOrEqual(3);
      }
    });
  }

  it("reports a missing evidence phrase, a follow-up without history and unbalanced halves", () => {
    const b = businesses[0]!;
    const broken = {
      ...b,
      halves: {
        tune: [
          ...b.halves.tune,
          {
            id: "x-1",
            category: "direct" as const,
            question: "?",
            evidence: "no such phrase anywhere",
            answer_includes: ["a"],
          },
          {
            id: "x-2",
            category: "followup" as const,
            question: "And then?",
            evidence: b.halves.tune[0]!.evidence,
            yes_no: "yes" as const,
          },
          {
            id: "x-3",
            category: "list" as const,
            question: "?",
            evidence: b.halves.tune[0]!.evidence,
            answer_includes: ["a"],
          },
          {
            id: "x-4",
            category: "list" as const,
            question: "?",
            evidence: b.halves.tune[0]!.evidence,
            answer_includes: ["a"],
          },
        ],
        heldout: b.halves.heldout,
      },
    };
    const problems = problemsOf(broken).join("\n");
    expect(problems).toMatch(/x-1: evidence "no such phrase anywhere" is not in the knowledge files/);
    expect(problems).toMatch(/x-2: a follow-up needs history/);
    expect(problems).toMatch(/list: halves unbalanced/);
  });
});

describe("scoring", () => {
  const en = businesses.find((b) => b.language === "en")!;
  const es = businesses.find((b) => b.language === "es")!;

  it("matches case-, accent- and markdown-insensitively, with alternatives", () => {
    expect(holds("Open from 9am to 5pm", "9:00|9am")).toBe(true);
    expect(holds("La FIDEUÀ lleva trigo", "fideua")).toBe(true);
    expect(holds("| Team | $49 per month |", "team $49 per month")).toBe(true);
    expect(holds("Open from 10am", "9:00|9am")).toBe(false);
  });

  it("reads yes and no in English and Spanish", () => {
    expect(startsWithYesNo("Yes, a helmet is included.")).toBe("yes");
    expect(startsWithYesNo("Sí, aceptamos Bizum.")).toBe("yes");
    expect(startsWithYesNo("¡No! Los lunes cerramos.")).toBe("no");
    expect(startsWithYesNo("Nobody knows.")).toBe(null);
    expect(startsWithYesNo("A helmet is included.")).toBe(null);
  });

  it("counts the fallback or an offer of a person as honest, unless a fact comes with it", () => {
    expect(isHonestAbstention(en.fallback_message, en)).toBe(true);
    expect(isHonestAbstention(`${es.fallback_message}\n\n${es.offer_message}`, es)).toBe(true);
    expect(isHonestAbstention(`Thanks, Ada! ${en.offer_message}`, en)).toBe(true);
    expect(isHonestAbstention(`${en.fallback_message} We are open Monday to Friday from 8:00 to 19:00.`, en)).toBe(
      false,
    );
    expect(isHonestAbstention("We are open Monday to Friday.", en)).toBe(false);
  });

  it("fails a reply that misses an item, names an excluded fact or starts with the wrong answer", () => {
    const q = {
      id: "t",
      category: "list" as const,
      question: "?",
      answer_includes: ["Visa", "PayPal|Pay Pal"],
      answer_excludes: ["€60"],
    };
    expect(scoreReply(q, "We take Visa and PayPal.", en).pass).toBe(true);
    expect(scoreReply(q, "We take Visa.", en).reasons).toEqual(["missing: PayPal|Pay Pal"]);
    expect(scoreReply(q, "Visa, PayPal, and a week costs €60.", en).reasons).toEqual(["should not say: €60"]);
    const yn = { id: "y", category: "yesno" as const, question: "?", yes_no: "no" as const };
    expect(scoreReply(yn, "No, we are closed on Sundays.", en).pass).toBe(true);
    expect(scoreReply(yn, "We are closed on Sundays.", en).pass).toBe(false);
  });
});
