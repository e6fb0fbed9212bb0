/**
 * Lead capture and human handoff through the Chat API (issue 6): asking for a person, the bot's offer
 * after answers it could not give, the team's replies reaching the client, return to bot, resolve,
 * and leads captured from conversation, asked for once and deduplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import {
  bots,
  conversations,
  leadConversations,
  leads,
  messages,
  webhookDeliveries,
  webhooks,
  DEFAULT_HANDOFF,
  DEFAULT_LEAD_CAPTURE,
} from "@/db/schema";
import { replyAsTeamMember, resolveConversation, returnToBot, takeOverConversation } from "@/db/queries/handoff";
import { newId } from "@/lib/ids";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, postChat, type ApiServer, type Tenant } from "./fixtures/api-server";

let h: DbHandle;
let api: ApiServer;
let acme: Tenant;
let suite: ApiSuite;

beforeAll(async () => {
  suite = await openApiSuite();
  ({ h, api } = suite);
  acme = await createTenant(h.db);
  await h.db.insert(webhooks).values({
    id: newId("wh"),
    workspaceId: acme.workspaceId,
    url: "https://hooks.example.com/parley",
    secret: "s",
    events: ["handoff.requested", "lead.created", "message.created"],
  });
});
afterAll(async () => {
  await suite?.close();
});

const chat = (body: Record<string, unknown>, t: Tenant = acme) => postChat(api.url, t.integrationId, t.apiKey, body);
const statusOf = async (id: string) =>
  (await h.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.status;
const transcript = async (id: string) =>
  (await h.db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(asc(messages.createdAt))).map(
    (m) => `${m.role}: ${m.content}`,
  );
const scope = (conversationId: string) => ({ workspaceId: acme.workspaceId, conversationId, userId: acme.userId });

describe("handoff through the API", () => {
  it("a user who asks for a person gets the handoff message, and the team is notified", async () => {
    const start = await chat({ message: "What does the Pro plan cost?", user_id: "u-1" });
    const id = start.body.conversation_id;
    const asked = await chat({ message: "Can I talk to a human please?", conversation_id: id, user_id: "u-1" });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ handoff: true, reply: DEFAULT_HANDOFF.handoffMessage, conversation_id: id });
    expect(await statusOf(id)).toBe("handoff_requested");
    const events = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.orderingKey, id));
    expect(events.map((e) => e.event)).toEqual(["handoff.requested"]);
    expect((events[0]!.payload as { data: { reason: string } }).data.reason).toBe("user_request");
  });

  it("is silent while a person owns the conversation, delivers the team's replies once, and answers again after return", async () => {
    const id = (await chat({ message: "agent please" })).body.conversation_id;
    expect(await statusOf(id)).toBe("handoff_requested");

    const waiting = await chat({ message: "Hello? Anyone there?", conversation_id: id });
    expect(waiting.body).toMatchObject({ handoff: true, reply: "" });

    await takeOverConversation(h.db, scope(id));
    await replyAsTeamMember(h.db, { ...scope(id), content: "Hi, this is Sam from Acme. How can I help?" });
    const got = await chat({ message: "I have a billing question", conversation_id: id });
    expect(got.body).toMatchObject({ handoff: true, reply: "Hi, this is Sam from Acme. How can I help?" });

    await replyAsTeamMember(h.db, { ...scope(id), content: "Sorted! Anything else?" });
    const polled = await fetch(`${api.url}/chat/custom/${acme.integrationId}/conversations/${id}/messages`, {
      headers: { "x-api-key": acme.apiKey },
    });
    const list = await polled.json();
    expect(list.handoff).toBe(true);
    expect(list.messages.at(-1)).toMatchObject({ role: "agent", content: "Sorted! Anything else?" });
    // delivered through the messages endpoint: not repeated in the next reply
    expect((await chat({ message: "No, thanks!", conversation_id: id })).body).toMatchObject({
      handoff: true,
      reply: "",
    });

    await returnToBot(h.db, scope(id));
    const back = await chat({ message: "Do you ship to Canada?", conversation_id: id });
    expect(back.body.handoff).toBe(false);
    expect(back.body.reply).toMatch(/Canada/);

    // No double replies and no silence: one bot answer for each user message the bot owned.
    expect(await transcript(id)).toEqual([
      "user: agent please",
      `assistant: ${DEFAULT_HANDOFF.handoffMessage}`,
      "user: Hello? Anyone there?",
      "agent: Hi, this is Sam from Acme. How can I help?",
      "user: I have a billing question",
      "agent: Sorted! Anything else?",
      "user: No, thanks!",
      "user: Do you ship to Canada?",
      `assistant: ${back.body.reply}`,
    ]);
    const sent = await h.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orderingKey, id), eq(webhookDeliveries.event, "message.created")));
    expect(sent).toHaveLength(2);
  });

  it("offers a person after two answers in a row it could not give, and hands over on yes", async () => {
    const first = await chat({ message: "What is the airspeed velocity of an unladen swallow?" });
    const id = first.body.conversation_id;
    expect(first.body.reply).not.toContain(DEFAULT_HANDOFF.offerMessage);
    const second = await chat({ message: "Who won the football world cup in 1966?", conversation_id: id });
    expect(second.body.reply).toContain(DEFAULT_HANDOFF.offerMessage);
    const yes = await chat({ message: "yes please", conversation_id: id });
    expect(yes.body).toMatchObject({ handoff: true, reply: DEFAULT_HANDOFF.handoffMessage });
    const [event] = await h.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orderingKey, id), eq(webhookDeliveries.event, "handoff.requested")));
    expect((event!.payload as { data: { reason: string } }).data.reason).toBe("accepted_offer");
  });

  it("declining the offer keeps the bot answering without offering again", async () => {
    const id = (await chat({ message: "What is the meaning of life?" })).body.conversation_id;
    expect((await chat({ message: "What's your favourite colour?", conversation_id: id })).body.reply).toContain(
      DEFAULT_HANDOFF.offerMessage,
    );
    const no = await chat({ message: "no thanks", conversation_id: id });
    expect(no.body.handoff).toBe(false);
    expect(no.body.reply).not.toContain(DEFAULT_HANDOFF.offerMessage);
    expect(await statusOf(id)).toBe("bot");
  });

  it("a resolved conversation is answered by the bot when the user writes again", async () => {
    const id = (await chat({ message: "talk to a person" })).body.conversation_id;
    await resolveConversation(h.db, scope(id));
    const again = await chat({ message: "What are your support hours?", conversation_id: id });
    expect(again.body.handoff).toBe(false);
    expect(again.body.reply).toMatch(/Monday to Friday/);
    expect(await statusOf(id)).toBe("bot");
  });

  it("with handoff switched off, asking for a person is just a question", async () => {
    const t = await createTenant(h.db);
    await h.db
      .update(bots)
      .set({ handoff: { ...DEFAULT_HANDOFF, enabled: false } })
      .where(eq(bots.id, t.botId));
    const r = await chat({ message: "Can I talk to a human?" }, t);
    expect(r.body.handoff).toBe(false);
  });
});

describe("lead capture through the API", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await createTenant(h.db);
    await h.db.insert(webhooks).values({
      id: newId("wh"),
      workspaceId: t.workspaceId,
      url: "https://hooks.example.com/x",
      secret: "s",
      events: ["lead.created"],
    });
    await h.db
      .update(bots)
      .set({ leadCapture: { ...DEFAULT_LEAD_CAPTURE, enabled: true, askAfterMessages: null } })
      .where(eq(bots.id, t.botId));
  });

  it("asks once on buying intent, captures the details, links the conversation, and never nags", async () => {
    const q = await chat({ message: "How much does the Pro plan cost?" }, t);
    expect(q.body.reply).toContain("$149");
    expect(q.body.reply).toContain(DEFAULT_LEAD_CAPTURE.askMessage);
    const id = q.body.conversation_id;
    const again = await chat({ message: "And the Scale plan, what is its price?", conversation_id: id }, t);
    expect(again.body.reply).not.toContain(DEFAULT_LEAD_CAPTURE.askMessage);

    const details = await chat({ message: "Sure: Ada Lovelace, ada@example.com", conversation_id: id }, t);
    expect(details.status).toBe(200);
    const [lead] = await h.db.select().from(leads).where(eq(leads.workspaceId, t.workspaceId));
    expect(lead).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      botId: t.botId,
      integrationId: t.integrationId,
    });
    expect((await h.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.leadId).toBe(lead!.id);
    const created = await h.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.workspaceId, t.workspaceId), eq(webhookDeliveries.event, "lead.created")));
    expect(created).toHaveLength(1);
  });

  it("the same person in another conversation is the same lead, with the new details merged", async () => {
    const id = (await chat({ message: "Hi, my email is ADA@example.com and my phone is +1 415 555 0132" }, t)).body
      .conversation_id;
    const all = await h.db.select().from(leads).where(eq(leads.workspaceId, t.workspaceId));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ email: "ada@example.com", phone: "+14155550132", name: "Ada Lovelace" });
    const links = await h.db.select().from(leadConversations).where(eq(leadConversations.leadId, all[0]!.id));
    expect(links.map((l) => l.conversationId)).toContain(id);
    const created = await h.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.workspaceId, t.workspaceId), eq(webhookDeliveries.event, "lead.created")));
    expect(created).toHaveLength(1); // merged, not created again
  });

  it("details and a question in one message: the question is answered, the lead captured", async () => {
    const r = await chat({ message: "I'm Grace Hopper, grace@navy.example, what does the Pro plan cost?" }, t);
    expect(r.body.reply).toContain("$149");
    const [lead] = await h.db.select().from(leads).where(eq(leads.email, "grace@navy.example"));
    expect(lead).toMatchObject({ name: "Grace Hopper", workspaceId: t.workspaceId });
  });

  it("messages without contact details make no lead", async () => {
    const before = await h.db.$count(leads);
    await chat({ message: "I'm interested in the Pro plan, order #123456789" }, t);
    expect(await h.db.$count(leads)).toBe(before);
  });
});

describe("lead capture asks for the required fields still missing", () => {
  it("email given, name required: the bot asks for the name once, then the lead is completed", async () => {
    const t = await createTenant(h.db);
    await h.db
      .update(bots)
      .set({
        leadCapture: {
          ...DEFAULT_LEAD_CAPTURE,
          enabled: true,
          askAfterMessages: null,
          askOnIntent: false,
          fields: { name: "required", email: "required", phone: "optional", company: "off" },
        },
      })
      .where(eq(bots.id, t.botId));
    const first = await chat({ message: "Do you ship to Canada? My email is lin@example.com" }, t);
    expect(first.body.reply).toMatch(/Canada/);
    expect(first.body.reply).toContain("Could you also share your name?");
    const id = first.body.conversation_id;
    const second = await chat({ message: "Lin Chen", conversation_id: id }, t);
    expect(second.body.reply).not.toContain("Could you also share");
    const [lead] = await h.db.select().from(leads).where(eq(leads.email, "lin@example.com"));
    expect(lead).toMatchObject({ name: "Lin Chen", email: "lin@example.com" });
    const third = await chat({ message: "What are your support hours?", conversation_id: id }, t);
    expect(third.body.reply).not.toContain("Could you also share");
  });
});
