"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { replyAsTeamMember, resolveConversation, returnToBot, takeOverConversation } from "@/db/queries/handoff";
import { workspaceAction } from "@/lib/actions";
import { isId } from "@/lib/ids";
import type { ActionResult } from "@/lib/validations/form";
import { MAX_MESSAGE_CHARS } from "@/lib/validations/limits";
import { wakeWebhookWorker } from "@/lib/webhooks/worker";

const NOT_FOUND = "This conversation no longer exists.";
const workInbox = {
  permission: "work_inbox",
  forbidden: "Your role can read conversations but not answer them. Ask an owner or admin.",
} as const;

function refresh(conversationId: string) {
  revalidatePath("/conversations");
  revalidatePath(`/conversations/${conversationId}`);
}

/** A change of hands (take over, return to the bot, resolve), refreshed in the inbox when it happened. */
function handoffAction(change: typeof takeOverConversation) {
  return workspaceAction(workInbox, async ({ user, workspace }, conversationId: string): Promise<ActionResult> => {
    if (!isId("conv", conversationId)) return { status: "error", message: NOT_FOUND };
    const done = await change(await getDb(), { workspaceId: workspace.id, conversationId, userId: user.id });
    if (!done) return { status: "error", message: NOT_FOUND };
    refresh(conversationId);
    return { status: "saved" };
  });
}

export const takeOverAction = handoffAction(takeOverConversation);
export const returnToBotAction = handoffAction(returnToBot);
export const resolveAction = handoffAction(resolveConversation);

export const replyAction = workspaceAction(
  workInbox,
  async ({ user, workspace }, conversationId: string, content: string): Promise<ActionResult> => {
    if (!isId("conv", conversationId)) return { status: "error", message: NOT_FOUND };
    const text = typeof content === "string" ? content.trim() : "";
    if (!text) return { status: "error", message: "Write a reply first." };
    if (text.length > MAX_MESSAGE_CHARS)
      return {
        status: "error",
        message: `Keep a reply under ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters.`,
      };
    const sent = await replyAsTeamMember(await getDb(), {
      workspaceId: workspace.id,
      conversationId,
      userId: user.id,
      content: text,
    });
    if (!sent) return { status: "error", message: NOT_FOUND };
    wakeWebhookWorker(); // message.created goes out now rather than at the worker's next poll
    refresh(conversationId);
    return { status: "saved" };
  },
);
