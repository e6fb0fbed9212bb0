import { z } from "zod";

/** Longest pasted text accepted in one go (server actions take at most 1 MB); longer documents go in as files. */
export const MAX_PASTED_CHARS = 200_000;
export const MAX_TEST_MESSAGE_CHARS = 8000;

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
    .pipe(z.string().trim().max(4000, "Keep instructions under 4,000 characters; put facts in the knowledge base instead.")),
  welcomeMessage: z
    .string()
    .transform(noNul)
    .pipe(z.string().trim().min(1, "Write the first thing the bot says.").max(500, "Use at most 500 characters.")),
  fallbackMessage: z
    .string()
    .transform(noNul)
    .pipe(z.string().trim().min(1, "Write what the bot says when it has no answer.").max(500, "Use at most 500 characters.")),
  engine: z.enum(["builtin", "llm"], { error: "Choose how the bot writes its answers." }),
});

export const textSourceSchema = z.object({
  title: z
    .string({ error: "Give the text a title." })
    .transform(noNul)
    .pipe(z.string().trim().min(1, "Give the text a title, e.g. “Return policy”.").max(200, "Use at most 200 characters.")),
  text: z
    .string({ error: "Paste the text the bot should know." })
    .transform(noNul)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Paste the text the bot should know.")
        .max(MAX_PASTED_CHARS, `Paste at most ${MAX_PASTED_CHARS.toLocaleString("en-US")} characters; upload longer documents as a file.`),
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
