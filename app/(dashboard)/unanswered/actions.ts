"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { decideTopic, setDigestEnabled } from "@/db/queries/unanswered";
import { validatedWorkspaceAction, workspaceAction } from "@/lib/actions";
import type { WorkspaceContext } from "@/lib/session";
import { formatDay } from "@/lib/format";
import { isId } from "@/lib/ids";
import { answerTopic, type Reasked } from "@/lib/unanswered/answer";
import { formValues, type ActionResult } from "@/lib/validations/form";
import { answerTopicSchema, snoozeSchema } from "@/lib/validations/unanswered";

const manageBots = {
  permission: "manage_bots",
  forbidden: "Your role cannot answer or put aside questions. Ask an owner or admin.",
} as const;
const GONE = "This topic no longer exists. Reload the page.";

/** What "Answer this" gives back: the topic's questions asked again, with the bot's replies now. */
export type AnswerTopicState = ActionResult<{ reasked?: Reasked[]; botId?: string; sourceId?: string }>;

/**
 * "Answer this": the answer becomes a curated answer of the bot's knowledge, and the topic's wordings are
 * asked again. Nothing is revalidated here (that would refresh the page at once): the replies show in place
 * until the owner moves on; the bot's page is rendered per request anyway.
 */
export const answerTopicAction = validatedWorkspaceAction(
  {
    ...manageBots,
    schema: answerTopicSchema,
    fields: (form) => ({ question: form.get("question"), answer: form.get("answer") }),
  },
  async ({ user, workspace }, { question, answer }, form, topicId: string): Promise<AnswerTopicState> => {
    if (!isId("topic", topicId)) return { status: "error", message: GONE, values: formValues(form) };
    const db = await getDb();
    const result = await answerTopic(db, { workspaceId: workspace.id, userId: user.id, topicId, question, answer });
    if (!result.ok) return { status: "error", message: GONE, values: formValues(form) };
    const answered = result.reasked.filter((r) => r.fromAnswer).length;
    return {
      status: "saved",
      message: `Answer added to the bot's knowledge. ${answered} of ${result.reasked.length} ${
        result.reasked.length === 1 ? "question is" : "questions are"
      } now answered with it.`,
      reasked: result.reasked,
      botId: result.botId,
      sourceId: result.sourceId,
    };
  },
);

/** Records a decision about one of the workspace's topics; the message says what it did. */
async function decide(
  { user, workspace }: WorkspaceContext,
  topicId: string,
  decision: Parameters<typeof decideTopic>[1]["decision"],
  done: string,
): Promise<ActionResult> {
  const decided =
    isId("topic", topicId) &&
    (await decideTopic(await getDb(), { workspaceId: workspace.id, topicId, userId: user.id, decision }));
  if (!decided) return { status: "error", message: GONE };
  revalidatePath("/unanswered");
  return { status: "saved", message: done };
}

/** Dismiss: the topic leaves the list, and questions like it stay out of it. */
export const dismissTopicAction = workspaceAction(manageBots, (ctx, topicId: string) =>
  decide(ctx, topicId, { status: "dismissed" }, "Dismissed. Later questions like these stay out of the list."),
);

/** Back to the open list (a dismissed or snoozed topic). */
export const reopenTopicAction = workspaceAction(manageBots, (ctx, topicId: string) =>
  decide(ctx, topicId, { status: "open", snoozedUntil: null }, "Back in the list."),
);

/** Snooze until a day: the topic comes back to the list then, with the questions asked meanwhile. */
export const snoozeTopicAction = validatedWorkspaceAction(
  { ...manageBots, schema: snoozeSchema, fields: (form) => ({ until: form.get("until") }) },
  async (ctx, { until }, form, topicId: string): Promise<ActionResult> => {
    const result = await decide(
      ctx,
      topicId,
      { status: "open", snoozedUntil: until },
      `Snoozed until ${formatDay(until)}.`,
    );
    return result.status === "error" ? { ...result, values: formValues(form) } : result;
  },
);

/** The weekly digest by email, on or off for the workspace. */
export const setDigestAction = workspaceAction(
  { permission: "manage_workspace", forbidden: "Your role cannot change the workspace's emails." },
  async ({ workspace }, enabled: boolean): Promise<ActionResult> => {
    await setDigestEnabled(await getDb(), { workspaceId: workspace.id, enabled: enabled === true });
    revalidatePath("/unanswered");
    return { status: "saved", message: enabled ? "Weekly digest on." : "Weekly digest off." };
  },
);
