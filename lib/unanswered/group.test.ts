import { describe, expect, it } from "vitest";
import { assignTopics, likeness, questionTerms, SAME_TOPIC, topicLabel } from "./group";
import { unansweredReason } from "./rules";

const sig = (text: string) => ({ terms: questionTerms(text) });

describe("questionTerms", () => {
  it("reads a question's content words, stemmed, without stopwords or punctuation, sorted", () => {
    expect(questionTerms("Do you sell GIFT cards??")).toEqual(["card", "gift", "sell"]);
    expect(questionTerms("¿Venden tarjetas de regalo?")).toEqual(["regalo", "tarjet", "venden"]); // Spanish stems
    expect(questionTerms("hello??")).toEqual(["hello"]);
  });
});

describe("likeness", () => {
  it("one topic: the same words, or two shared words that make most of the shorter question", () => {
    expect(likeness(sig("refunds?"), sig("Refund"))).toBe(1);
    expect(
      likeness(sig("Do you sell gift cards?"), sig("Can I buy a gift card for my brother?")),
    ).toBeGreaterThanOrEqual(SAME_TOPIC);
  });

  it("not one topic: a single shared word, or two long questions with two words in common", () => {
    expect(likeness(sig("Are you open on Sundays?"), sig("Can you open an account for me?"))).toBeLessThan(SAME_TOPIC);
    expect(
      likeness(
        sig("Can I pay the invoice for my bike repair by bank transfer?"),
        sig("Does the bike repair invoice include a receipt for tax purposes?"),
      ),
    ).toBeLessThan(SAME_TOPIC);
  });

  it("vectors that mean the same join questions with no word in common", () => {
    const a = { terms: ["park", "car"], embedding: [1, 0] };
    const b = { terms: ["leav", "vehicl"], embedding: [0.9, Math.sqrt(1 - 0.81)] };
    expect(likeness(a, b)).toBeGreaterThanOrEqual(SAME_TOPIC);
    expect(likeness(a, { ...b, embedding: [0, 1] })).toBe(0);
  });
});

describe("assignTopics", () => {
  it("joins the most alike topic, starts one otherwise, and later questions join new topics", () => {
    let n = 0;
    const ids = assignTopics(
      [sig("gift cards?"), sig("Is there a shop in Paris?"), sig("Paris shop opening"), sig("Do you sell gift cards")],
      [{ id: "t-gift", members: [sig("Do you sell gift cards?")] }],
      () => `new-${++n}`,
    );
    expect(ids).toEqual(["t-gift", "new-1", "new-1", "t-gift"]);
  });
});

describe("topicLabel", () => {
  it("is the wording asked most, the first asked on a tie", () => {
    const at = (d: number) => new Date(Date.UTC(2026, 0, d));
    expect(
      topicLabel([
        { text: "Gift cards", askedAt: at(3) },
        { text: "gift cards?", askedAt: at(1) },
        { text: "Do you sell gift cards?", askedAt: at(4) },
      ]),
    ).toBe("gift cards?");
    expect(
      topicLabel([
        { text: "Is there a shop in Paris?", askedAt: at(2) },
        { text: "Do you sell gift cards?", askedAt: at(1) },
      ]),
    ).toBe("Do you sell gift cards?");
    expect(topicLabel([])).toBe("");
  });
});

describe("unansweredReason", () => {
  const bot = { fallbackMessage: "Sorry, I don't know that yet." };
  const reply = { reply: "…", usedPassages: [], engine: "builtin" as const };
  it("the fallback, or an answer under the confidence bar; never small talk", () => {
    expect(unansweredReason({ ...reply, kind: "fallback" }, bot)).toBe("fallback");
    expect(unansweredReason({ ...reply, kind: "answer", confidence: 0.45 }, bot)).toBe("low_confidence");
    expect(unansweredReason({ ...reply, kind: "answer", confidence: 0.6 }, bot)).toBeNull();
    expect(unansweredReason({ ...reply, kind: "greeting" }, bot)).toBeNull();
  });
  it("a model's reply: the bot's fallback words, or an answer with no knowledge behind it", () => {
    const llm = { ...reply, engine: "llm" as const, kind: "answer" as const };
    expect(unansweredReason({ ...llm, reply: "Hmm. Sorry, I don't know that yet." }, bot)).toBe("fallback");
    expect(unansweredReason(llm, bot)).toBe("low_confidence");
    const passage = { chunkId: 1, sourceId: "s", title: "t", heading: "", content: "c", score: 1 };
    expect(unansweredReason({ ...llm, usedPassages: [passage] }, bot)).toBeNull();
  });
});
