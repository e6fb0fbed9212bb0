import { describe, expect, it } from "vitest";
import { botSettingsSchema } from "@/lib/validations/bots";
import { customerWordsFor, parseCustomerWords } from "./customer-words";

describe("the owner's word list", () => {
  it("parses rules, ignoring blank lines and comments", () => {
    expect(parseCustomerWords("money back, reimbursed = refund\n\n# our jargon\n  Fob =  access   card ")).toEqual({
      ok: true,
      rules: [
        { phrases: ["money back", "reimbursed"], means: "refund" },
        { phrases: ["fob"], means: "access card" },
      ],
    });
    expect(parseCustomerWords("")).toEqual({ ok: true, rules: [] });
  });

  it("names the line of each mistake", () => {
    const parsed = parseCustomerWords("money back = refund\nkids children\n = refund\nfob =\na = b = c");
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^Line 2: .*one “=”/);
    expect(errors[1]).toMatch(/^Line 3: add the words your customers use/);
    expect(errors[2]).toMatch(/^Line 4: add the word your knowledge uses/);
    expect(errors[3]).toMatch(/^Line 5: /);
  });

  it("matches whole words and phrases in any case", () => {
    const { rules } = parseCustomerWords("money back = refund\nfob = access card") as { ok: true; rules: never[] };
    expect(customerWordsFor("Can I get my MONEY  back?", rules)).toEqual([{ word: "refund", for: "money back" }]);
    expect(customerWordsFor("I lost my fobs", rules)).toEqual([]);
    expect(customerWordsFor("I lost my fob", rules)).toEqual([{ word: "access card", for: "fob" }]);
  });

  it("is validated with the bot's settings: errors on the field, the text kept", () => {
    const base = { name: "Bot", instructions: "", welcomeMessage: "Hi", fallbackMessage: "Sorry", engine: "builtin" };
    const bad = botSettingsSchema.safeParse({ ...base, language: "auto", customerWords: "kids children" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["customerWords", expect.stringMatching(/^Line 1:/)],
    ]);
    const good = botSettingsSchema.safeParse({ ...base, language: "fr", customerWords: "kids = children" });
    expect(good.success && good.data).toMatchObject({ language: "fr", customerWords: "kids = children" });
    expect(botSettingsSchema.safeParse({ ...base, language: "xx", customerWords: "" }).success).toBe(false);
  });
});
