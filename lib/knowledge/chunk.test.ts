import { describe, expect, it } from "vitest";
import { chunkSections } from "./chunk";

const sentence = (i: number) => `Sentence number ${i} talks about topic ${i} in some detail.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => sentence(from + i)).join(" ");

describe("chunkSections", () => {
  it("returns one chunk for tiny input, with whitespace normalised", () => {
    const chunks = chunkSections([{ heading: "Intro", text: "  Hello\t  world.  \n\n\n\n  Bye. " }]);
    expect(chunks).toEqual([{ heading: "Intro", content: "Hello world.\n\nBye.", position: 0 }]);
  });

  it("drops empty sections and numbers positions 0..n-1 in order", () => {
    const chunks = chunkSections(
      [
        { heading: "A", text: paragraph(0, 40) },
        { heading: "Empty", text: " \n\n \t " },
        { heading: "B", text: paragraph(100, 40) },
      ],
      { maxChars: 300, overlapChars: 60 },
    );
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
    expect(chunks.some((c) => c.heading === "Empty")).toBe(false);
    const headings = chunks.map((c) => c.heading);
    expect(headings.lastIndexOf("A")).toBeLessThan(headings.indexOf("B"));
    expect(chunks.every((c) => c.content.trim() === c.content && c.content.length > 0)).toBe(true);
  });

  it("starts every chunk that continues a table with the table's header", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `| Day ${i} | ${10 + (i % 9)}:00 | Class number ${i} |`);
    const text = `The timetable:\n\n| Day | Time | Class |\n| --- | --- | --- |\n${rows.join("\n")}`;
    const chunks = chunkSections([{ heading: "Timetable", text }], { maxChars: 300, overlapChars: 60 });
    expect(chunks.length).toBeGreaterThan(2);
    const tableChunks = chunks.filter((c) => c.content.includes("| Class number"));
    for (const chunk of tableChunks.slice(1))
      expect(chunk.content.startsWith("| Day | Time | Class |\n| --- | --- | --- |\n")).toBe(true);
    // Every row is in some chunk, whole.
    for (const row of rows) expect(chunks.some((c) => c.content.split("\n").includes(row))).toBe(true);
    expect(chunks.every((c) => c.content.length <= 300)).toBe(true);
  });

  it("never merges text from different headings into one chunk", () => {
    const chunks = chunkSections([
      { heading: "Pricing › Free", text: "Free costs nothing." },
      { heading: "Pricing › Pro", text: "Pro costs 10 dollars." },
    ]);
    expect(chunks).toEqual([
      { heading: "Pricing › Free", content: "Free costs nothing.", position: 0 },
      { heading: "Pricing › Pro", content: "Pro costs 10 dollars.", position: 1 },
    ]);
  });

  it("keeps every chunk within maxChars and loses no sentence", () => {
    const text = [paragraph(0, 7), paragraph(10, 3), paragraph(20, 12), paragraph(40, 1)].join("\n\n");
    const chunks = chunkSections([{ heading: "", text }], { maxChars: 400, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.content.length).toBeLessThanOrEqual(400);
    const all = chunks.map((c) => c.content).join("\n");
    for (const i of [0, 6, 10, 12, 20, 31, 40]) expect(all).toContain(sentence(i));
  });

  it("breaks at a paragraph boundary when the next paragraph fits a chunk of its own", () => {
    const first = paragraph(0, 4); // ≈ 230 chars
    const second = paragraph(10, 4);
    const chunks = chunkSections([{ heading: "", text: `${first}\n\n${second}` }], { maxChars: 300, overlapChars: 0 });
    expect(chunks.map((c) => c.content)).toEqual([first, second]);
  });

  it("overlaps consecutive chunks by whole sentences of about overlapChars", () => {
    const chunks = chunkSections([{ heading: "", text: paragraph(0, 30) }], { maxChars: 300, overlapChars: 130 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.content;
      const current = chunks[i]!.content;
      const firstSentence = /^.*?\.(?= |$)/.exec(current)![0];
      expect(previous.endsWith(firstSentence) || previous.includes(`${firstSentence} `)).toBe(true);
      // The shared text is whole sentences, at most overlapChars long.
      let shared = "";
      for (const s of current.split(/(?<=\.) /)) {
        if (!previous.includes(s)) break;
        shared += (shared ? " " : "") + s;
      }
      expect(shared.length).toBeGreaterThan(0);
      expect(shared.length).toBeLessThanOrEqual(130);
      expect(previous.endsWith(shared)).toBe(true);
    }
  });

  it("adds no overlap when overlapChars is 0", () => {
    const chunks = chunkSections([{ heading: "", text: paragraph(0, 30) }], { maxChars: 300, overlapChars: 0 });
    const joined = chunks.map((c) => c.content).join(" ");
    expect(joined).toBe(paragraph(0, 30));
  });

  it("hard-wraps a huge paragraph without sentence breaks at word boundaries", () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
    const chunks = chunkSections([{ heading: "Log", text: words.join(" ") }], { maxChars: 500, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(words.join(" ").length / 500));
    for (const c of chunks) {
      expect(c.content.length).toBeLessThanOrEqual(500);
      expect(c.content.split(" ").every((w) => /^word\d+$/.test(w))).toBe(true); // no word was cut in half
    }
    expect(chunks.at(-1)!.content.endsWith("word1999")).toBe(true);
  });

  it("hard-wraps a single unbroken string", () => {
    const chunks = chunkSections([{ heading: "", text: "x".repeat(2500) }], { maxChars: 1000 });
    expect(chunks.map((c) => c.content.length)).toEqual([1000, 1000, 500]);
  });

  it("keeps line breaks inside a paragraph", () => {
    const chunks = chunkSections([{ heading: "", text: "Opening hours:\nMon 9-5\nTue 9-5" }]);
    expect(chunks[0]!.content).toBe("Opening hours:\nMon 9-5\nTue 9-5");
  });
});
