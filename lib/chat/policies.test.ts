import { describe, expect, it } from "vitest";
import { DEFAULT_HANDOFF, DEFAULT_LEAD_CAPTURE } from "@/db/schema";
import { phrasesFor } from "@/lib/engine/phrases";
import { beforeReply } from "@/lib/handoff/policy";
import { afterReply, NEW_CONVERSATION_STATE, type ConversationState } from "./policies";

const bot = { handoff: DEFAULT_HANDOFF, leadCapture: { ...DEFAULT_LEAD_CAPTURE, enabled: true } };
const now = new Date("2026-11-24T12:00:00Z");
const answer = (reply = "Pro costs $149 a month.") => ({ reply, kind: "answer" as const });
const fallback = { reply: "Sorry, I don't know.", kind: "fallback" as const };

function after(
  state: Partial<ConversationState>,
  message: string,
  result: { reply: string; kind: "answer" | "fallback" | "greeting"; language?: string },
  extra: Partial<Parameters<typeof afterReply>[0]> = {},
) {
  return afterReply({
    bot,
    state: { ...NEW_CONVERSATION_STATE, ...state },
    message,
    result,
    userMessageCount: 1,
    earlierUserMessages: [],
    declinedOffer: false,
    now,
    ...extra,
  });
}

describe("beforeReply (handoff triggers)", () => {
  it("hands over when the user asks for a person, with the bot's handoff message", () => {
    expect(beforeReply(bot, NEW_CONVERSATION_STATE, "Can I talk to a human?")).toEqual({
      kind: "handoff",
      reason: "user_request",
      reply: DEFAULT_HANDOFF.handoffMessage,
    });
  });
  it("hands over when the user accepts the bot's offer, and not when they decline", () => {
    const offered = { ...NEW_CONVERSATION_STATE, handoffOfferedAt: now };
    expect(beforeReply(bot, offered, "yes please")).toMatchObject({ kind: "handoff", reason: "accepted_offer" });
    expect(beforeReply(bot, offered, "no thanks")).toEqual({ kind: "answer", declinedOffer: true });
    expect(beforeReply(bot, NEW_CONVERSATION_STATE, "yes please")).toEqual({ kind: "answer", declinedOffer: false });
  });
  it("respects the bot's settings", () => {
    expect(
      beforeReply({ handoff: { ...DEFAULT_HANDOFF, enabled: false } }, NEW_CONVERSATION_STATE, "human please").kind,
    ).toBe("answer");
    expect(
      beforeReply({ handoff: { ...DEFAULT_HANDOFF, onRequest: false } }, NEW_CONVERSATION_STATE, "human please").kind,
    ).toBe("answer");
  });
});

describe("afterReply (offer after failures)", () => {
  it("offers a person after two answers in a row it could not give, once", () => {
    const first = after({}, "what's your favourite colour?", fallback);
    expect(first.patch.consecutiveFallbacks).toBe(1);
    expect(first.reply).toBe(fallback.reply);
    const second = after({ consecutiveFallbacks: 1 }, "and your cat's name?", fallback);
    expect(second.reply).toBe(`${fallback.reply}\n\n${DEFAULT_HANDOFF.offerMessage}`);
    expect(second.patch.handoffOfferedAt).toEqual(now);
    const third = after({ consecutiveFallbacks: 2, handoffOfferedAt: now }, "?", fallback);
    expect(third.reply).toBe(fallback.reply);
  });
  it("words the default offer in the reply's language; an offer the owner wrote stays as written", () => {
    const spanish = { reply: "Lo siento, no tengo esa información.", kind: "fallback" as const, language: "es" };
    const offered = after({ consecutiveFallbacks: 1 }, "¿Tenéis karaoke?", spanish);
    expect(offered.reply).toBe(`${spanish.reply}\n\n${phrasesFor("es").offerPerson}`);
    expect(phrasesFor("es").offerPerson).not.toBe(DEFAULT_HANDOFF.offerMessage);
    const own = { ...DEFAULT_HANDOFF, offerMessage: "¿Quiere hablar con Carmen?" };
    expect(
      after({ consecutiveFallbacks: 1 }, "¿Tenéis karaoke?", spanish, { bot: { ...bot, handoff: own } }).reply,
    ).toBe(`${spanish.reply}\n\n¿Quiere hablar con Carmen?`);
    expect(after({ consecutiveFallbacks: 1 }, "karaoke?", { ...spanish, language: "en" }).reply).toBe(
      `${spanish.reply}\n\n${DEFAULT_HANDOFF.offerMessage}`,
    );
  });
  it("a real answer resets the count", () => {
    expect(after({ consecutiveFallbacks: 1 }, "price of pro?", answer()).patch.consecutiveFallbacks).toBe(0);
  });
});

describe("afterReply (lead capture)", () => {
  it("asks once on buying intent, never again", () => {
    const asked = after({}, "How much does Pro cost?", answer());
    expect(asked.reply).toBe(`Pro costs $149 a month.\n\n${DEFAULT_LEAD_CAPTURE.askMessage}`);
    expect(asked.patch.leadAskedAt).toEqual(now);
    expect(after({ leadAskedAt: now }, "And Scale?", answer()).reply).toBe("Pro costs $149 a month.");
  });
  it("asks after N user messages", () => {
    expect(after({}, "Do you ship to Canada?", answer(), { userMessageCount: 2 }).patch.leadAskedAt).toBeUndefined();
    expect(after({}, "Do you ship to Canada?", answer(), { userMessageCount: 3 }).patch.leadAskedAt).toEqual(now);
  });
  it("does not ask when the lead is known, or when it is off", () => {
    expect(
      after({ leadId: "lead_x" }, "pricing?", answer(), { knownLead: { email: "ada@example.com" } }).patch.leadAskedAt,
    ).toBeUndefined();
    const off = afterReply({
      bot: { ...bot, leadCapture: DEFAULT_LEAD_CAPTURE },
      state: NEW_CONVERSATION_STATE,
      message: "pricing? I'm Ada, ada@example.com",
      result: answer(),
      userMessageCount: 9,
      earlierUserMessages: [],
      declinedOffer: false,
      now,
    });
    expect(off).toEqual({
      reply: "Pro costs $149 a month.",
      patch: { consecutiveFallbacks: 0 },
      lead: null,
      kind: "answer",
    });
  });
  it("captures contact details, with a name given in an earlier message", () => {
    const r = after({ leadAskedAt: now }, "sure, ada@example.com", answer(), {
      earlierUserMessages: ["Hi, my name is Ada Lovelace"],
    });
    expect(r.lead).toEqual({ name: "Ada Lovelace", email: "ada@example.com" });
    expect(r.reply).toBe("Pro costs $149 a month.");
  });
  it("a name alone is not a lead, and disabled fields are not kept", () => {
    expect(after({}, "my name is Ada", answer()).lead).toBeNull();
    const noPhone = afterReply({
      bot: { ...bot, leadCapture: { ...bot.leadCapture, fields: { ...bot.leadCapture.fields, phone: "off" } } },
      state: NEW_CONVERSATION_STATE,
      message: "ada@example.com or +1 415 555 0132",
      result: answer(),
      userMessageCount: 1,
      earlierUserMessages: [],
      declinedOffer: false,
      now,
    });
    expect(noPhone.lead).toEqual({ email: "ada@example.com" });
  });
});

describe("afterReply (details instead of a question)", () => {
  it("thanks the user for their details rather than counting a failed answer or offering a person", () => {
    const r = after({ leadAskedAt: now, consecutiveFallbacks: 1 }, "Sure: Ada Lovelace, ada@example.com", fallback);
    expect(r.lead).toEqual({ name: "Ada Lovelace", email: "ada@example.com" });
    expect(r.reply).toBe("Thank you, Ada! A member of our team will be in touch at ada@example.com.");
    expect(r.patch.consecutiveFallbacks).toBe(1);
    expect(r.patch.handoffOfferedAt).toBeUndefined();
    // Recorded as thanks, not as a fallback: analytics must not count it as a question the bot could not answer.
    expect(r.kind).toBe("thanks");
  });
});

describe("afterReply (required fields still missing)", () => {
  const strict = {
    ...bot,
    leadCapture: {
      ...bot.leadCapture,
      fields: {
        name: "required" as const,
        email: "required" as const,
        phone: "optional" as const,
        company: "off" as const,
      },
    },
  };
  const run = (
    state: Partial<ConversationState>,
    message: string,
    extra: Partial<Parameters<typeof afterReply>[0]> = {},
  ) =>
    afterReply({
      bot: strict,
      state: { ...NEW_CONVERSATION_STATE, ...state },
      message,
      result: answer(),
      userMessageCount: 1,
      earlierUserMessages: [],
      declinedOffer: false,
      now,
      ...extra,
    });

  it("asks once for the required fields the details left out", () => {
    const r = run({}, "Pricing? You can reach me at ada@example.com");
    expect(r.lead).toEqual({ email: "ada@example.com" });
    expect(r.reply).toBe("Pro costs $149 a month.\n\nCould you also share your name?");
    expect(r.patch.leadAskedAt).toEqual(now);
    // asked once: never again
    expect(
      run({ leadId: "lead_1", leadAskedAt: now }, "and Scale?", { knownLead: { email: "ada@example.com" } }).reply,
    ).toBe("Pro costs $149 a month.");
  });

  it("says nothing more when every required field is known", () => {
    expect(
      run({ leadId: "lead_1" }, "pricing for Scale?", { knownLead: { email: "ada@example.com", name: "Ada" } }).patch
        .leadAskedAt,
    ).toBeUndefined();
  });

  it("names several missing fields in one sentence", () => {
    const all = {
      ...strict,
      leadCapture: {
        ...strict.leadCapture,
        fields: {
          name: "required" as const,
          email: "required" as const,
          phone: "required" as const,
          company: "required" as const,
        },
      },
    };
    const r = afterReply({
      bot: all,
      state: NEW_CONVERSATION_STATE,
      message: "ada@example.com",
      result: answer(),
      userMessageCount: 1,
      earlierUserMessages: [],
      declinedOffer: false,
      now,
    });
    expect(r.reply).toContain("Could you also share your name, phone number and company name?");
  });
});
