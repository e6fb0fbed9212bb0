export const WEBHOOK_EVENTS = [
  "lead.created",
  "handoff.requested",
  "handoff.accepted",
  "handoff.returned",
  "handoff.resolved",
  "message.created",
  "user.erased",
  "feedback.created",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
