import { z } from "zod";
import type { WebhookEvent } from "@/lib/webhooks/events";
import { MAX_WEBHOOKS } from "@/lib/validations/limits";
import { WEBHOOK_EVENT_OPTIONS } from "@/lib/validations/webhook-events";

export { MAX_WEBHOOKS, WEBHOOK_EVENT_OPTIONS };

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
    if (url.protocol !== "https:" && url.protocol !== "http:")
      ctx.addIssue({ code: "custom", message: "Use an https:// (or http://) URL." });
    else if (url.username || url.password)
      ctx.addIssue({ code: "custom", message: "Leave the user name and password out of the URL." });
    else if (url.hash) ctx.addIssue({ code: "custom", message: "Leave the #fragment out of the URL." });
  });

export const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_OPTIONS.map((o) => o.value) as [WebhookEvent, ...WebhookEvent[]]), {
    error: "Choose at least one event.",
  })
  .min(1, "Choose at least one event.")
  .transform((events) => [...new Set(events)]);

export const webhookSchema = z.object({ url: webhookUrlSchema, events: webhookEventsSchema });
