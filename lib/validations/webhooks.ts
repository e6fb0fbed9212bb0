import { z } from "zod";
import type { WebhookEvent } from "@/lib/webhooks/events";

/** The events a webhook can subscribe to, with what each means (client-safe copy of WEBHOOK_EVENTS). */
export const WEBHOOK_EVENT_OPTIONS = [
  { value: "lead.created", label: "lead.created", description: "A bot captured a new lead (name, email, phone, company)." },
  { value: "handoff.requested", label: "handoff.requested", description: "A customer asked for a person, or accepted the bot's offer." },
  { value: "message.created", label: "message.created", description: "A team member replied in a conversation." },
] as const satisfies readonly { value: WebhookEvent; label: string; description: string }[];

/** The most webhooks one workspace may have. */
export const MAX_WEBHOOKS = 10;

export const webhookUrlSchema = z
  .string({ error: "Enter the URL that receives the events." })
  .trim()
  .min(1, "Enter the URL that receives the events.")
  .max(2000, "Use at most 2,000 characters.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, such as https://example.com/webhooks/parley." });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "Use an https:// (or http://) URL." });
    else if (url.username || url.password) ctx.addIssue({ code: "custom", message: "Leave the user name and password out of the URL." });
    else if (url.hash) ctx.addIssue({ code: "custom", message: "Leave the #fragment out of the URL." });
  });

export const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_OPTIONS.map((o) => o.value) as [WebhookEvent, ...WebhookEvent[]]), { error: "Choose at least one event." })
  .min(1, "Choose at least one event.")
  .transform((events) => [...new Set(events)]);

export const webhookSchema = z.object({ url: webhookUrlSchema, events: webhookEventsSchema });
