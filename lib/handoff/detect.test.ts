import { describe, expect, it } from "vitest";
import { answerToOffer, asksForPerson } from "./detect";

describe("asksForPerson", () => {
  it.each([
    "Can I talk to a human?",
    "agent",
    "Agent please!",
    "I want to speak to someone",
    "Please connect me with a real person",
    "get me a representative",
    "I need to talk to support",
    "Can I chat with your sales team?",
    "transfer me to customer service",
    "is there a live agent available?",
    "HUMAN",
    "I need a human",
  ])("yes: %s", (m) => expect(asksForPerson(m)).toBe(true));

  it.each([
    "Are you a human?",
    "What are your support hours?",
    "I don't need a human, just the price",
    "How do I become a sales agent for you?",
    "Thanks, you were helpful",
    "What does the Pro plan include?",
  ])("no: %s", (m) => expect(asksForPerson(m)).toBe(false));
});

describe("answerToOffer", () => {
  it.each([
    ["yes", "yes"],
    ["Yes please!", "yes"],
    ["sure", "yes"],
    ["ok", "yes"],
    ["connect me", "yes"],
    ["no thanks", "no"],
    ["nope", "no"],
    ["maybe later", "no"],
    ["What about shipping?", "other"],
    ["yes, but first what does Pro cost?", "other"],
  ] as const)("%s → %s", (m, expected) => expect(answerToOffer(m)).toBe(expected));
});
