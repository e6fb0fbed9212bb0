import { z } from "zod";
import type { WidgetSettings } from "@/db/schema";

/** A website widget's appearance as the dashboard form sends it (client-safe). */
export const widgetSettingsSchema = z.object({
  title: z
    .string({ error: "Give the chat window a title." })
    .trim()
    .min(1, "Give the chat window a title.")
    .max(60, "Use at most 60 characters."),
  greeting: z.string().trim().max(500, "Use at most 500 characters.").default(""),
  accentColor: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, "Choose a colour like #4f46e5.")
    .transform((c) => c.toLowerCase()),
  theme: z.enum(["light", "dark", "auto"], { error: "Choose light, dark or automatic." }),
  position: z.enum(["right", "left"], { error: "Choose the bottom right or bottom left corner." }),
  launcherIcon: z.enum(["chat", "help", "sparkles"], { error: "Choose a launcher icon." }),
  askContact: z.boolean(),
}) satisfies z.ZodType<WidgetSettings, unknown>;

/** The settings fields of a submitted widget form. */
export function widgetSettingsFromForm(form: FormData) {
  return widgetSettingsSchema.safeParse({
    title: form.get("title") ?? "",
    greeting: form.get("greeting") ?? "",
    accentColor: form.get("accentColor") ?? "",
    theme: form.get("theme") ?? "",
    position: form.get("position") ?? "",
    launcherIcon: form.get("launcherIcon") ?? "",
    askContact: form.get("askContact") === "on",
  });
}
