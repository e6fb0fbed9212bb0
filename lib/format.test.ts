import { describe, expect, it } from "vitest";
import { withArticle } from "@/lib/format";

describe("withArticle", () => {
  it("reads a file type's abbreviation letter by letter", () => {
    expect(withArticle("EXE")).toBe("an EXE");
    expect(withArticle("MP3")).toBe("an MP3");
    expect(withArticle("SVG")).toBe("an SVG");
    expect(withArticle("PNG")).toBe("a PNG");
    expect(withArticle("GIF")).toBe("a GIF");
    expect(withArticle("JPG")).toBe("a JPG");
  });
});
