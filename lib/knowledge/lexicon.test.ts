import { describe, expect, it } from "vitest";
import { lexiconFor, parseHunspell } from "./lexicon";

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

  it("reads the installed Spanish dictionary's verb forms", async () => {
    const es = await lexiconFor("es");
    expect(es?.forms("abrís")).toEqual(expect.arrayContaining(["abrir", "abrimos", "abre"]));
  });
});
