import { describe, expect, it } from "vitest";
import {
  chooseFix,
  chooseSubstitution,
  dictionaryFix,
  editDistance,
  functionWordFix,
  isNeighbourSlip,
  soundAlikes,
  substitutions,
  trigramSimilarity,
} from "./retrieve-typos";
import { isSubsequence } from "@/lib/engine/text";

describe("typo fixes for question words", () => {
  it("reads a function word with a letter left out as that word", () => {
    expect(functionWordFix("wher", "en")?.word).toBe("where");
    expect(functionWordFix("mch", "en")?.word).toBe("much");
    expect(functionWordFix("whch", "en")?.word).toBe("which");
    expect(functionWordFix("cuanot", "es")?.word).toBe("cuanto"); // two letters swapped: one slip
    expect(functionWordFix("cunaot", "es")).toBeUndefined(); // two slips
  });

  it("reads a typo of a word that asks for a kind of value as that word, though no page may use it", () => {
    expect(functionWordFix("horaro", "es")?.word).toBe("horario"); // the engine reads it as asking for a time
    expect(functionWordFix("pirce", "en")?.word).toBe("price"); // two letters swapped
    expect(functionWordFix("pirec", "en")).toBeUndefined(); // two slips
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
    // German without umlauts or ß, as its own rule for such keyboards writes it.
    expect(soundAlikes("gebuehr", "de")).toContain("gebühr");
    expect(soundAlikes("strasse", "de")).toContain("straße");
    expect(soundAlikes("moebel", "de")).toContain("möbel");
    // English spells by neither rule; German's h is said.
    expect(soundAlikes("our", "en")).toEqual([]);
    expect(soundAlikes("aus", "de")).not.toContain("haus");
    expect(soundAlikes("ora", "es")).not.toContain("ora");
  });

  it("counts two neighbouring letters swapped as one edit", () => {
    expect(editDistance("form", "from")).toBe(1);
    expect(editDistance("form", "farm")).toBe(1);
    expect(editDistance("abcd", "badc")).toBe(2);
    expect(editDistance("lamp", "lamp")).toBe(0);
    expect(editDistance("lamp", "lamps")).toBe(1);
  });

  it("knows which keys are neighbours on the language's keyboard", () => {
    expect(isNeighbourSlip("lqmp", "lamp", "en")).toBe(true); // q is beside a
    expect(isNeighbourSlip("lpmp", "lamp", "en")).toBe(false); // p is far from a
    expect(isNeighbourSlip("lamp", "lamps", "en")).toBe(false);
    // German types on QWERTZ (z beside t and u), French on AZERTY (q beside s).
    expect(isNeighbourSlip("kazte", "katze", "de")).toBe(false); // two letters differ
    expect(isNeighbourSlip("katue", "katze", "de")).toBe(true);
    expect(isNeighbourSlip("katue", "katze", "en")).toBe(false);
    expect(isNeighbourSlip("qalle", "salle", "fr")).toBe(true);
    expect(isNeighbourSlip("qalle", "salle", "en")).toBe(false);
  });

  it("spells a short word's one-letter substitutions after the first, and picks the one a finger slip explains", () => {
    const options = substitutions("lqmp", "en");
    expect(options).toContain("lamp");
    expect(options).not.toContain("xqmp"); // never the first letter
    expect(substitutions("lq", "en")).toEqual([]);
    expect(substitutions("lqmpshade", "en")).toEqual([]); // long words are the similarity search's
    expect(chooseSubstitution("lqmp", ["lamp", "limp"], "en")).toBe("lamp"); // q is beside a, not i
    expect(chooseSubstitution("lemp", ["lamp", "limp"], "en")).toBeUndefined(); // neither explains it
    expect(chooseSubstitution("lemp", ["lamp"], "en")).toBe("lamp"); // the only one
    expect(chooseSubstitution("lemp", ["lamp"], "en", { neighboursOnly: true })).toBeUndefined();
  });

  it("finds the word of the language one slip away, the likeliest slip first, and no guess between two", () => {
    const words = new Set(["massage", "massages", "carpet", "carpets", "garden", "harden", "warden", "bottle"]);
    const isWord = (w: string) => words.has(w);
    expect(dictionaryFix("massgae", isWord, "en")).toBe("massage"); // two letters swapped
    expect(dictionaryFix("carpey", isWord, "en")).toBe("carpet"); // y is beside t
    expect(dictionaryFix("bottlle", isWord, "en")).toBe("bottle"); // a letter typed twice
    expect(dictionaryFix("botle", isWord, "en")).toBe("bottle"); // a letter left out
    expect(dictionaryFix("gzrden", isWord, "en")).toBe("garden"); // z is beside a
    expect(dictionaryFix("xarden", isWord, "en")).toBeUndefined(); // never the first letter
    // Any other letter, when no likelier slip explains it: the one word, or no guess between two.
    const some =
      (...list: string[]) =>
      (w: string) =>
        list.includes(w);
    expect(dictionaryFix("parden", some("pardon", "garden"), "en")).toBe("pardon");
    expect(dictionaryFix("hirden", some("harden", "herden"), "en")).toBeUndefined();
    expect(dictionaryFix("lemp", some("lamp"), "en")).toBeUndefined(); // from five letters
  });
});
