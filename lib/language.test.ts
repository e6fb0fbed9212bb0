import { describe, expect, it } from "vitest";
import { detectDocumentLanguage, detectLanguage, textSearchConfig, TEXT_SEARCH_CONFIGS } from "./language";

describe("detectLanguage", () => {
  it.each([
    ["en", "how long does delivery take to my town"],
    ["fr", "combien de temps prend la livraison chez moi"],
    ["de", "wie lange dauert die Lieferung zu mir nach Hause"],
    ["es", "cuánto tarda la entrega a mi casa"],
    ["it", "quanto tempo ci vuole per la consegna a casa"],
    ["pt", "quanto tempo demora a entrega em casa"],
    ["nl", "hoe lang duurt de levering naar mijn huis"],
  ])("names %s for a question in it", async (language, text) => {
    const d = await detectLanguage(text);
    expect(d).toMatchObject({ language, detected: true });
    expect(d.confidence).toBeGreaterThan(0);
  });

  it("leaves a question of fewer than four words to the fallback", async () => {
    expect(await detectLanguage("horaires d'ouverture", { fallback: "en" })).toEqual({
      language: "en",
      confidence: 0,
      detected: false,
    });
    expect((await detectLanguage("precio?")).language).toBe("und");
  });

  it("does not take typo-ridden text in the expected language for another language", async () => {
    const d = await detectLanguage("wat r ur openng hrs", { fallback: "en", expected: ["en"] });
    expect(d.language).toBe("en");
  });

  it("still names a clear question in a language the caller did not expect", async () => {
    const d = await detectLanguage("est-ce que vous livrez le dimanche matin", { fallback: "en", expected: ["en"] });
    expect(d).toMatchObject({ language: "fr", detected: true });
  });

  it("detects a document's language from its beginning", async () => {
    const text = "Unsere Werkstatt repariert Fahrräder aller Marken. ".repeat(200);
    expect((await detectDocumentLanguage(text)).language).toBe("de");
  });
});

describe("textSearchConfig", () => {
  it("maps a language to its Snowball configuration, anything else to simple", () => {
    expect(textSearchConfig("en")).toBe("english");
    expect(textSearchConfig("FR")).toBe("french");
    expect(textSearchConfig("nb")).toBe("norwegian");
    expect(textSearchConfig("ja")).toBe("simple");
    expect(textSearchConfig("und")).toBe("simple");
    expect(textSearchConfig(undefined)).toBe("simple");
    expect(TEXT_SEARCH_CONFIGS).toContain("simple");
    expect(TEXT_SEARCH_CONFIGS).not.toContain("estonian");
  });
});
