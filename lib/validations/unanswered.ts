import { z } from "zod";
import { TOPIC_VIEWS, type TopicView } from "@/db/queries/unanswered";
import { isId } from "@/lib/ids";
import { curatedAnswerSchema } from "@/lib/validations/bots";

/** The page's search parameters (`view`: one of TOPIC_VIEWS), leniently: anything malformed is ignored. */
export function parseUnansweredParams(params: Record<string, string | string[] | undefined>): {
  view: TopicView;
  botId?: string;
} {
  const one = (key: string) => {
    const v = params[key];
    return (Array.isArray(v) ? v[0] : v)?.trim();
  };
  const view = one("view");
  const bot = one("bot");
  return {
    view: (TOPIC_VIEWS as readonly string[]).includes(view ?? "") ? (view as TopicView) : "open",
    ...(isId("bot", bot) ? { botId: bot } : {}),
  };
}

/** "Answer this": the question as the owner words it and the answer (the topic's own wordings come along). */
export const answerTopicSchema = curatedAnswerSchema.pick({ question: true, answer: true });

/** The longest a topic may be snoozed. */
export const MAX_SNOOZE_DAYS = 365;

/** Snooze until a day (YYYY-MM-DD, UTC): after today, within a year. */
export const snoozeSchema = z.object({
  until: z
    .string({ error: "Choose the day it comes back." })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the day it comes back.")
    .transform((day) => new Date(`${day}T00:00:00Z`))
    .refine((date) => !Number.isNaN(date.getTime()), "Choose the day it comes back.")
    .refine((date) => date.getTime() > Date.now(), "Choose a day after today.")
    .refine(
      (date) => date.getTime() <= Date.now() + MAX_SNOOZE_DAYS * 86_400_000,
      `Snooze for at most ${MAX_SNOOZE_DAYS} days.`,
    ),
});
