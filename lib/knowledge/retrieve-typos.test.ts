import { describe, expect, it } from "vitest";
import { chooseFix, functionWordFix, isSubsequence, soundAlikes, trigramSimilarity } from "./retrieve-typos";

describe("typo fixes for question words", () => {
  it("reads a function word with a letter left out as that word", () => {
    expect(functionWordFix("wher", "en")?.word).toBe("where");
    expect(functionWordFix("mch", "en")?.word).toBe("much");
    expect(functionWordFix("whch", "en")?.word).toBe("which");
    expect(functionWordFix("cuanot", "es")).toBeUndefined(); // two edits from "cuanto"
  });

  it("reads a typo of a word that asks for a kind of value as that word, though no page may use it", () => {
    expect(functionWordFix("horaro", "es")?.word).toBe("horario"); // the engine reads it as asking for a time
    expect(functionWordFix("pirce", "en")).toBeUndefined(); // two edits: a swap is retrieval's own rule
    expect(functionWordFix("prics", "en")?.word).toBe("prices"); // a letter left out of "prices"
    expect(functionWordFix("horario", "es")).toBeUndefined();
  });

  it("reads two letters as the one three-letter function word they drop a letter of ('hw much')", () => {
    expect(functionWordFix("hw", "en")?.word).toBe("how"); // so that "hw much" asks for an amount
    expect(functionWordFix("nd", "en")?.word).toBe("and");
    expect(functionWordFix("tv", "en")).toBeUndefined(); // no function word it could stand for
    expect(functionWordFix("ok", "en")).toBeUndefined(); // a function word itself
  });

  it("leaves function words, and words too short to tell, alone", () => {
    expect(functionWordFix("where", "en")).toBeUndefined();
    expect(functionWordFix("teneis", "es")).toBeUndefined(); // "tenéis" without its accent
    expect(functionWordFix("xy", "en")).toBeUndefined();
    expect(functionWordFix("h", "en")).toBeUndefined();
    // Three letters: only a dropped letter counts ("gas" is not a typo of "has").
    expect(functionWordFix("gas", "en")).toBeUndefined();
  });

  it("prefers the candidate the typed word is a subsequence of, then fewer edits", () => {
    // "wher": the vocabulary offers "when" (one substitution); the language offers "where" (one letter left out).
    expect(chooseFix("wher", { word: "when", edits: 1, similarity: 0.43 }, "en")).toBe("where");
    // A vocabulary word one edit away beats a function word that is not.
    expect(chooseFix("pannier", { word: "panniers", edits: 1, similarity: 0.7 }, "en")).toBe("panniers");
    expect(chooseFix("zzzz", null, "en")).toBeUndefined();
  });

  it("measures like pg_trgm and knows a subsequence", () => {
    expect(trigramSimilarity("where", "where")).toBe(1);
    expect(trigramSimilarity("wher", "where")).toBeGreaterThan(trigramSimilarity("wher", "when"));
    expect(isSubsequence("opng", "opening")).toBe(true);
    expect(isSubsequence("oepn", "open")).toBe(false);
  });

  it("spells a word typed by ear the ways that sound the same in its language, and puts back one accent", () => {
    expect(soundAlikes("ora", "es")).toContain("hora");
    expect(soundAlikes("beganas", "es")).toContain("veganas");
    expect(soundAlikes("serca", "es")).toContain("cerca");
    expect(soundAlikes("kasa", "es")).toContain("casa");
    expect(soundAlikes("yave", "es")).toContain("llave");
    expect(soundAlikes("cerrais", "es")).toContain("cerráis");
    expect(soundAlikes("otel", "fr")).toContain("hotel");
    expect(soundAlikes("ecole", "fr")).toContain("école");
    expect(soundAlikes("gebuhr", "de")).toContain("gebühr");
    // English spells by neither rule; German's h is said.
    expect(soundAlikes("our", "en")).toEqual([]);
    expect(soundAlikes("aus", "de")).not.toContain("haus");
    expect(soundAlikes("ora", "es")).not.toContain("ora");
  });
});
