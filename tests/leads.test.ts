/**
 * Leads: deduplication through captureLead (the path the chat pipeline uses), the Leads page's
 * search and filters (workspace-scoped), and the CSV export's escaping and formula defusing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import type { DbHandle } from "@/db";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { leadConversationIds, listLeads } from "@/db/queries/inbox";
import { createIntegration } from "@/db/queries/integrations";
import { captureLead } from "@/db/queries/leads";
import { createWebhook } from "@/db/queries/webhooks";
import { bots, conversations, leads, webhookDeliveries } from "@/db/schema";
import { csvCell, toCsv } from "@/lib/csv";
import { newId } from "@/lib/ids";
import { extractLeadDetails } from "@/lib/leads/extract";
import { parseLeadFilters } from "@/lib/validations/inbox";
import { openTestDb } from "./db";

type Tenant = { workspaceId: string; userId: string; botId: string; otherBotId: string; integrationId: string };

let h: DbHandle;
let mine: Tenant;
let theirs: Tenant;

async function tenant(label: string): Promise<Tenant> {
  const made = (await createUserWithWorkspace(h.db, {
    email: `${label}-${newId("usr").slice(4, 12).toLowerCase()}@example.com`,
    name: label,
    passwordHash: "x",
    workspaceName: label,
  }))!;
  const [bot, otherBot] = await h.db
    .insert(bots)
    .values([
      { id: newId("bot"), workspaceId: made.workspace.id, name: `${label} support` },
      { id: newId("bot"), workspaceId: made.workspace.id, name: `${label} sales` },
    ])
    .returning();
  const integration = (await createIntegration(h.db, {
    workspaceId: made.workspace.id,
    botId: bot!.id,
    name: `${label} website`,
    actorUserId: made.user.id,
  }))!;
  return {
    workspaceId: made.workspace.id,
    userId: made.user.id,
    botId: bot!.id,
    otherBotId: otherBot!.id,
    integrationId: integration.integration.id,
  };
}

async function conversation(t: Tenant, botId = t.botId) {
  const id = newId("conv");
  await h.db
    .insert(conversations)
    .values({ id, workspaceId: t.workspaceId, botId, integrationId: t.integrationId, channel: "api" });
  return id;
}

/** What the pipeline does with a user's message: extract details, capture them as a lead of the conversation. */
async function capture(t: Tenant, conversationId: string, message: string, botId = t.botId) {
  return captureLead(h.db, {
    workspaceId: t.workspaceId,
    conversationId,
    botId,
    integrationId: t.integrationId,
    details: extractLeadDetails(message),
  });
}

beforeAll(async () => {
  h = await openTestDb();
  mine = await tenant("mine");
  theirs = await tenant("theirs");
  await createWebhook(h.db, {
    workspaceId: mine.workspaceId,
    url: "https://hooks.example.com/leads",
    events: ["lead.created"],
    max: 10,
    actorUserId: mine.userId,
  });
});
afterAll(async () => {
  await h?.close();
});

const leadCount = (t: Tenant) => h.db.$count(leads, eq(leads.workspaceId, t.workspaceId));
const leadEvents = () => h.db.$count(webhookDeliveries, eq(webhookDeliveries.event, "lead.created"));

describe("dedupe", () => {
  it("the same email twice, in two conversations, is one lead linked to both, announced once", async () => {
    const first = await conversation(mine);
    const second = await conversation(mine);
    const a = (await capture(mine, first, "I'm Ada Lovelace, ada@example.com, what does Pro cost?"))!;
    expect(a.created).toBe(true);
    expect(a.lead).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: null,
      botId: mine.botId,
      integrationId: mine.integrationId,
    });
    const b = (await capture(mine, second, "It's ADA@Example.com again"))!;
    expect(b).toMatchObject({ created: false, lead: { id: a.lead.id, name: "Ada Lovelace" } });
    expect(await leadCount(mine)).toBe(1);
    expect((await leadConversationIds(h.db, { workspaceId: mine.workspaceId, leadId: a.lead.id })).sort()).toEqual(
      [first, second].sort(),
    );
    expect(await leadEvents()).toBe(1);
    const [conv] = await h.db.select().from(conversations).where(eq(conversations.id, second));
    expect(conv!.leadId).toBe(a.lead.id);
  });

  it("email first, then email and phone in another conversation: merged into one lead with both", async () => {
    const first = await conversation(mine);
    const second = await conversation(mine, mine.otherBotId);
    const a = (await capture(mine, first, "Reach me at grace@navy.example.org"))!;
    const b = (await capture(
      mine,
      second,
      "Grace Hopper here, grace@navy.example.org or +1 415 555 0132",
      mine.otherBotId,
    ))!;
    expect(b.created).toBe(false);
    expect(b.lead).toMatchObject({
      id: a.lead.id,
      email: "grace@navy.example.org",
      phone: "+14155550132",
      name: "Grace Hopper",
    });
    // Then the phone alone, in a third conversation, finds the same person.
    const third = await conversation(mine);
    const c = (await capture(mine, third, "call me on (415) 555-0132"))!;
    expect(c).toMatchObject({ created: false, lead: { id: a.lead.id } });
    expect(await leadConversationIds(h.db, { workspaceId: mine.workspaceId, leadId: a.lead.id })).toHaveLength(3);
  });

  it("the same email in another workspace is another lead; no contact details, no lead", async () => {
    const conv = await conversation(theirs);
    const made = (await capture(theirs, conv, "ada@example.com"))!;
    expect(made.created).toBe(true);
    expect(await leadCount(theirs)).toBe(1);
    expect(await capture(mine, await conversation(mine), "I'm Bob, just browsing")).toBeNull();
  });
});

describe("the leads page", () => {
  beforeAll(async () => {
    await capture(
      mine,
      await conversation(mine),
      "My name is Katherine Johnson, I work at NASA Langley. katherine@nasa.example.gov",
    );
    await capture(
      mine,
      await conversation(mine, mine.otherBotId),
      "Alan Turing here: alan@bletchley.example.co.uk, +44 20 7946 0018",
      mine.otherBotId,
    );
  });

  const search = async (params: Record<string, string>, t = mine) =>
    (await listLeads(h.db, { workspaceId: t.workspaceId, filters: parseLeadFilters(params) })).map((l) => l.email);

  it("lists the workspace's leads, newest first, with source and the latest conversation", async () => {
    const rows = await listLeads(h.db, { workspaceId: mine.workspaceId });
    expect(rows.map((r) => r.email)).toEqual([
      "alan@bletchley.example.co.uk",
      "katherine@nasa.example.gov",
      "grace@navy.example.org",
      "ada@example.com",
    ]);
    const grace = rows.find((r) => r.email === "grace@navy.example.org")!;
    expect(grace).toMatchObject({ botName: "mine support", integrationName: "mine website", conversationCount: 3 });
    expect(grace.latestConversationId).toMatch(/^conv_/);
    expect(await search({}, theirs)).toEqual(["ada@example.com"]);
  });

  it("searches name, email, phone (by digits, however written) and company", async () => {
    expect(await search({ q: "lovelace" })).toEqual(["ada@example.com"]);
    expect(await search({ q: "NAVY.example" })).toEqual(["grace@navy.example.org"]);
    expect(await search({ q: "(415) 555-0132" })).toEqual(["grace@navy.example.org"]);
    expect(await search({ q: "+44 20 7946" })).toEqual(["alan@bletchley.example.co.uk"]);
    expect(await search({ q: "nasa langley" })).toEqual(["katherine@nasa.example.gov"]);
    expect(await search({ q: "%" })).toEqual([]); // LIKE wildcards are matched literally
    expect(await search({ q: "_" })).toEqual([]);
  });

  it("filters by bot, integration and capture date", async () => {
    expect(await search({ bot: mine.otherBotId })).toEqual(["alan@bletchley.example.co.uk"]);
    expect((await search({ integration: mine.integrationId })).length).toBe(4);
    expect(await search({ integration: theirs.integrationId })).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await search({ from: today, to: today })).length).toBe(4);
    expect(await search({ from: tomorrow })).toEqual([]);
  });
});

describe("CSV export", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("Lovelace, Ada")).toBe('"Lovelace, Ada"');
    expect(csvCell('The "Analytical" Engine')).toBe('"The ""Analytical"" Engine"');
    expect(csvCell("line one\nline two")).toBe('"line one\nline two"');
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    );
    expect(csvCell("+14155550132")).toBe("'+14155550132");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A2)")).toBe("'@SUM(A1:A2)");
    expect(csvCell("\t=1+1")).toBe("'\t=1+1");
    expect(csvCell("\r=1+1")).toBe('"\'\r=1+1"');
    expect(csvCell("a=b")).toBe("a=b"); // only a leading sign is a formula
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(3)).toBe("3");
    expect(csvCell(new Date("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00.000Z");
  });

  it("a file that a CSV parser reads back cell for cell, with a BOM and CRLF line ends", () => {
    const rows = [
      ["Ada Lovelace", "ada@example.com", null, "Analytical, Engines & Co", 2],
      ['Eve "the hacker"', "=cmd|' /C calc'!A0", "+14155550132", "multi\nline", 0],
    ];
    const text = toCsv(["name", "email", "phone", "company", "conversations"], rows);
    expect(text.startsWith("\uFEFFname,email,phone,company,conversations\r\n")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    const parsed = parse(text, { bom: true }) as string[][];
    expect(parsed).toEqual([
      ["name", "email", "phone", "company", "conversations"],
      ["Ada Lovelace", "ada@example.com", "", "Analytical, Engines & Co", "2"],
      ['Eve "the hacker"', "'=cmd|' /C calc'!A0", "'+14155550132", "multi\nline", "0"],
    ]);
    for (const row of parsed.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
