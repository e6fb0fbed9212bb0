import { describe, expect, it } from "vitest";
import { lexiconFor, parseHunspell } from "./lexicon";
import { isDerivedAdverb } from "./retrieve";

const encode = (text: string) => new TextEncoder().encode(text);

describe("a Hunspell lexicon", () => {
  // A dictionary of two entries and one suffix class, in Hunspell's own format.
  const lexicon = parseHunspell({
    aff: encode("SET UTF-8\nSFX V Y 3\nSFX V ar amos ar\nSFX V ar an ar\nSFX V ar o ar\n"),
    dic: encode("2\nhablar/V\ncasa\n"),
  });

  it("knows a word by undoing a suffix rule", () => {
    expect(lexicon.has("hablamos")).toBe(true);
    expect(lexicon.has("casa")).toBe(true);
    expect(lexicon.has("hablxx")).toBe(false);
  });

  it("gives the other forms of the word's entry, not the word itself", () => {
    expect(lexicon.forms("hablamos").sort()).toEqual(["hablan", "hablar", "hablo"].sort());
    expect(lexicon.forms("casa")).toEqual([]);
    expect(lexicon.forms("hablxx")).toEqual([]);
    expect(lexicon.forms("hablamos", 2)).toHaveLength(2);
  });

  it("knows a word one of whose entries is only a part of compounds, by its other entry", () => {
    const two = parseHunspell({
      aff: encode("SET UTF-8\nONLYINCOMPOUND o\nSFX V Y 1\nSFX V en e en\n"),
      dic: encode("3\nsprechen/V\nsprechen/o\nteil/o\n"),
    });
    expect(two.has("sprechen")).toBe(true);
    expect(two.has("spreche")).toBe(true);
    expect(two.has("teil")).toBe(false); // only inside compounds
  });

  it("knows a name by the capital the dictionary writes it with, and not a word it also writes without one", () => {
    const names = parseHunspell({
      aff: encode("SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n"),
      dic: encode("4\nOslo\nReading/S\nreading/S\nfjord/S\n"),
    });
    expect(names.caseOf("oslo")).toBe("capital");
    expect(names.caseOf("Oslo")).toBe("capital");
    expect(names.caseOf("reading")).toBe("both"); // the town and the word
    expect(names.caseOf("fjords")).toBe("lower");
    expect(names.caseOf("bergen")).toBeUndefined(); // not in the dictionary
  });

  it("takes a German word's case from its entries that stand alone, not those for compounds", async () => {
    const de = await lexiconFor("de");
    expect(de?.caseOf("montag")).toBe("capital"); // "montag" is listed too, for compounds only
    expect(de?.caseOf("tauschen")).toBe("lower");
    expect(de?.caseOf("erreichbar")).toBe("both");
  });

  it("reads the installed German dictionary's common verbs", async () => {
    const de = await lexiconFor("de");
    for (const word of ["sprechen", "sprachen", "spricht"]) expect(de?.has(word), word).toBe(true);
  });

  it("reads a suffix rule that adds nothing (its add is written 0), not as a header", () => {
    const rules = parseHunspell({
      aff: encode("SET UTF-8\nSFX I Y 2\nSFX I n 0 en\nSFX I n t en\n"),
      dic: encode("1\nwarten/I\n"),
    });
    expect(rules.has("warte")).toBe(true);
    expect(rules.has("wartet")).toBe(true);
    expect(rules.forms("warten").sort()).toEqual(["warte", "wartet"]);
  });

  it("reads the installed German dictionary's first person of a verb", async () => {
    const de = await lexiconFor("de");
    for (const word of ["warte", "kaufe", "bestelle"]) expect(de?.has(word), word).toBe(true);
  });

  it("reads the installed Spanish dictionary's verb forms", async () => {
    const es = await lexiconFor("es");
    expect(es?.forms("abrís")).toEqual(expect.arrayContaining(["abrir", "abrimos", "abre"]));
  });

  it("tells an adverb made from an adjective by the installed dictionaries, not a noun with the same ending", async () => {
    const cases: [string, string[], string[]][] = [
      ["fr", ["exactement", "vraiment", "également"], ["paiement", "logement", "moment", "ment"]],
      ["es", ["exactamente", "realmente", "solamente"], ["mente", "simiente", "demente"]],
      ["it", ["esattamente", "veramente"], ["mente"]],
      ["pt", ["exatamente", "somente"], ["semente", "mente"]],
    ];
    for (const [language, adverbs, others] of cases) {
      const lexicon = (await lexiconFor(language))!;
      for (const word of adverbs) expect(isDerivedAdverb(word, lexicon, language), word).toBe(true);
      for (const word of others) expect(isDerivedAdverb(word, lexicon, language), word).toBe(false);
    }
  });
});
