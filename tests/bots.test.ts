import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import {
  auditLog,
  conversations,
  integrations,
  knowledgeChunks,
  knowledgeSources,
  messages,
  type Role,
} from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { botDeletionImpact, createBot, deleteBot, getBot, listBots, updateBot } from "@/db/queries/bots";
import { createIntegration, deleteIntegration } from "@/db/queries/integrations";
import { insertSource } from "@/db/queries/knowledge";
import { saveExchange } from "@/db/queries/conversations";
import { processNextSource } from "@/lib/knowledge/ingest";
import { can } from "@/lib/permissions";
import { idleForm } from "@/lib/validations/form";
import { startOpenAiServer } from "./fixtures/openai-server";
import { openTestDb } from "./db";

// The actions read the session through requireWorkspace; the test decides who is asking (and in
// which role: members and viewers join through invitations, which are not built yet).
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
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error(`redirect ${url}`), { redirectTo: url });
  },
}));

const actions = await import("@/app/(dashboard)/bots/actions");
const upload = await import("@/app/(dashboard)/bots/[botId]/sources/route");

let h: DbHandle;
let a: { userId: string; workspaceId: string };
let b: { userId: string; workspaceId: string };

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  h = await openTestDb();
  const ma = await createUserWithWorkspace(h.db, {
    email: "owner-a@example.com",
    name: "A",
    passwordHash: "x",
    workspaceName: "A",
  });
  const mb = await createUserWithWorkspace(h.db, {
    email: "owner-b@example.com",
    name: "B",
    passwordHash: "x",
    workspaceName: "B",
  });
  a = { userId: ma!.user.id, workspaceId: ma!.workspace.id };
  b = { userId: mb!.user.id, workspaceId: mb!.workspace.id };
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  session.current = { ...a, role: "owner" };
});

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

const settings = {
  name: "Renamed",
  instructions: "Be brief.",
  welcomeMessage: "Hello there!",
  fallbackMessage: "Ask our team at help@example.com.",
  engine: "builtin" as const,
};

async function auditActions(workspaceId: string, targetId: string) {
  const rows = await h.db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.targetId, targetId)))
    .orderBy(auditLog.id);
  return rows.map((r) => r.action);
}

describe("bots: query layer", () => {
  it("creates a bot with sensible defaults and an audit row", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Support", actorUserId: a.userId });
    expect(bot.engine).toBe("builtin");
    expect(bot.welcomeMessage).toMatch(/help/i);
    expect(bot.fallbackMessage.length).toBeGreaterThan(10);
    expect(await auditActions(a.workspaceId, bot.id)).toEqual(["bot.created"]);
  });

  it("updates settings, auditing only the fields that changed; another workspace's id changes nothing", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Before", actorUserId: a.userId });
    expect(
      await updateBot(h.db, { workspaceId: b.workspaceId, botId: bot.id, actorUserId: b.userId, settings }),
    ).toBeNull();
    expect((await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id }))!.name).toBe("Before");
    expect(await getBot(h.db, { workspaceId: b.workspaceId, botId: bot.id })).toBeUndefined();

    const updated = await updateBot(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      actorUserId: a.userId,
      settings,
    });
    expect(updated).toMatchObject(settings);
    const [row] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, bot.id), eq(auditLog.action, "bot.updated")));
    expect(row!.workspaceId).toBe(a.workspaceId);
    expect(row!.before).toMatchObject({ name: "Before" });
    expect(row!.after).toMatchObject({ name: "Renamed", instructions: "Be brief." });
    expect(Object.keys(row!.after as object)).not.toContain("engine"); // unchanged

    // Saving the same settings again writes no audit row.
    await updateBot(h.db, { workspaceId: a.workspaceId, botId: bot.id, actorUserId: a.userId, settings });
    expect(await auditActions(a.workspaceId, bot.id)).toEqual(["bot.created", "bot.updated"]);
  });

  it("lists bots with sources, chunks and live integrations, only for their own workspace", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Counted", actorUserId: a.userId });
    await insertSource(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      kind: "text",
      title: "One",
      input: "# One\n\nFirst fact.\n\n# Two\n\nSecond fact.",
    });
    await insertSource(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      kind: "file",
      title: "bad.pdf",
      fileName: "bad.pdf",
      fileData: Buffer.from("%PDF-1.4 junk"),
    });
    while (await processNextSource(h.db)) {}
    const live = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      name: "Site",
      actorUserId: a.userId,
    });
    const gone = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      name: "Old site",
      actorUserId: a.userId,
    });
    await deleteIntegration(h.db, {
      workspaceId: a.workspaceId,
      integrationId: gone!.integration.id,
      actorUserId: a.userId,
    });

    const listed = (await listBots(h.db, a.workspaceId)).find((x) => x.id === bot.id);
    expect(listed).toMatchObject({ name: "Counted", sources: 2, chunks: 2, failed: 1, importing: 0, integrations: 1 });
    expect((await listBots(h.db, b.workspaceId)).map((x) => x.id)).not.toContain(bot.id);
    await deleteIntegration(h.db, {
      workspaceId: a.workspaceId,
      integrationId: live!.integration.id,
      actorUserId: a.userId,
    });
  });

  it("refuses to delete a bot a live integration uses, naming it, and changes nothing", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Busy", actorUserId: a.userId });
    const made = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      name: "Website widget",
      actorUserId: a.userId,
    });
    const result = await deleteBot(h.db, { workspaceId: a.workspaceId, botId: bot.id, actorUserId: a.userId });
    expect(result).toEqual({
      ok: false,
      reason: "in_use",
      integrations: [{ id: made!.integration.id, name: "Website widget" }],
    });
    expect(await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id })).toBeDefined();
    expect(await auditActions(a.workspaceId, bot.id)).toEqual(["bot.created"]);
  });

  it("deletes a bot whose integrations were all deleted: their records, its knowledge and conversations go too", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Retired", actorUserId: a.userId });
    const src = await insertSource(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      kind: "text",
      title: "Facts",
      input: "Retired facts.",
    });
    while (await processNextSource(h.db)) {}
    const made = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      name: "Old API",
      actorUserId: a.userId,
    });
    const integrationId = made!.integration.id;
    await saveExchange(h.db, {
      conversation: {
        id: "conv_api1",
        workspaceId: a.workspaceId,
        botId: bot.id,
        integrationId,
        externalUserId: "u1",
        channel: "api",
      },
      userMessage: "hi",
      reply: { content: "hello", sources: [], engine: "builtin", kind: "answer", latencyMs: 1 },
    });
    await saveExchange(h.db, {
      conversation: {
        id: "conv_test1",
        workspaceId: a.workspaceId,
        botId: bot.id,
        integrationId: null,
        externalUserId: null,
        channel: "test",
      },
      userMessage: "hi",
      reply: { content: "hello", sources: [], engine: "builtin", kind: "answer", latencyMs: 1 },
    });
    await deleteIntegration(h.db, { workspaceId: a.workspaceId, integrationId, actorUserId: a.userId });

    expect(await botDeletionImpact(h.db, { workspaceId: a.workspaceId, botId: bot.id })).toEqual({
      liveIntegrations: [],
      sources: 1,
      testConversations: 1,
      apiConversations: 1,
    });
    // Another workspace's owner cannot delete it.
    expect(await deleteBot(h.db, { workspaceId: b.workspaceId, botId: bot.id, actorUserId: b.userId })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id })).toBeDefined();

    expect(await deleteBot(h.db, { workspaceId: a.workspaceId, botId: bot.id, actorUserId: a.userId })).toEqual({
      ok: true,
      name: "Retired",
    });
    expect(await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id })).toBeUndefined();
    expect(await h.db.select().from(integrations).where(eq(integrations.id, integrationId))).toEqual([]);
    expect(await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, src.id))).toEqual([]);
    expect(await h.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.botId, bot.id))).toEqual([]);
    expect(await h.db.select().from(conversations).where(eq(conversations.botId, bot.id))).toEqual([]);
    const [audit] = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, bot.id), eq(auditLog.action, "bot.deleted")));
    expect(audit!.before).toMatchObject({ name: "Retired", sources: 1, removedDeletedIntegrations: [integrationId] });
    expect(audit!.actorUserId).toBe(a.userId);
  });
});

describe("bots: server actions check role and workspace", () => {
  it("an owner creates a bot and lands on its page; a validation error keeps what was typed", async () => {
    const bad = await actions.createBotAction(idleForm, form({ name: "   " }));
    expect(bad.status).toBe("error");
    expect(bad.fieldErrors?.name?.[0]).toMatch(/name/i);
    await expect(actions.createBotAction(idleForm, form({ name: "From the form" }))).rejects.toMatchObject({
      redirectTo: expect.stringMatching(/^\/bots\/bot_/),
    });
    expect((await listBots(h.db, a.workspaceId)).some((x) => x.name === "From the form")).toBe(true);
  });

  it("refuses every change for a member or a viewer, and changes nothing", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Guarded", actorUserId: a.userId });
    const src = await insertSource(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      kind: "text",
      title: "Kept",
      input: "Kept.",
    });
    while (await processNextSource(h.db)) {}
    for (const role of ["member", "viewer"] as const) {
      session.current = { ...a, role };
      const created = await actions.createBotAction(idleForm, form({ name: `By ${role}` }));
      expect(created).toMatchObject({
        status: "error",
        message: expect.stringMatching(/role cannot change bots/),
        values: { name: `By ${role}` },
      });
      expect((await actions.updateBotAction(bot.id, idleForm, form({ ...settings, name: "Hacked" }))).status).toBe(
        "error",
      );
      expect((await actions.deleteBotAction(bot.id, idleForm, form({ confirm: "Guarded" }))).status).toBe("error");
      expect((await actions.addTextSourceAction(bot.id, idleForm, form({ title: "X", text: "Y" }))).status).toBe(
        "error",
      );
      expect(
        (await actions.addUrlSourceAction(bot.id, idleForm, form({ url: "https://example.com", mode: "page" }))).status,
      ).toBe("error");
      expect((await actions.resyncSourceAction(bot.id, src.id)).status).toBe("error");
      expect((await actions.deleteSourceAction(bot.id, src.id)).status).toBe("error");
      const res = await upload.POST(uploadRequest(bot.id, "notes.txt", "Some notes."), {
        params: Promise.resolve({ botId: bot.id }),
      });
      expect(res.status).toBe(403);
    }
    const chat = await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "hi" });
    expect(chat).toMatchObject({ status: "error", code: "forbidden" }); // a viewer only reads
    session.current = { ...a, role: "member" };
    expect((await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "hi" })).status).toBe("saved"); // members may test

    expect((await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id }))!.name).toBe("Guarded");
    const sources = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.botId, bot.id));
    expect(sources.map((s) => [s.title, s.status])).toEqual([["Kept", "ready"]]);
    expect((await listBots(h.db, a.workspaceId)).some((x) => x.name.startsWith("By "))).toBe(false);
  });

  it("treats another workspace's bot and source ids exactly like missing ones", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Private", actorUserId: a.userId });
    const src = await insertSource(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      kind: "text",
      title: "Secret",
      input: "Secret sauce recipe.",
    });
    while (await processNextSource(h.db)) {}
    session.current = { ...b, role: "owner" };

    expect(await actions.updateBotAction(bot.id, idleForm, form(settings))).toMatchObject({
      status: "error",
      message: "This bot no longer exists.",
    });
    expect(await actions.deleteBotAction(bot.id, idleForm, form({ confirm: "Private" }))).toMatchObject({
      status: "error",
      message: "This bot no longer exists.",
    });
    expect(await actions.addTextSourceAction(bot.id, idleForm, form({ title: "X", text: "Y" }))).toMatchObject({
      message: "This bot no longer exists.",
    });
    expect(
      await actions.addUrlSourceAction(bot.id, idleForm, form({ url: "https://example.com", mode: "page" })),
    ).toMatchObject({
      message: "This bot no longer exists.",
    });
    expect(await actions.resyncSourceAction(bot.id, src.id)).toEqual({
      status: "error",
      message: "This source no longer exists.",
    });
    expect(await actions.deleteSourceAction(bot.id, src.id)).toEqual({
      status: "error",
      message: "This source no longer exists.",
    });
    expect(
      await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "secret sauce?" }),
    ).toMatchObject({ status: "error", code: "not_found" });
    const res = await upload.POST(uploadRequest(bot.id, "x.txt", "x"), { params: Promise.resolve({ botId: bot.id }) });
    expect(res.status).toBe(404);

    expect((await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id }))!.name).toBe("Private");
    const [row] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, src.id));
    expect(row!.status).toBe("ready");
    expect(
      await h.db
        .select()
        .from(knowledgeSources)
        .where(and(eq(knowledgeSources.botId, bot.id), sql`${knowledgeSources.id} <> ${src.id}`)),
    ).toEqual([]);
    const [{ n } = { n: 0 }] = await h.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(auditLog)
      .where(eq(auditLog.workspaceId, b.workspaceId));
    expect(n).toBe(1); // only workspace.created
  });

  it("saves settings with field errors next to fields and the typed values kept", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Editable", actorUserId: a.userId });
    const bad = await actions.updateBotAction(
      bot.id,
      idleForm,
      form({ ...settings, name: "", welcomeMessage: "", instructions: "Typed instructions" }),
    );
    expect(bad.status).toBe("error");
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["name", "welcomeMessage"]);
    expect(bad.values).toMatchObject({ instructions: "Typed instructions", fallbackMessage: settings.fallbackMessage });
    const good = await actions.updateBotAction(bot.id, idleForm, form({ ...settings, name: "  Edited  " }));
    expect(good.status).toBe("saved");
    expect((await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id }))!.name).toBe("Edited");
  });

  it("deletes a bot only when its name is typed, and explains which integration blocks it", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Doomed", actorUserId: a.userId });
    expect(
      (await actions.deleteBotAction(bot.id, idleForm, form({ confirm: "doomed" }))).fieldErrors?.confirm,
    ).toBeDefined();
    const made = await createIntegration(h.db, {
      workspaceId: a.workspaceId,
      botId: bot.id,
      name: "Checkout help",
      actorUserId: a.userId,
    });
    const blocked = await actions.deleteBotAction(bot.id, idleForm, form({ confirm: "Doomed" }));
    expect(blocked.status).toBe("error");
    expect(blocked.message).toMatch(/“Checkout help”.*Delete it first/);
    await deleteIntegration(h.db, {
      workspaceId: a.workspaceId,
      integrationId: made!.integration.id,
      actorUserId: a.userId,
    });
    await expect(actions.deleteBotAction(bot.id, idleForm, form({ confirm: "Doomed" }))).rejects.toMatchObject({
      redirectTo: "/bots?deleted=Doomed",
    });
    expect(await getBot(h.db, { workspaceId: a.workspaceId, botId: bot.id })).toBeUndefined();
  });
});

describe("knowledge from the dashboard", () => {
  it("imports pasted text during the request, so it is ready at once", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Paste", actorUserId: a.userId });
    const bad = await actions.addTextSourceAction(bot.id, idleForm, form({ title: "", text: "Only text" }));
    expect(bad).toMatchObject({
      status: "error",
      fieldErrors: { title: [expect.any(String)] },
      values: { text: "Only text" },
    });
    const saved = await actions.addTextSourceAction(
      bot.id,
      idleForm,
      form({ title: "Hours", text: "# Hours\n\nWe open at 9am." }),
    );
    expect(saved.status).toBe("saved");
    const [src] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.botId, bot.id));
    expect(src).toMatchObject({ title: "Hours", status: "ready", chunkCount: 1 });
  });

  it("queues an upload with its bytes stored, refuses obvious non-documents, oversize bodies and other origins", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Uploads", actorUserId: a.userId });
    const ctx = { params: Promise.resolve({ botId: bot.id }) };
    const ok = await upload.POST(uploadRequest(bot.id, "faq.md", "# FAQ\n\nWe ship worldwide."), ctx);
    expect(ok.status).toBe(200);
    const [src] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.botId, bot.id));
    expect(src).toMatchObject({ kind: "file", title: "faq.md", fileName: "faq.md", status: "queued" });
    expect(src!.fileData!.toString()).toBe("# FAQ\n\nWe ship worldwide.");

    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    const refused = await upload.POST(uploadRequest(bot.id, "manual.pdf", png), ctx);
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { error: string }).error).toMatch(/“manual\.pdf” is a PNG file/);

    const huge = await upload.POST(uploadRequest(bot.id, "big.txt", Buffer.alloc(10 * 1024 * 1024 + 1, "a")), ctx);
    expect(huge.status).toBe(413);
    const empty = await upload.POST(uploadRequest(bot.id, "empty.txt", ""), ctx);
    expect(empty.status).toBe(400);
    const foreign = await upload.POST(uploadRequest(bot.id, "x.txt", "x", "https://evil.example"), ctx);
    expect(foreign.status).toBe(403);
    expect(await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.botId, bot.id))).toHaveLength(1);
  });
});

describe("test chat", () => {
  it("answers through the API's pipeline with memory, stores a test conversation, and says what it used", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Chatty", actorUserId: a.userId });
    await actions.addTextSourceAction(
      bot.id,
      idleForm,
      form({
        title: "Plans",
        text: "# Plans\n\n## Pro plan\nThe Pro plan includes phone support and costs $99 per month.\n\n## Basic plan\nThe Basic plan costs $9 per month.",
      }),
    );
    const first = await actions.sendTestMessageAction(bot.id, {
      conversationId: null,
      message: "Tell me about the Pro plan",
    });
    if (!first.answer) throw new Error(first.message);
    expect(first.answer.engine).toBe("builtin");
    expect(first.answer.sources.map((s) => s.title)).toContain("Plans");
    const follow = await actions.sendTestMessageAction(bot.id, {
      conversationId: first.answer.conversationId,
      message: "How much does it cost?",
    });
    if (!follow.answer) throw new Error(follow.message);
    expect(follow.answer.reply).toMatch(/\$99/);
    expect(follow.answer.conversationId).toBe(first.answer.conversationId);

    const [conv] = await h.db.select().from(conversations).where(eq(conversations.id, first.answer.conversationId));
    expect(conv).toMatchObject({ channel: "test", integrationId: null, botId: bot.id, workspaceId: a.workspaceId });
    const stored = await h.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conv!.id))
      .orderBy(messages.createdAt);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(stored[3]!.sources?.[0]?.title).toBe("Plans");
    expect(stored[3]!.engine).toBe("builtin");
  });

  it("will not continue another bot's, another workspace's or an API conversation", async () => {
    const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Strict", actorUserId: a.userId });
    const other = await createBot(h.db, { workspaceId: a.workspaceId, name: "Other", actorUserId: a.userId });
    const theirs = await actions.sendTestMessageAction(other.id, { conversationId: null, message: "hello" });
    if (!theirs.answer) throw new Error(theirs.message);
    expect(
      await actions.sendTestMessageAction(bot.id, { conversationId: theirs.answer.conversationId, message: "hi" }),
    ).toMatchObject({
      status: "error",
      code: "conversation_not_found",
    });
    await saveExchange(h.db, {
      conversation: {
        id: "conv_api_strict",
        workspaceId: a.workspaceId,
        botId: bot.id,
        integrationId: null,
        externalUserId: null,
        channel: "api",
      },
      userMessage: "hi",
      reply: null,
    });
    expect(
      await actions.sendTestMessageAction(bot.id, { conversationId: "conv_api_strict", message: "hi" }),
    ).toMatchObject({ code: "conversation_not_found" });
    expect(await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "   " })).toMatchObject({
      status: "error",
      code: "invalid",
    });
    expect(
      await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "x".repeat(8001) }),
    ).toMatchObject({ status: "error", code: "invalid" });
  });
});

describe("test chat with the model engine", () => {
  it("answers through the configured model, and explains a failing model without storing anything", async () => {
    const model = await startOpenAiServer();
    const env = {
      LLM_BASE_URL: process.env.LLM_BASE_URL,
      LLM_MODEL: process.env.LLM_MODEL,
      LLM_TIMEOUT_MS: process.env.LLM_TIMEOUT_MS,
    };
    process.env.LLM_BASE_URL = model.url;
    process.env.LLM_MODEL = "test-model";
    process.env.LLM_TIMEOUT_MS = "2000";
    try {
      const bot = await createBot(h.db, { workspaceId: a.workspaceId, name: "Modelled", actorUserId: a.userId });
      await updateBot(h.db, {
        workspaceId: a.workspaceId,
        botId: bot.id,
        actorUserId: a.userId,
        settings: { ...settings, name: "Modelled", engine: "llm" },
      });
      await actions.addTextSourceAction(
        bot.id,
        idleForm,
        form({ title: "Hours", text: "We open at 9am on weekdays." }),
      );

      const ok = await actions.sendTestMessageAction(bot.id, { conversationId: null, message: "When do you open?" });
      if (!ok.answer) throw new Error(ok.message);
      expect(ok.answer.engine).toBe("llm");
      expect(ok.answer.reply).toMatch(/^Echo: When do you open\? \| context: \[1\] Hours/);
      expect(ok.answer.sources.map((s) => s.title)).toEqual(["Hours"]);

      model.setMode("fail");
      const failed = await actions.sendTestMessageAction(bot.id, {
        conversationId: ok.answer.conversationId,
        message: "And on Sundays?",
      });
      expect(failed).toMatchObject({
        status: "error",
        code: "generation_failed",
        message: expect.stringMatching(/model could not answer/),
      });
      const stored = await h.db.select().from(messages).where(eq(messages.conversationId, ok.answer.conversationId));
      expect(stored).toHaveLength(2); // the failed exchange left nothing behind
    } finally {
      Object.assign(process.env, env);
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
      await model.close();
    }
  });
});

function uploadRequest(botId: string, fileName: string, content: string | Buffer, origin = "http://localhost:3000") {
  const body = new FormData();
  body.set("file", new File([typeof content === "string" ? content : new Uint8Array(content)], fileName));
  return new Request(`http://localhost:3000/bots/${botId}/sources`, {
    method: "POST",
    body,
    headers: { origin, host: "localhost:3000" },
  });
}
