import { describe, expect, it } from "vitest";
import { englishVerbsIn, instancesOf, isEnglishLemma, relatedEnglishWords, subjectWeight } from "./wordnet";

const related = (word: string) => relatedEnglishWords(word).map((r) => r.word);

describe("relatedEnglishWords", () => {
  it("gives the synonyms of a word's main senses", () => {
    expect(related("kids")).toContain("child");
    expect(related("mend")).toEqual(expect.arrayContaining(["repair", "fix"]));
  });

  it("gives the word's forms in another part of speech, which a stemmer does not join", () => {
    // Snowball stems "delivery" to "deliveri" and "deliver" to "deliver": only the lexical link relates them.
    expect(related("delivery")).toContain("deliver");
    expect(related("deliver")).toContain("delivery");
    expect(related("rent")).toContain("rental");
    expect(related("payment")).toContain("pay");
  });

  it("leaves out the person who does it", () => {
    expect(related("rent")).not.toContain("renter");
    expect(related("buy")).not.toContain("buyer");
  });

  it("weighs each word by the sense it comes from, at most 0.6", () => {
    const weights = relatedEnglishWords("deliver").map((r) => r.weight);
    expect(Math.min(...weights)).toBeGreaterThan(0);
    expect(Math.max(...weights)).toBeLessThanOrEqual(0.6);
  });

  it("knows English lemmas, not made-up words nor misspelt inflections its rules would accept", () => {
    expect(isEnglishLemma("delivery")).toBe(true);
    expect(isEnglishLemma("qwzrt")).toBe(false);
    expect(isEnglishLemma("shiping")).toBe(false);
  });
});

describe("subjectWeight", () => {
  it("is 1 for a noun of few senses and for a word WordNet does not know, near 0 for other parts of speech", () => {
    expect(subjectWeight("scooters")).toBe(1);
    expect(subjectWeight("veneer")).toBeGreaterThan(0.6);
    expect(subjectWeight("hipaa")).toBe(1);
    expect(subjectWeight("instead")).toBe(0); // an adverb
    expect(subjectWeight("puffy")).toBe(0); // an adjective
    expect(subjectWeight("mend")).toBeLessThan(0.6); // mostly a verb
    expect(subjectWeight("set")).toBeLessThan(0.1); // a noun among many verb senses
  });

  it("reads an irregular form as its base form ('seen' is a form of see, 'feet' of foot)", () => {
    expect(subjectWeight("seen")).toBeLessThan(0.1);
    expect(subjectWeight("drove")).toBeLessThan(0.5); // drive, mostly a verb (a "drove" is also a herd)
    expect(subjectWeight("feet")).toBeLessThan(1); // foot, also a verb; unknown to WordNet as written
    expect(subjectWeight("feet")).toBeGreaterThan(0.3);
  });
});

describe("instancesOf", () => {
  it("names the instances WordNet gives of a noun's kind, directly or through its kinds", () => {
    expect(instancesOf("countries")).toEqual(expect.arrayContaining(["belgium", "norway", "japan"]));
    expect(instancesOf("rivers")).toContain("danube");
    expect(instancesOf("prices")).toEqual([]);
    expect(instancesOf("quickly")).toEqual([]);
  });
});

describe("englishVerbsIn", () => {
  it("finds the words a question uses as verbs, after an auxiliary and a pronoun or after 'how to'", () => {
    const words = (text: string) => [...englishVerbsIn(text.split(" "))];
    expect(words("can i store my kayak with you in winter")).toEqual(["store"]);
    expect(words("how to book a table")).toEqual(["book"]);
    expect(words("do you ship to france")).toEqual(["ship"]);
    // A noun after the pronoun, or a word with no verb sense, is none.
    expect(words("do you have a store in town")).toEqual(["have"]);
    expect(words("can you kindly help")).toEqual([]);
  });

  it("gives a verb only the synonyms of its verb senses ('store' as in keep, not a shop)", () => {
    expect(related("store")).toContain("shop");
    const asVerb = relatedEnglishWords("store", { verb: true }).map((r) => r.word);
    expect(asVerb).not.toContain("shop");
    expect(asVerb).toContain("storage");
  });
});
