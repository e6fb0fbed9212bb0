import type { WebhookEvent } from "@/lib/webhooks/events";

/**
 * The events a webhook can subscribe to, with what each means (client-safe copy of WEBHOOK_EVENTS).
 * No zod here: the webhook form imports this file, and zod stays on the server (see webhooks.ts).
 */
export const WEBHOOK_EVENT_OPTIONS = [
  {
    value: "lead.created",
    label: "lead.created",
    description: "A bot captured a new lead (name, email, phone, company).",
  },
  {
    value: "handoff.requested",
    label: "handoff.requested",
    description: "A customer asked for a person, or accepted the bot's offer.",
  },
  {
    value: "handoff.accepted",
    label: "handoff.accepted",
    description: "A team member took a conversation over (or replied in one the bot had).",
  },
  {
    value: "handoff.returned",
    label: "handoff.returned",
    description: "A team member gave a conversation back to the bot.",
  },
  { value: "handoff.resolved", label: "handoff.resolved", description: "A team member resolved a conversation." },
  { value: "message.created", label: "message.created", description: "A team member replied in a conversation." },
  {
    value: "user.erased",
    label: "user.erased",
    description: "An end user's conversations, messages and leads were erased through the API.",
  },
  {
    value: "feedback.created",
    label: "feedback.created",
    description: "A customer rated a bot reply thumbs up or down (again when they change it).",
  },
] as const satisfies readonly { value: WebhookEvent; label: string; description: string }[];
