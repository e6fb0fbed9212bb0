"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { createBot, deleteBot, getBot, updateBot } from "@/db/queries/bots";
import { deleteSource, insertSource, requeueSource } from "@/db/queries/knowledge";
import { answerTestMessage, type TestChatResult } from "@/lib/bots/test-chat";
import { importSourceNow } from "@/lib/knowledge/ingest";
import { wakeIngestionWorker } from "@/lib/knowledge/worker";
import { requireWorkspace } from "@/lib/session";
import {
  botSettingsSchema,
  createBotSchema,
  handoffSchema,
  leadCaptureSchema,
  MAX_TEST_MESSAGE_CHARS,
  textSourceSchema,
  urlSourceSchema,
} from "@/lib/validations/bots";
import { formValues, invalid, type FormState } from "@/lib/validations/form";

const FORBIDDEN = "Your role cannot change bots. Ask an owner or admin.";
const NOT_FOUND = "This bot no longer exists.";
/** Pasted text up to this size is imported during the request, so it is searchable as soon as the page reloads. */
const IMPORT_INLINE_CHARS = 50_000;

export async function createBotAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = createBotSchema.safeParse({ name: form.get("name") });
  if (!parsed.success) return invalid(parsed.error, form);
  const bot = await createBot(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, name: parsed.data.name });
  revalidatePath("/bots");
  redirect(`/bots/${bot.id}`);
}

export async function updateBotAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = botSettingsSchema.safeParse({
    name: form.get("name"),
    instructions: form.get("instructions") ?? "",
    welcomeMessage: form.get("welcomeMessage"),
    fallbackMessage: form.get("fallbackMessage"),
    engine: form.get("engine"),
  });
  if (!parsed.success) return invalid(parsed.error, form);
  const updated = await updateBot(await getDb(), { workspaceId: workspace.id, botId, actorUserId: user.id, settings: parsed.data });
  if (!updated) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  revalidatePath(`/bots/${botId}`);
  revalidatePath("/bots");
  return { status: "saved", message: "Settings saved.", values: formValues(form) };
}

/** Lead capture: on/off, the fields to collect, when to ask, and how. */
export async function updateLeadCaptureAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = leadCaptureSchema.safeParse({
    enabled: form.get("enabled") === "on",
    fields: { name: form.get("fieldName"), email: form.get("fieldEmail"), phone: form.get("fieldPhone"), company: form.get("fieldCompany") },
    askAfterMessages: form.get("askAfterMessages") ?? "",
    askOnIntent: form.get("askOnIntent") === "on",
    askMessage: form.get("askMessage"),
  });
  if (!parsed.success) return invalid(parsed.error, form);
  const updated = await updateBot(await getDb(), { workspaceId: workspace.id, botId, actorUserId: user.id, settings: { leadCapture: parsed.data } });
  if (!updated) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  revalidatePath(`/bots/${botId}`);
  return { status: "saved", message: "Lead capture saved.", values: formValues(form) };
}

/** Human handoff: on/off, when the bot hands over or offers a person, and what it says. */
export async function updateHandoffAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = handoffSchema.safeParse({
    enabled: form.get("enabled") === "on",
    onRequest: form.get("onRequest") === "on",
    offerAfterFailures: form.get("offerAfterFailures") ?? "",
    offerMessage: form.get("offerMessage"),
    handoffMessage: form.get("handoffMessage"),
  });
  if (!parsed.success) return invalid(parsed.error, form);
  const updated = await updateBot(await getDb(), { workspaceId: workspace.id, botId, actorUserId: user.id, settings: { handoff: parsed.data } });
  if (!updated) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  revalidatePath(`/bots/${botId}`);
  return { status: "saved", message: "Handoff settings saved.", values: formValues(form) };
}

export async function deleteBotAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN };
  const db = await getDb();
  const bot = await getBot(db, { workspaceId: workspace.id, botId });
  if (!bot) return { status: "error", message: NOT_FOUND };
  const confirm = String(form.get("confirm") ?? "").trim();
  if (confirm !== bot.name) {
    return { status: "error", fieldErrors: { confirm: ["Type the bot's name exactly to confirm."] }, values: formValues(form) };
  }
  const result = await deleteBot(db, { workspaceId: workspace.id, botId, actorUserId: user.id });
  if (!result.ok && result.reason === "not_found") return { status: "error", message: NOT_FOUND };
  if (!result.ok) {
    const one = result.integrations.length === 1;
    const names = result.integrations.map((i) => `“${i.name}”`).join(", ");
    return {
      status: "error",
      message: `This bot answers for the ${one ? "integration" : "integrations"} ${names}. Delete ${one ? "it" : "them"} first, then delete the bot.`,
    };
  }
  revalidatePath("/bots");
  // Straight to the list: re-rendering the deleted bot's page would show a 404.
  redirect(`/bots?deleted=${encodeURIComponent(result.name)}`);
}

export async function addTextSourceAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = textSourceSchema.safeParse({ title: form.get("title"), text: form.get("text") });
  if (!parsed.success) return invalid(parsed.error, form);
  const db = await getDb();
  if (!(await getBot(db, { workspaceId: workspace.id, botId }))) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  const source = await insertSource(db, { workspaceId: workspace.id, botId, kind: "text", title: parsed.data.title, input: parsed.data.text });
  if (parsed.data.text.length <= IMPORT_INLINE_CHARS) await importSourceNow(db, source.id);
  else wakeIngestionWorker();
  revalidatePath(`/bots/${botId}`);
  return { status: "saved", message: `“${parsed.data.title}” added.` };
}

export async function addUrlSourceAction(botId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = urlSourceSchema.safeParse({ url: form.get("url"), mode: form.get("mode"), title: form.get("title") ?? undefined });
  if (!parsed.success) return invalid(parsed.error, form);
  const db = await getDb();
  if (!(await getBot(db, { workspaceId: workspace.id, botId }))) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  const { url, mode, title } = parsed.data;
  const defaultTitle = mode === "sitemap" ? `Pages of ${new URL(url).hostname}` : url;
  await insertSource(db, { workspaceId: workspace.id, botId, kind: mode === "sitemap" ? "sitemap" : "url", title: title || defaultTitle, input: url });
  wakeIngestionWorker();
  revalidatePath(`/bots/${botId}`);
  return {
    status: "saved",
    message: mode === "sitemap" ? "Sitemap added. Its pages are being imported." : "Page added. It is being imported.",
    values: { mode },
  };
}

export type SourceActionResult = { ok: true; message: string } | { ok: false; message: string };

export async function resyncSourceAction(botId: string, sourceId: string): Promise<SourceActionResult> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { ok: false, message: FORBIDDEN };
  const outcome = await requeueSource(await getDb(), { workspaceId: workspace.id, botId, sourceId });
  revalidatePath(`/bots/${botId}`);
  if (outcome === "not_found") return { ok: false, message: "This source no longer exists." };
  if (outcome === "importing") return { ok: false, message: "This source is already being imported." };
  wakeIngestionWorker();
  return { ok: true, message: "Re-sync started. The current content stays searchable until the new import is ready." };
}

export async function deleteSourceAction(botId: string, sourceId: string): Promise<SourceActionResult> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_bots")) return { ok: false, message: FORBIDDEN };
  const deleted = await deleteSource(await getDb(), { workspaceId: workspace.id, botId, sourceId });
  revalidatePath(`/bots/${botId}`);
  revalidatePath("/bots");
  if (!deleted) return { ok: false, message: "This source no longer exists." };
  return { ok: true, message: `“${deleted.title}” removed from the knowledge base.` };
}

/** One message in the dashboard's test chat; members may test a bot, viewers only read. */
export async function sendTestMessageAction(
  botId: string,
  input: { conversationId: string | null; message: string },
): Promise<TestChatResult | { ok: false; code: "invalid" | "forbidden" | "not_found"; reason: string }> {
  const { workspace, can } = await requireWorkspace();
  if (!can("work_inbox")) return { ok: false, code: "forbidden", reason: "Your role cannot use the test chat. Ask an owner or admin." };
  const message = typeof input?.message === "string" ? input.message.replaceAll("\u0000", "").trim() : "";
  if (!message) return { ok: false, code: "invalid", reason: "Type a message first." };
  if ([...message].length > MAX_TEST_MESSAGE_CHARS) return { ok: false, code: "invalid", reason: "Messages can be at most 8,000 characters." };
  const conversationId = typeof input.conversationId === "string" && input.conversationId ? input.conversationId : null;
  const db = await getDb();
  const bot = await getBot(db, { workspaceId: workspace.id, botId });
  if (!bot) return { ok: false, code: "not_found", reason: NOT_FOUND };
  return answerTestMessage(db, { workspaceId: workspace.id, bot, conversationId, message });
}
