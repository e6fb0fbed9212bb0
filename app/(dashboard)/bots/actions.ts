"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { createBot, deleteBot, getBot, updateBot } from "@/db/queries/bots";
import { deleteSource, insertSource, requeueSource } from "@/db/queries/knowledge";
import { validatedWorkspaceAction, workspaceAction } from "@/lib/actions";
import { answerTestMessage, type TestChatReply, type TestChatResult } from "@/lib/bots/test-chat";
import { addCuratedAnswer, editCuratedAnswer } from "@/lib/knowledge/curated";
import { importSourceNow } from "@/lib/knowledge/ingest";
import { wakeIngestionWorker } from "@/lib/knowledge/worker";
import {
  botSettingsSchema,
  createBotSchema,
  curatedAnswerSchema,
  handoffSchema,
  leadCaptureSchema,
  textSourceSchema,
  urlSourceSchema,
} from "@/lib/validations/bots";
import { formValues, type ActionResult, type FormState } from "@/lib/validations/form";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";

const NOT_FOUND = "This bot no longer exists.";
const manageBots = {
  permission: "manage_bots",
  forbidden: "Your role cannot change bots. Ask an owner or admin.",
} as const;
/** Pasted text up to this size is imported during the request, so it is searchable as soon as the page reloads. */
const IMPORT_INLINE_CHARS = 50_000;

export const createBotAction = validatedWorkspaceAction(
  { ...manageBots, schema: createBotSchema, fields: (form) => ({ name: form.get("name") }) },
  async ({ user, workspace }, { name }): Promise<FormState> => {
    const bot = await createBot(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, name });
    revalidatePath("/bots");
    redirect(`/bots/${bot.id}`);
  },
);

/** Saves one part of a bot's settings and says so; the form keeps what was typed. */
async function saveBotSettings(
  { user, workspace }: { user: { id: string }; workspace: { id: string } },
  botId: string,
  settings: Parameters<typeof updateBot>[1]["settings"],
  form: FormData,
  saved: string,
): Promise<FormState> {
  const updated = await updateBot(await getDb(), { workspaceId: workspace.id, botId, actorUserId: user.id, settings });
  if (!updated) return { status: "error", message: NOT_FOUND, values: formValues(form) };
  revalidatePath(`/bots/${botId}`);
  return { status: "saved", message: saved, values: formValues(form) };
}

export const updateBotAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: botSettingsSchema,
    fields: (form) => ({
      name: form.get("name"),
      instructions: form.get("instructions") ?? "",
      welcomeMessage: form.get("welcomeMessage"),
      fallbackMessage: form.get("fallbackMessage"),
      engine: form.get("engine"),
      language: form.get("language") ?? "auto",
      customerWords: form.get("customerWords") ?? "",
    }),
  },
  async (ctx, settings, form, botId: string): Promise<FormState> => {
    const result = await saveBotSettings(ctx, botId, settings, form, "Settings saved.");
    if (result.status === "saved") revalidatePath("/bots");
    return result;
  },
);

/** Lead capture: on/off, the fields to collect, when to ask, and how. */
export const updateLeadCaptureAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: leadCaptureSchema,
    fields: (form) => ({
      enabled: form.get("enabled") === "on",
      fields: {
        name: form.get("fieldName"),
        email: form.get("fieldEmail"),
        phone: form.get("fieldPhone"),
        company: form.get("fieldCompany"),
      },
      askAfterMessages: form.get("askAfterMessages") ?? "",
      askOnIntent: form.get("askOnIntent") === "on",
      askMessage: form.get("askMessage"),
    }),
  },
  (ctx, leadCapture, form, botId: string) => saveBotSettings(ctx, botId, { leadCapture }, form, "Lead capture saved."),
);

/** Human handoff: on/off, when the bot hands over or offers a person, and what it says. */
export const updateHandoffAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: handoffSchema,
    fields: (form) => ({
      enabled: form.get("enabled") === "on",
      onRequest: form.get("onRequest") === "on",
      offerAfterFailures: form.get("offerAfterFailures") ?? "",
      offerMessage: form.get("offerMessage"),
      handoffMessage: form.get("handoffMessage"),
    }),
  },
  (ctx, handoff, form, botId: string) => saveBotSettings(ctx, botId, { handoff }, form, "Handoff settings saved."),
);

export const deleteBotAction = workspaceAction(
  manageBots,
  async ({ user, workspace }, botId: string, _prev: FormState, form: FormData): Promise<FormState> => {
    const db = await getDb();
    const bot = await getBot(db, { workspaceId: workspace.id, botId });
    if (!bot) return { status: "error", message: NOT_FOUND };
    if (String(form.get("confirm") ?? "").trim() !== bot.name) {
      return {
        status: "error",
        fieldErrors: { confirm: ["Type the bot's name exactly to confirm."] },
        values: formValues(form),
      };
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
  },
);

export const addTextSourceAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: textSourceSchema,
    fields: (form) => ({ title: form.get("title"), text: form.get("text") }),
  },
  async ({ workspace }, { title, text }, form, botId: string): Promise<FormState> => {
    const db = await getDb();
    if (!(await getBot(db, { workspaceId: workspace.id, botId })))
      return { status: "error", message: NOT_FOUND, values: formValues(form) };
    const source = await insertSource(db, { workspaceId: workspace.id, botId, kind: "text", title, input: text });
    if (text.length <= IMPORT_INLINE_CHARS) await importSourceNow(db, source.id);
    else wakeIngestionWorker();
    revalidatePath(`/bots/${botId}`);
    return { status: "saved", message: `“${title}” added.` };
  },
);

export const addUrlSourceAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: urlSourceSchema,
    fields: (form) => ({ url: form.get("url"), mode: form.get("mode"), title: form.get("title") ?? undefined }),
  },
  async ({ workspace }, { url, mode, title }, form, botId: string): Promise<FormState> => {
    const db = await getDb();
    if (!(await getBot(db, { workspaceId: workspace.id, botId })))
      return { status: "error", message: NOT_FOUND, values: formValues(form) };
    const defaultTitle = mode === "sitemap" ? `Pages of ${new URL(url).hostname}` : url;
    await insertSource(db, {
      workspaceId: workspace.id,
      botId,
      kind: mode === "sitemap" ? "sitemap" : "url",
      title: title || defaultTitle,
      input: url,
    });
    wakeIngestionWorker();
    revalidatePath(`/bots/${botId}`);
    return {
      status: "saved",
      message:
        mode === "sitemap" ? "Sitemap added. Its pages are being imported." : "Page added. It is being imported.",
      values: { mode },
    };
  },
);

const curatedAnswerFields = (form: FormData) => ({
  question: form.get("question"),
  answer: form.get("answer"),
  variants: form.get("variants") ?? "",
});

/** A Q&A entry: a question and the answer the bot gives to it (and to its other phrasings). */
export const addCuratedAnswerAction = validatedWorkspaceAction(
  { ...manageBots, schema: curatedAnswerSchema, fields: curatedAnswerFields },
  async ({ workspace }, answer, form, botId: string): Promise<FormState> => {
    const db = await getDb();
    if (!(await getBot(db, { workspaceId: workspace.id, botId })))
      return { status: "error", message: NOT_FOUND, values: formValues(form) };
    await addCuratedAnswer(db, { workspaceId: workspace.id, botId, ...answer });
    revalidatePath(`/bots/${botId}`);
    return { status: "saved", message: `“${answer.question}” added.` };
  },
);

/** Changes a Q&A entry; the bot answers with the new text as soon as it is saved. */
export const editCuratedAnswerAction = validatedWorkspaceAction(
  { ...manageBots, schema: curatedAnswerSchema, fields: curatedAnswerFields },
  async ({ workspace }, answer, form, botId: string, sourceId: string): Promise<FormState> => {
    const outcome = await editCuratedAnswer(await getDb(), { workspaceId: workspace.id, botId, sourceId, ...answer });
    if (outcome === "not_found")
      return { status: "error", message: "This entry no longer exists.", values: formValues(form) };
    if (outcome === "importing")
      return {
        status: "error",
        message: "This entry is being saved already. Try again in a moment.",
        values: formValues(form),
      };
    revalidatePath(`/bots/${botId}`);
    return { status: "saved", message: `“${answer.question}” saved.` };
  },
);

export const resyncSourceAction = workspaceAction(
  manageBots,
  async ({ workspace }, botId: string, sourceId: string): Promise<ActionResult> => {
    const outcome = await requeueSource(await getDb(), { workspaceId: workspace.id, botId, sourceId });
    revalidatePath(`/bots/${botId}`);
    if (outcome === "not_found") return { status: "error", message: "This source no longer exists." };
    if (outcome === "importing") return { status: "error", message: "This source is already being imported." };
    wakeIngestionWorker();
    return {
      status: "saved",
      message: "Re-sync started. The current content stays searchable until the new import is ready.",
    };
  },
);

export const deleteSourceAction = workspaceAction(
  manageBots,
  async ({ workspace }, botId: string, sourceId: string): Promise<ActionResult> => {
    const deleted = await deleteSource(await getDb(), { workspaceId: workspace.id, botId, sourceId });
    revalidatePath(`/bots/${botId}`);
    revalidatePath("/bots");
    if (!deleted) return { status: "error", message: "This source no longer exists." };
    return { status: "saved", message: `“${deleted.title}” removed from the knowledge base.` };
  },
);

type TestChatFailure = Extract<TestChatResult, { ok: false }>["code"];

/** The test chat's answer, or why there is none (`code` tells the chat what to do about it). */
export type TestMessageResult = ActionResult<{
  answer?: TestChatReply;
  code?: "invalid" | "forbidden" | "not_found" | TestChatFailure;
}>;

/** One message in the dashboard's test chat; members may test a bot, viewers only read. */
export const sendTestMessageAction = workspaceAction(
  { permission: "work_inbox", forbidden: "Your role cannot use the test chat. Ask an owner or admin." },
  async (
    { user, workspace },
    botId: string,
    input: { conversationId: string | null; message: string },
  ): Promise<TestMessageResult> => {
    const message = typeof input?.message === "string" ? input.message.replaceAll("\u0000", "").trim() : "";
    if (!message) return { status: "error", code: "invalid", message: "Type a message first." };
    if ([...message].length > MAX_MESSAGE_CHARS)
      return {
        status: "error",
        code: "invalid",
        message: `Messages can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters.`,
      };
    const conversationId =
      typeof input.conversationId === "string" && input.conversationId ? input.conversationId : null;
    const db = await getDb();
    const bot = await getBot(db, { workspaceId: workspace.id, botId });
    if (!bot) return { status: "error", code: "not_found", message: NOT_FOUND };
    const answered = await answerTestMessage(db, {
      workspaceId: workspace.id,
      memberId: user.id,
      plan: workspace.plan,
      bot,
      conversationId,
      message,
    });
    if (!answered.ok) return { status: "error", code: answered.code, message: answered.reason };
    return { status: "saved", answer: answered.value };
  },
);
