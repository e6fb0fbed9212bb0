import { describe, expect, it } from "vitest";
import { extractLeadDetails, showsBuyingIntent, withoutContactDetails } from "./extract";

describe("extractLeadDetails", () => {
  const cases: [string, ReturnType<typeof extractLeadDetails>, { expecting?: boolean }?][] = [
    ["My name is Ada Lovelace and my email is Ada@Example.com", { name: "Ada Lovelace", email: "ada@example.com" }],
    [
      "I'm Grace Hopper, you can reach me at grace.hopper@navy.example or +1 415 555 0132",
      { name: "Grace Hopper", email: "grace.hopper@navy.example", phone: "+14155550132" },
    ],
    ["call me on (415) 555-0199 please", { phone: "+14155550199" }],
    ["Alan here, alan@turing.example", { name: "Alan", email: "alan@turing.example" }],
    ["this is maria garcia from support", { name: "Maria Garcia" }],
    [
      "Sure! Linus Torvalds, linus@kernel.example",
      { name: "Linus Torvalds", email: "linus@kernel.example" },
      { expecting: true },
    ],
    ["john smith - 020 7946 0958", { name: "John Smith" }, { expecting: true }],
    ["I work at Initech and my email is peter@initech.example", { company: "Initech", email: "peter@initech.example" }],
    ["Our company is Globex Corporation.", { company: "Globex Corporation" }],
    ["my name's Chloé O'Brien", { name: "Chloé O'Brien" }],
  ];
  it.each(cases)("%s", (message, expected, opts) => {
    expect(extractLeadDetails(message, opts)).toEqual(expected);
  });

  it("finds UK numbers with a UK default country", () => {
    expect(extractLeadDetails("ring 020 7946 0958", { defaultCountry: "GB" }).phone).toBe("+442079460958");
  });

  it("finds the shortest numbers there are (Niue's, seven digits with the calling code)", () => {
    expect(extractLeadDetails("my number is +683 4002").phone).toBe("+6834002");
    expect(withoutContactDetails("my number is +683 4002, what are your hours?")).toBe("what are your hours?");
  });

  const noLead = [
    "I'm interested in the Pro plan",
    "I'm looking for pricing",
    "Order #2026-11-24 shipped, total $1,299.00",
    "How much does the Pro plan cost? Is it $149?",
    "My order number is 123456789",
    "Hi, I'm not sure what plan I need",
    "Can you email me the docs?",
    "Write to me at not-an-email@",
    "The meeting is on 12/05/2026 at 10:30",
    "I am from Canada",
    "I'm happy with the service",
    "Thanks, that's all",
  ];
  it.each(noLead)("produces no lead: %s", (message) => {
    expect(extractLeadDetails(message)).toEqual({});
  });

  it("does not take ordinary replies as names even when expecting details", () => {
    expect(extractLeadDetails("no thanks", { expecting: true })).toEqual({});
    expect(extractLeadDetails("what is the price?", { expecting: true })).toEqual({});
  });
});

describe("showsBuyingIntent", () => {
  it.each([
    "What does the Pro plan cost?",
    "Can I get a demo?",
    "I'd like a quote for 50 seats",
    "how much is it",
    "How do I contact sales?",
  ])("yes: %s", (m) => expect(showsBuyingIntent(m)).toBe(true));
  it.each(["What are your opening hours?", "Do you ship to Canada?", "hello"])("no: %s", (m) =>
    expect(showsBuyingIntent(m)).toBe(false),
  );
});

describe("withoutContactDetails", () => {
  it.each([
    ["I'm Ada Lovelace, ada@example.com, what does Pro cost?", "what does Pro cost?"],
    ["Call me on +1 415 555 0132 about the Scale plan", "about the Scale plan"],
    ["What does Pro cost?", "What does Pro cost?"],
    ["ada@example.com", "ada@example.com"], // nothing else left: unchanged
  ])("%s → %s", (message, expected) => expect(withoutContactDetails(message)).toBe(expected));
});
