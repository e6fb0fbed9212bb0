import { z } from "zod";
import { parseCustomerWords } from "@/lib/knowledge/customer-words";
import { BOT_LANGUAGES } from "@/lib/validations/bot-languages";
import {
  MAX_PASTED_CHARS,
  MAX_QA_ANSWER_CHARS,
  MAX_QA_QUESTION_CHARS,
  MAX_QA_VARIANTS,
} from "@/lib/validations/limits";

export { MAX_PASTED_CHARS };

/** PostgreSQL text cannot hold NUL; other control characters are left to the parsers. */
const noNul = (s: string) => s.replaceAll("\u0000", "");

export const botNameSchema = z
  .string({ error: "Give the bot a name." })
  .transform(noNul)
  .pipe(z.string().trim().min(1, "Give the bot a name.").max(80, "Use at most 80 characters."));

export const createBotSchema = z.object({ name: botNameSchema });

export const botSettingsSchema = z.object({
  name: botNameSchema,
  instructions: z
    .string()
    .transform(noNul)
    .pipe(
      z.string().trim().max(4000, "Keep instructions under 4,000 characters; put facts in the knowledge base instead."),
    ),
  welcomeMessage: z
    .string()
    .transform(noNul)
    .pipe(z.string().trim().min(1, "Write the first thing the bot says.").max(500, "Use at most 500 characters.")),
  fallbackMessage: z
    .string()
    .transform(noNul)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Write what the bot says when it has no answer.")
        .max(500, "Use at most 500 characters."),
    ),
  engine: z.enum(["builtin", "llm"], { error: "Choose how the bot writes its answers." }),
  language: z.enum(["auto", ...BOT_LANGUAGES.map(([code]) => code)] as [string, ...string[]], {
    error: "Choose a language from the list.",
  }),
  customerWords: z
    .string()
    .transform(noNul)
    .pipe(z.string().trim())
    .superRefine((text, ctx) => {
      const parsed = parseCustomerWords(text);
      if (!parsed.ok) for (const message of parsed.errors) ctx.addIssue({ code: "custom", message });
    }),
});

export const textSourceSchema = z.object({
  title: z
    .string({ error: "Give the text a title." })
    .transform(noNul)
    .pipe(
      z.string().trim().min(1, "Give the text a title, e.g. “Return policy”.").max(200, "Use at most 200 characters."),
    ),
  text: z
    .string({ error: "Paste the text the bot should know." })
    .transform(noNul)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Paste the text the bot should know.")
        .max(
          MAX_PASTED_CHARS,
          `Paste at most ${MAX_PASTED_CHARS.toLocaleString("en-US")} characters; upload longer documents as a file.`,
        ),
    ),
});

export const urlSourceSchema = z.object({
  url: z
    .string({ error: "Enter the page's address." })
    .trim()
    .min(1, "Enter the page's address, like https://example.com/help.")
    .max(2000, "That address is too long.")
    .transform((s) => (/^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`))
    .refine((s) => {
      try {
        const url = new URL(s);
        return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
      } catch {
        return false;
      }
    }, "Enter a web address starting with http:// or https://."),
  mode: z.enum(["page", "sitemap"], { error: "Choose a single page or a sitemap." }),
  title: z.string().transform(noNul).pipe(z.string().trim().max(200, "Use at most 200 characters.")).optional(),
});

const fieldMode = z.enum(["off", "optional", "required"], { error: "Choose Off, Optional or Required." });

/** A whole number from 1 to `max` typed in a box, or empty for "never". */
function countOrNever(max: number, message: string) {
  return z
    .string()
    .trim()
    .refine((s) => s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= max), message)
    .transform((s) => (s === "" ? null : Number(s)));
}

function botMessage(missing: string) {
  return z
    .string({ error: missing })
    .transform(noNul)
    .pipe(z.string().trim().min(1, missing).max(500, "Use at most 500 characters."));
}

/** A bot's lead capture settings; enabled, it must collect an email or a phone (a lead without either cannot be reached). */
export const leadCaptureSchema = z
  .object({
    enabled: z.boolean(),
    fields: z.object({ name: fieldMode, email: fieldMode, phone: fieldMode, company: fieldMode }),
    askAfterMessages: countOrNever(50, "Enter a number from 1 to 50, or leave it empty to not ask by count."),
    askOnIntent: z.boolean(),
    askMessage: botMessage("Write how the bot asks for contact details."),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && value.fields.email === "off" && value.fields.phone === "off") {
      ctx.addIssue({
        code: "custom",
        path: ["fields"],
        message: "A lead needs an email or a phone number to be reached: set Email or Phone to Optional or Required.",
      });
    }
  });

/** A bot's human handoff settings. */
export const handoffSchema = z.object({
  enabled: z.boolean(),
  onRequest: z.boolean(),
  offerAfterFailures: countOrNever(10, "Enter a number from 1 to 10, or leave it empty to never offer a person."),
  offerMessage: botMessage("Write how the bot offers to connect a person."),
  handoffMessage: botMessage("Write what the bot says when it hands over."),
});

export type LeadCaptureValues = z.output<typeof leadCaptureSchema>;
export type HandoffValues = z.output<typeof handoffSchema>;

/** The lines of a textarea, trimmed, without empty lines or repeats (compared without case). */
function distinctLines(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !seen.has(line.toLowerCase()) && seen.add(line.toLowerCase()));
}

/** A curated answer: the question, the answer the bot gives to it, and other ways customers ask it (one a line). */
export const curatedAnswerSchema = z.object({
  question: z
    .string({ error: "Write the question this answers." })
    .transform(noNul)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Write the question this answers.")
        .max(MAX_QA_QUESTION_CHARS, `Use at most ${MAX_QA_QUESTION_CHARS} characters.`),
    ),
  answer: z
    .string({ error: "Write the answer the bot should give." })
    .transform(noNul)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Write the answer the bot should give.")
        .max(MAX_QA_ANSWER_CHARS, `Keep the answer under ${MAX_QA_ANSWER_CHARS.toLocaleString("en-US")} characters.`),
    ),
  variants: z
    .string()
    .default("")
    .transform((text) => distinctLines(noNul(text)))
    .pipe(
      z
        .array(z.string().max(MAX_QA_QUESTION_CHARS, `Keep each phrasing under ${MAX_QA_QUESTION_CHARS} characters.`))
        .max(MAX_QA_VARIANTS, `List at most ${MAX_QA_VARIANTS} other phrasings.`),
    ),
});
export type CuratedAnswerInput = z.infer<typeof curatedAnswerSchema>;
