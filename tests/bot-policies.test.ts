/**
 * A bot's lead capture and human handoff settings from the dashboard (issue 6): the actions validate
 * (a lead needs an email or a phone), save and audit only what changed, stay inside their workspace,
 * and the next Chat API request uses the new settings although the API caches each integration's bot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createBot, getBot, updateBot } from "@/db/queries/bots";
import { auditLog, DEFAULT_HANDOFF, DEFAULT_LEAD_CAPTURE, type Role } from "@/db/schema";
import { can } from "@/lib/permissions";
import { setLogSink } from "@/lib/log";
import { idleForm } from "@/lib/validations/form";
import { openTestDb } from "./db";
import { createTenant, postChat, startApiServer, type ApiServer, type Tenant } from "./fixtures/api-server";

const session = vi.hoisted(() => ({ current: null as null | { userId: string; workspaceId: string; role: Role } }));
vi.mock("@/lib/session", () => ({
  requireWorkspace: async () => {
    const s = session.current;
    if (!s) throw new Error("no session in test");
    return {
      user: { id: s.userId, name: "T", email: "t@example.com" },
      workspace: { id: s.workspaceId, name: "W", plan: "starter" },
      role: s.role,
      workspaces: [],
      can: (permission: Parameters<typeof can>[1]) => can(s.role, permission),
    };
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const actions = await import("@/app/(dashboard)/bots/actions");

let h: DbHandle;
let api: ApiServer;
let a: Tenant;
let b: Tenant;
const saved = { limits: process.env.PARLEY_PLAN_LIMITS, cache: process.env.PARLEY_AUTH_CACHE_MS };

beforeAll(async () => {
  setLogSink(() => {});
  process.env.PARLEY_PLAN_LIMITS = JSON.stringify({
    starter: { requestsPerMinute: 100_000, messagesPerMonth: 1_000_000 },
  });
  // A cached bot lives far longer than this file runs: only clearing the cache can make a change visible.
  process.env.PARLEY_AUTH_CACHE_MS = "600000";
  h = await openTestDb();
  api = await startApiServer();
  a = await createTenant(h.db);
  b = await createTenant(h.db, { knowledge: false });
});
afterAll(async () => {
  setLogSink(null);
  await api?.close();
  await h?.close();
  for (const [key, value] of [
    ["PARLEY_PLAN_LIMITS", saved.limits],
    ["PARLEY_AUTH_CACHE_MS", saved.cache],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
beforeEach(() => {
  session.current = { userId: a.userId, workspaceId: a.workspaceId, role: "owner" };
});

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

const leadForm = {
  enabled: "on",
  fieldName: "optional",
  fieldEmail: "required",
  fieldPhone: "off",
  fieldCompany: "optional",
  askAfterMessages: "4",
  askOnIntent: "on",
  askMessage: "  Happy to have someone follow up: what's your email?  ",
};
const handoffForm = {
  enabled: "on",
  onRequest: "on",
  offerAfterFailures: "3",
  offerMessage: "Shall I get a colleague?",
  handoffMessage: "A colleague will join shortly.",
};

const newBot = (name: string) => createBot(h.db, { workspaceId: a.workspaceId, name, actorUserId: a.userId });
const stored = async (botId: string) => (await getBot(h.db, { workspaceId: a.workspaceId, botId }))!;
const audits = (botId: string) =>
  h.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetId, botId), eq(auditLog.action, "bot.updated")))
    .orderBy(auditLog.id);

describe("lead capture settings", () => {
  it("saves the settings, auditing only what changed; saving them again audits nothing", async () => {
    const bot = await newBot("Leads");
    const result = await actions.updateLeadCaptureAction(bot.id, idleForm, form(leadForm));
    expect(result).toMatchObject({
      status: "saved",
      message: "Lead capture saved.",
      values: { enabled: "on", askAfterMessages: "4" },
    });
    expect((await stored(bot.id)).leadCapture).toEqual({
      enabled: true,
      fields: { name: "optional", email: "required", phone: "off", company: "optional" },
      askAfterMessages: 4,
      askOnIntent: true,
      askMessage: "Happy to have someone follow up: what's your email?",
    });
    const [row] = await audits(bot.id);
    expect(row!.actorUserId).toBe(a.userId);
    expect(row!.before).toEqual({
      leadCapture: {
        enabled: false,
        fields: { phone: "optional", company: "off" },
        askAfterMessages: 3,
        askMessage: DEFAULT_LEAD_CAPTURE.askMessage,
      },
    });
    expect(row!.after).toEqual({
      leadCapture: {
        enabled: true,
        fields: { phone: "off", company: "optional" },
        askAfterMessages: 4,
        askMessage: "Happy to have someone follow up: what's your email?",
      },
    });

    await actions.updateLeadCaptureAction(bot.id, idleForm, form(leadForm));
    expect(await audits(bot.id)).toHaveLength(1);
    expect((await stored(bot.id)).handoff).toEqual(DEFAULT_HANDOFF); // the other card's settings are untouched
  });

  it("unchecked boxes and an empty count mean off and never", async () => {
    const bot = await newBot("Quiet leads");
    const { askOnIntent: _i, enabled: _e, ...rest } = leadForm;
    expect(
      (await actions.updateLeadCaptureAction(bot.id, idleForm, form({ ...rest, askAfterMessages: " " }))).status,
    ).toBe("saved");
    expect((await stored(bot.id)).leadCapture).toMatchObject({
      enabled: false,
      askOnIntent: false,
      askAfterMessages: null,
    });
  });

  it("refuses to capture leads with both email and phone off, explaining why, keeping what was typed", async () => {
    const bot = await newBot("No contact");
    const bad = await actions.updateLeadCaptureAction(
      bot.id,
      idleForm,
      form({ ...leadForm, fieldEmail: "off", fieldPhone: "off" }),
    );
    expect(bad.status).toBe("error");
    expect(bad.fieldErrors?.fields).toEqual([expect.stringMatching(/needs an email or a phone number/)]);
    expect(bad.values).toMatchObject({ fieldEmail: "off", fieldPhone: "off", askMessage: leadForm.askMessage });
    expect((await stored(bot.id)).leadCapture).toEqual(DEFAULT_LEAD_CAPTURE);
    expect(await audits(bot.id)).toHaveLength(0);

    // Switched off, the same fields may be kept (nothing is captured anyway); a phone alone is enough.
    const { enabled: _e, ...off } = leadForm;
    expect(
      (await actions.updateLeadCaptureAction(bot.id, idleForm, form({ ...off, fieldEmail: "off", fieldPhone: "off" })))
        .status,
    ).toBe("saved");
    expect(
      (
        await actions.updateLeadCaptureAction(
          bot.id,
          idleForm,
          form({ ...leadForm, fieldEmail: "off", fieldPhone: "required" }),
        )
      ).status,
    ).toBe("saved");
    expect((await stored(bot.id)).leadCapture).toMatchObject({
      enabled: true,
      fields: { email: "off", phone: "required" },
    });
  });

  it.each([
    { field: "askAfterMessages", value: "0", what: "a count of 0", reason: /1 to 50/ },
    { field: "askAfterMessages", value: "51", what: "a count of 51", reason: /1 to 50/ },
    { field: "askAfterMessages", value: "2.5", what: "a fractional count", reason: /1 to 50/ },
    { field: "askAfterMessages", value: "three", what: "a count in words", reason: /1 to 50/ },
    { field: "askMessage", value: "   ", what: "a blank ask message", reason: /how the bot asks/ },
    { field: "askMessage", value: "x".repeat(501), what: "a 501-character ask message", reason: /at most 500/ },
    { field: "fieldName", value: "sometimes", what: "an unknown field mode", reason: /Off, Optional or Required/ },
  ])("refuses $what with the reason next to the field", async ({ field, value, reason }) => {
    const bot = await newBot("Picky");
    const bad = await actions.updateLeadCaptureAction(bot.id, idleForm, form({ ...leadForm, [field]: value }));
    expect(bad.status).toBe("error");
    const key = field.startsWith("field") ? "fields" : field;
    expect(bad.fieldErrors?.[key]?.[0]).toMatch(reason);
    expect((await stored(bot.id)).leadCapture).toEqual(DEFAULT_LEAD_CAPTURE);
  });
});

describe("handoff settings", () => {
  it("saves the settings with only the changes audited", async () => {
    const bot = await newBot("Handoff");
    expect(await actions.updateHandoffAction(bot.id, idleForm, form(handoffForm))).toMatchObject({
      status: "saved",
      message: "Handoff settings saved.",
    });
    expect((await stored(bot.id)).handoff).toEqual({
      enabled: true,
      onRequest: true,
      offerAfterFailures: 3,
      offerMessage: "Shall I get a colleague?",
      handoffMessage: "A colleague will join shortly.",
    });
    const [row] = await audits(bot.id);
    expect(row!.before).toEqual({
      handoff: {
        offerAfterFailures: 2,
        offerMessage: DEFAULT_HANDOFF.offerMessage,
        handoffMessage: DEFAULT_HANDOFF.handoffMessage,
      },
    });
    expect(row!.after).toEqual({
      handoff: {
        offerAfterFailures: 3,
        offerMessage: "Shall I get a colleague?",
        handoffMessage: "A colleague will join shortly.",
      },
    });
    expect((await stored(bot.id)).leadCapture).toEqual(DEFAULT_LEAD_CAPTURE);

    const { enabled: _e, onRequest: _o, ...rest } = handoffForm;
    expect(
      (await actions.updateHandoffAction(bot.id, idleForm, form({ ...rest, offerAfterFailures: "" }))).status,
    ).toBe("saved");
    expect((await stored(bot.id)).handoff).toMatchObject({
      enabled: false,
      onRequest: false,
      offerAfterFailures: null,
    });
  });

  it.each([
    { field: "offerAfterFailures", value: "0", what: "0 answers", reason: /1 to 10/ },
    { field: "offerAfterFailures", value: "11", what: "11 answers", reason: /1 to 10/ },
    { field: "offerAfterFailures", value: "-1", what: "a negative count", reason: /1 to 10/ },
    { field: "offerMessage", value: "", what: "an empty offer message", reason: /offers to connect a person/ },
    {
      field: "handoffMessage",
      value: "\u0000 ",
      what: "a handoff message of only a NUL and a space",
      reason: /when it hands over/,
    },
    { field: "handoffMessage", value: "y".repeat(501), what: "a 501-character handoff message", reason: /at most 500/ },
  ])("refuses $what with the reason next to the field", async ({ field, value, reason }) => {
    const bot = await newBot("Strict");
    const bad = await actions.updateHandoffAction(bot.id, idleForm, form({ ...handoffForm, [field]: value }));
    expect(bad.status).toBe("error");
    expect(bad.fieldErrors?.[field]?.[0]).toMatch(reason);
    expect(bad.values?.[field]).toBe(value);
    expect((await stored(bot.id)).handoff).toEqual(DEFAULT_HANDOFF);
  });
});

describe("who may change them", () => {
  it("members and viewers are refused; another workspace's bot id is a missing bot; nothing changes", async () => {
    const bot = await newBot("Guarded policies");
    for (const role of ["member", "viewer"] as const) {
      session.current = { userId: a.userId, workspaceId: a.workspaceId, role };
      expect(await actions.updateLeadCaptureAction(bot.id, idleForm, form(leadForm))).toMatchObject({
        status: "error",
        message: expect.stringMatching(/role cannot change bots/),
      });
      expect(await actions.updateHandoffAction(bot.id, idleForm, form(handoffForm))).toMatchObject({
        status: "error",
        message: expect.stringMatching(/role cannot change bots/),
      });
    }
    // The owner of workspace B, pointing at A's bot.
    session.current = { userId: b.userId, workspaceId: b.workspaceId, role: "owner" };
    expect(await actions.updateLeadCaptureAction(bot.id, idleForm, form(leadForm))).toMatchObject({
      status: "error",
      message: "This bot no longer exists.",
    });
    expect(await actions.updateHandoffAction(bot.id, idleForm, form(handoffForm))).toMatchObject({
      status: "error",
      message: "This bot no longer exists.",
    });
    expect(
      await updateBot(h.db, {
        workspaceId: b.workspaceId,
        botId: bot.id,
        actorUserId: b.userId,
        settings: { handoff: { ...DEFAULT_HANDOFF, enabled: false } },
      }),
    ).toBeNull();

    const after = await stored(bot.id);
    expect(after.leadCapture).toEqual(DEFAULT_LEAD_CAPTURE);
    expect(after.handoff).toEqual(DEFAULT_HANDOFF);
    expect(await audits(bot.id)).toHaveLength(0);
  });
});

describe("the next API request uses the new settings", () => {
  const chat = (body: Record<string, unknown>) => postChat(api.url, a.integrationId, a.apiKey, body);

  it("turning lead capture on makes the next reply to buying intent ask for contact details", async () => {
    const before = await chat({ message: "How much does the Pro plan cost?" }); // caches the integration's bot, lead capture off
    expect(before.status).toBe(200);
    expect(before.body.reply).toContain("$149");
    expect(before.body.reply).not.toContain(DEFAULT_LEAD_CAPTURE.askMessage);

    const askMessage = "Would you like a quote? Leave your email and we'll send one.";
    await updateBot(h.db, {
      workspaceId: a.workspaceId,
      botId: a.botId,
      actorUserId: a.userId,
      settings: { leadCapture: { ...DEFAULT_LEAD_CAPTURE, enabled: true, askAfterMessages: null, askMessage } },
    });
    const after = await chat({ message: "How much does the Pro plan cost?" });
    expect(after.body.reply).toContain("$149");
    expect(after.body.reply.endsWith(askMessage)).toBe(true);
    // Asked once: the same conversation is not asked again.
    const again = await chat({
      message: "And what is the price of Starter?",
      conversation_id: after.body.conversation_id,
    });
    expect(again.body.reply).not.toContain(askMessage);
  });

  it("switching handoff off in the dashboard makes asking for a person just a question", async () => {
    const asked = await chat({ message: "Can I talk to a human?" });
    expect(asked.body).toMatchObject({ handoff: true, reply: DEFAULT_HANDOFF.handoffMessage });

    const { enabled: _e, ...off } = handoffForm;
    expect((await actions.updateHandoffAction(a.botId, idleForm, form(off))).status).toBe("saved");
    const again = await chat({ message: "Can I talk to a human?" });
    expect(again.body.handoff).toBe(false);
    expect(again.body.reply).not.toContain("colleague");
  });
});
