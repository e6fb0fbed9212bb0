"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { replyAsTeamMember, resolveConversation, returnToBot, takeOverConversation } from "@/lib/conversations/handoff";
import { requireWorkspace } from "@/lib/session";
import { wakeWebhookWorker } from "@/lib/webhooks/worker";

export type InboxActionResult = { ok: true } | { ok: false; message: string };

const FORBIDDEN = "Your role can read conversations but not answer them. Ask an owner or admin.";
const NOT_FOUND = "This conversation no longer exists.";
const MAX_REPLY = 8000;

function validId(conversationId: unknown): conversationId is string {
  return typeof conversationId === "string" && /^conv_[0-9A-Za-z]{22}$/.test(conversationId);
}

function refresh(conversationId: string) {
  revalidatePath("/conversations");
  revalidatePath(`/conversations/${conversationId}`);
}

/** Authenticates and authorises an inbox change; every action below calls it itself. */
async function inboxUser() {
  const { user, workspace, can } = await requireWorkspace();
  return { user, workspace, allowed: can("work_inbox") };
}

export async function takeOverAction(conversationId: string): Promise<InboxActionResult> {
  const { user, workspace, allowed } = await inboxUser();
  if (!allowed) return { ok: false, message: FORBIDDEN };
  if (!validId(conversationId)) return { ok: false, message: NOT_FOUND };
  const done = await takeOverConversation(await getDb(), { workspaceId: workspace.id, conversationId, userId: user.id });
  if (!done) return { ok: false, message: NOT_FOUND };
  refresh(conversationId);
  return { ok: true };
}

export async function replyAction(conversationId: string, content: string): Promise<InboxActionResult> {
  const { user, workspace, allowed } = await inboxUser();
  if (!allowed) return { ok: false, message: FORBIDDEN };
  if (!validId(conversationId)) return { ok: false, message: NOT_FOUND };
  const text = typeof content === "string" ? content.trim() : "";
  if (!text) return { ok: false, message: "Write a reply first." };
  if (text.length > MAX_REPLY) return { ok: false, message: `Keep a reply under ${MAX_REPLY.toLocaleString("en-US")} characters.` };
  const sent = await replyAsTeamMember(await getDb(), { workspaceId: workspace.id, conversationId, userId: user.id, content: text });
  if (!sent) return { ok: false, message: NOT_FOUND };
  wakeWebhookWorker(); // message.created goes out now rather than at the worker's next poll
  refresh(conversationId);
  return { ok: true };
}

export async function returnToBotAction(conversationId: string): Promise<InboxActionResult> {
  const { user, workspace, allowed } = await inboxUser();
  if (!allowed) return { ok: false, message: FORBIDDEN };
  if (!validId(conversationId)) return { ok: false, message: NOT_FOUND };
  const done = await returnToBot(await getDb(), { workspaceId: workspace.id, conversationId, userId: user.id });
  if (!done) return { ok: false, message: NOT_FOUND };
  refresh(conversationId);
  return { ok: true };
}

export async function resolveAction(conversationId: string): Promise<InboxActionResult> {
  const { user, workspace, allowed } = await inboxUser();
  if (!allowed) return { ok: false, message: FORBIDDEN };
  if (!validId(conversationId)) return { ok: false, message: NOT_FOUND };
  const done = await resolveConversation(await getDb(), { workspaceId: workspace.id, conversationId, userId: user.id });
  if (!done) return { ok: false, message: NOT_FOUND };
  refresh(conversationId);
  return { ok: true };
}
