import { describe, expect, it } from "vitest";
import JSZip from "jszip";
import { extractDocument, extractHtml, MAX_UPLOAD_BYTES, textToSections } from "./extract";
import { makePdf } from "@/tests/fixtures/knowledge/make-pdf";
import { makeDocx } from "@/tests/fixtures/knowledge/make-docx";

const utf8 = (text: string) => new TextEncoder().encode(text);
const PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
);

describe("extractDocument: formats", () => {
  it("reads a PDF page by page, joining runs into lines and using the document title", async () => {
    const bytes = makePdf({
      title: "Employee Handbook",
      pages: [["Welcome to Acme (2024).", "We ship on Fridays."], ["Holidays: 25 days per year."]],
    });
    const result = await extractDocument({ bytes, fileName: "handbook.pdf" });
    expect(result).toEqual({
      ok: true,
      format: "pdf",
      title: "Employee Handbook",
      sections: [
        { heading: "Page 1", text: "Welcome to Acme (2024).\nWe ship on Fridays." },
        { heading: "Page 2", text: "Holidays: 25 days per year." },
      ],
    });
  });

  it("keeps a blank line where the PDF leaves a wide vertical gap", async () => {
    const result = await extractDocument({
      bytes: makePdf({ pages: [["Line one", "", "", "After gap"]] }),
      fileName: "g.pdf",
    });
    expect(result).toMatchObject({ ok: true, sections: [{ heading: "Page 1", text: "Line one\n\nAfter gap" }] });
  });

  it("falls back to the file name when a PDF has no title", async () => {
    const result = await extractDocument({ bytes: makePdf({ pages: [["Hi"]] }), fileName: "uploads/Price List.pdf" });
    expect(result).toMatchObject({ ok: true, title: "Price List" });
  });

  it("decides by content: a PDF named .txt is still read as a PDF", async () => {
    const result = await extractDocument({
      bytes: makePdf({ pages: [["Hidden PDF"]] }),
      fileName: "notes.txt",
      declaredType: "text/plain",
    });
    expect(result).toMatchObject({ ok: true, format: "pdf", sections: [{ text: "Hidden PDF" }] });
  });

  it("reads a DOCX through its headings", async () => {
    const bytes = await makeDocx([
      { text: "Pricing", heading: 1 },
      { text: "Every plan includes support & updates." },
      { text: "Pro plan", heading: 2 },
      { text: "Pro costs $10 a month." },
      { text: "It includes <unlimited> bots." },
    ]);
    const result = await extractDocument({ bytes, fileName: "pricing.docx" });
    expect(result).toEqual({
      ok: true,
      format: "docx",
      title: "Pricing",
      sections: [
        { heading: "Pricing", text: "Every plan includes support & updates." },
        { heading: "Pricing › Pro plan", text: "Pro costs $10 a month.\n\nIt includes <unlimited> bots." },
      ],
    });
  });

  it("reads Markdown with its heading hierarchy, leaving code fences alone", async () => {
    const md = [
      "Intro before any heading.",
      "# Guide",
      "Top text.",
      "## Install ##",
      "Run it:",
      "```sh",
      "# not a heading",
      "npm start",
      "```",
      "### Linux",
      "Use apt.",
      "## Configure",
      "Edit the file.",
      "Setext Title",
      "============",
      "Under setext.",
    ].join("\n");
    const result = await extractDocument({ bytes: utf8(md), fileName: "README.md" });
    expect(result).toEqual({
      ok: true,
      format: "md",
      title: "Guide",
      sections: [
        { heading: "", text: "Intro before any heading." },
        { heading: "Guide", text: "Top text." },
        { heading: "Guide › Install", text: "Run it:\n```sh\n# not a heading\nnpm start\n```" },
        { heading: "Guide › Install › Linux", text: "Use apt." },
        { heading: "Guide › Configure", text: "Edit the file." },
        { heading: "Setext Title", text: "Under setext." },
      ],
    });
  });

  it("reads HTML: main content, headings, entities, paragraph breaks; no scripts, styles or chrome", async () => {
    const html = `<!doctype html><html><head><title>Acme &amp; Co — Help</title><style>p{color:red}</style>
      <script>alert("x")</script></head><body>
      <nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav>
      <header><h1>Site header</h1></header>
      <main>
        <h1>Returns</h1>
        <p>You can return   items within <b>30&nbsp;days</b>.</p>
        <p>Refunds take 5&ndash;7 days.<br>Contact us first.</p>
        <script>document.write("evil")</script><noscript>Enable JS</noscript>
        <h2>Exceptions</h2>
        <ul><li>Gift cards</li><li>Sale items</li></ul>
        <table><tr><th>Item</th><th>Days</th></tr><tr><td>Shoes</td><td>60</td></tr></table>
      </main>
      <footer>© Acme</footer></body></html>`;
    const result = await extractDocument({ bytes: utf8(html), fileName: "returns.html" });
    expect(result).toEqual({
      ok: true,
      format: "html",
      title: "Acme & Co — Help",
      sections: [
        {
          heading: "Returns",
          text: "You can return items within 30 days.\n\nRefunds take 5–7 days.\nContact us first.",
        },
        { heading: "Returns › Exceptions", text: "Gift cards\n\nSale items\n\nItem Days\n\nShoes 60" },
      ],
    });
  });

  it("reads CSV rows as 'Header: value' lines, handling quoted fields", async () => {
    const csv = 'Name,Price,Notes\r\n"Pro, yearly",100,"Says ""hi""\nover two lines"\r\nFree,0,\r\n';
    const result = await extractDocument({ bytes: utf8(csv), fileName: "plans.csv" });
    expect(result).toEqual({
      ok: true,
      format: "csv",
      title: "plans",
      sections: [
        { heading: "", text: 'Name: Pro, yearly; Price: 100; Notes: Says "hi" over two lines\n\nName: Free; Price: 0' },
      ],
    });
  });

  it("sniffs a semicolon delimiter and strips a UTF-8 BOM", async () => {
    const result = await extractDocument({ bytes: utf8("\uFEFFStadt;Preis\nKöln;5,50\n"), fileName: "preise.csv" });
    expect(result).toMatchObject({ ok: true, sections: [{ text: "Stadt: Köln; Preis: 5,50" }] });
  });

  it("reads plain text as paragraphs", async () => {
    const result = await extractDocument({
      bytes: utf8("First paragraph.\r\n\r\nSecond paragraph.\n"),
      fileName: "notes.txt",
    });
    expect(result).toEqual({
      ok: true,
      format: "txt",
      title: "notes",
      sections: [{ heading: "", text: "First paragraph.\n\nSecond paragraph." }],
    });
  });

  it("reads a PDF with a short preamble when it is named .pdf, but not a text file that mentions %PDF-", async () => {
    const withPreamble = Uint8Array.from([...utf8("junk\n"), ...makePdf({ pages: [["After preamble"]] })]);
    expect(await extractDocument({ bytes: withPreamble, fileName: "odd.pdf" })).toMatchObject({
      ok: true,
      format: "pdf",
    });
    expect(
      await extractDocument({ bytes: utf8("# PDFs\nThey start with %PDF-1.7."), fileName: "pdf.md" }),
    ).toMatchObject({ ok: true, format: "md" });
  });

  it("reads XHTML even though file-type calls it XML", async () => {
    const xhtml = `<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head><body><p>Strict.</p></body></html>`;
    expect(await extractDocument({ bytes: utf8(xhtml), fileName: "page.xhtml" })).toEqual({
      ok: true,
      format: "html",
      title: "X",
      sections: [{ heading: "", text: "Strict." }],
    });
  });

  it("reads UTF-16 text, with or without a byte-order mark, instead of taking it for audio (issue 13, finding 9)", async () => {
    const text = "Opening hours\n\nWe are open from nine to five, Monday to Friday. Caf\u00e9 on site.";
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le).swap16(); // FE FF then big-endian code units
    const bare = Buffer.from(text, "utf16le");
    for (const [name, bytes] of [
      ["le.txt", le],
      ["be.txt", be],
      ["bare.txt", bare],
    ] as const) {
      const result = await extractDocument({ bytes: new Uint8Array(bytes), fileName: name });
      expect(result, name).toMatchObject({ ok: true, format: "txt" });
      if (result.ok) expect(result.sections[0]!.text, name).toContain("nine to five, Monday to Friday. Caf\u00e9");
    }
  });

  it("uses the declared type or the content when the name has no known extension", async () => {
    expect(await extractDocument({ bytes: utf8("<!DOCTYPE html><p>Hi</p>"), fileName: "page" })).toMatchObject({
      ok: true,
      format: "html",
    });
    expect(
      await extractDocument({ bytes: utf8("a,b\n1,2"), fileName: "export", declaredType: "text/csv; charset=utf-8" }),
    ).toMatchObject({
      ok: true,
      format: "csv",
    });
    expect(await extractDocument({ bytes: utf8("# Title\nBody"), fileName: "notes" })).toMatchObject({
      ok: true,
      format: "md",
    });
  });
});

describe("extractDocument: refusals", () => {
  it("refuses a PNG renamed .pdf", async () => {
    expect(await extractDocument({ bytes: PNG, fileName: "invoice.pdf", declaredType: "application/pdf" })).toEqual({
      ok: false,
      reason: "The file is named .pdf but its content is not a PDF.",
    });
  });

  it("refuses a text file renamed .pdf", async () => {
    expect(await extractDocument({ bytes: utf8("just text"), fileName: "x.pdf" })).toEqual({
      ok: false,
      reason: "The file is named .pdf but its content is not a PDF.",
    });
  });

  it("refuses a corrupt or truncated PDF with a reason instead of throwing", async () => {
    const damaged = { ok: false, reason: "The PDF could not be read; it may be damaged." };
    const garbage = utf8("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n%% truncated garbage \u0001\u0002");
    expect(await extractDocument({ bytes: garbage, fileName: "broken.pdf" })).toEqual(damaged);
    const full = makePdf({ pages: [["Some text that will be cut off"]] });
    expect(await extractDocument({ bytes: full.slice(0, Math.floor(full.length / 2)), fileName: "half.pdf" })).toEqual(
      damaged,
    );
  });

  it("refuses unsupported binaries, naming the detected type", async () => {
    const png = await extractDocument({ bytes: PNG, fileName: "photo.png" });
    expect(png).toEqual({
      ok: false,
      reason: expect.stringContaining("content is PNG (image/png), which is not supported"),
    });
    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, ...new Array(200).fill(0)]);
    expect(await extractDocument({ bytes: exe, fileName: "setup.exe" })).toMatchObject({ ok: false });
  });

  it("explains that old Office files are not supported", async () => {
    const cfb = new Uint8Array(4096);
    cfb.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(await extractDocument({ bytes: cfb, fileName: "letter.doc" })).toEqual({
      ok: false,
      reason: expect.stringContaining("Old Office files"),
    });
  });

  it("refuses text that is not UTF-8", async () => {
    const latin1 = Uint8Array.from(Buffer.from("Caf\u00e9 cr\u00e8me", "latin1"));
    expect(await extractDocument({ bytes: latin1, fileName: "menu.txt" })).toEqual({
      ok: false,
      reason: expect.stringContaining("neither a supported document nor UTF-8 text"),
    });
  });

  it("refuses a file over the size limit and an empty file", async () => {
    expect(
      await extractDocument({ bytes: new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(65), fileName: "big.txt" }),
    ).toEqual({
      ok: false,
      reason: "The file is larger than 10 MB.",
    });
    expect(await extractDocument({ bytes: new Uint8Array(0), fileName: "empty.txt" })).toEqual({
      ok: false,
      reason: "The file is empty.",
    });
  });

  it("refuses a ZIP that is not a Word document, and a corrupt .docx", async () => {
    const zip = new JSZip();
    zip.file("readme.txt", "hello");
    const bytes = await zip.generateAsync({ type: "uint8array" });
    expect(await extractDocument({ bytes, fileName: "archive.zip" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("not a Word document"),
    });

    const docx = await makeDocx([{ text: "Hello" }]);
    for (const length of [60, docx.length - 40]) {
      expect(await extractDocument({ bytes: docx.slice(0, length), fileName: "broken.docx" })).toEqual({
        ok: false,
        reason: "The Word document could not be read; it may be damaged.",
      });
    }
  });

  it("refuses a .docx whose XML inflates past the limit", async () => {
    const zip = await JSZip.loadAsync(await makeDocx([{ text: "Hello" }]));
    zip.file("word/bomb.xml", "a".repeat(65 * 1024 * 1024));
    const bytes = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(bytes.byteLength).toBeLessThan(MAX_UPLOAD_BYTES);
    expect(await extractDocument({ bytes, fileName: "bomb.docx" })).toEqual({
      ok: false,
      reason: "The Word document expands to too much data to process.",
    });
  });

  it("refuses a PDF without any text", async () => {
    expect(await extractDocument({ bytes: makePdf({ pages: [[]] }), fileName: "scan.pdf" })).toEqual({
      ok: false,
      reason: expect.stringContaining("No text was found"),
    });
  });
});

describe("extractHtml", () => {
  it("prefers <article> over page chrome and falls back to the first h1 or the URL for a title", () => {
    const page = extractHtml("<body><aside>Ads here</aside><article><h1>Post</h1><p>Body text.</p></article></body>");
    expect(page).toEqual({ title: "Post", sections: [{ heading: "Post", text: "Body text." }] });
    expect(extractHtml("<p>Only text</p>", "https://example.com/docs/faq").title).toBe("example.com/docs/faq");
  });

  it("uses the body when <main> is empty", () => {
    expect(extractHtml("<body><main></main><p>Outside main.</p></body>").sections).toEqual([
      { heading: "", text: "Outside main." },
    ]);
  });
});

describe("textToSections", () => {
  it("treats lines starting with # as headings and keeps the given title", () => {
    expect(
      textToSections("FAQ", "Intro\n# Shipping\nWe ship worldwide.\n#hashtag is text\n## Costs\nFree over $50."),
    ).toEqual({
      title: "FAQ",
      sections: [
        { heading: "", text: "Intro" },
        { heading: "Shipping", text: "We ship worldwide.\n#hashtag is text" },
        { heading: "Shipping › Costs", text: "Free over $50." },
      ],
    });
  });

  it("takes the title from the first heading when none is given", () => {
    expect(textToSections("  ", "# Returns\n30 days.").title).toBe("Returns");
  });
});
