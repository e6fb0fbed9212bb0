import type { WebhookEvent } from "@/lib/webhooks/events";

/**
 * The events a webhook can subscribe to, with what each means (client-safe copy of WEBHOOK_EVENTS).
 * No zod here: the webhook form imports this file, and zod stays on the server (see webhooks.ts).
 */
export const WEBHOOK_EVENT_OPTIONS = [
  { value: "lead.created", label: "lead.created", description: "A bot captured a new lead (name, email, phone, company)." },
  { value: "handoff.requested", label: "handoff.requested", description: "A customer asked for a person, or accepted the bot's offer." },
  { value: "message.created", label: "message.created", description: "A team member replied in a conversation." },
] as const satisfies readonly { value: WebhookEvent; label: string; description: string }[];
