"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import {
  createWebhook,
  deleteWebhook,
  enqueueTestEvent,
  getWebhookSecret,
  retryDelivery,
  rotateWebhookSecret,
  setWebhookEnabled,
  updateWebhook,
} from "@/db/queries/webhooks";
import { requireWorkspace } from "@/lib/session";
import { formValues, invalid, type FormState } from "@/lib/validations/form";
import { MAX_WEBHOOKS, webhookSchema } from "@/lib/validations/webhooks";
import { checkWebhookTarget } from "@/lib/webhooks/deliver";
import { wakeWebhookWorker } from "@/lib/webhooks/worker";

const PATH = "/settings/webhooks";
const FORBIDDEN = "Your role cannot change webhooks. Ask an owner or admin.";
const NOT_FOUND = "This webhook no longer exists.";

/** The result of adding a webhook: its secret, shown right away so it can be copied into the receiver. */
export type WebhookFormState = FormState & { webhookId?: string; secret?: string };
export type WebhookActionResult = { ok: true; secret?: string; message?: string } | { ok: false; message: string };

function validId(id: unknown): id is string {
  return typeof id === "string" && /^wh_[0-9A-Za-z]{22}$/.test(id);
}

type Parsed = { ok: true; data: { url: string; events: string[] } } | { ok: false; state: FormState };

/** Validates the URL and events, then checks where the URL points (no private addresses). */
async function parseForm(form: FormData): Promise<Parsed> {
  const parsed = webhookSchema.safeParse({ url: form.get("url"), events: form.getAll("events") });
  if (!parsed.success) return { ok: false, state: invalid(parsed.error, form) };
  const target = await checkWebhookTarget(parsed.data.url);
  if (!target.ok) return { ok: false, state: { status: "error", fieldErrors: { url: [target.reason] }, values: formValues(form) } };
  return { ok: true, data: parsed.data };
}

export async function createWebhookAction(_prev: WebhookFormState, form: FormData): Promise<WebhookFormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = await parseForm(form);
  if (!parsed.ok) return parsed.state;
  const made = await createWebhook(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, ...parsed.data, max: MAX_WEBHOOKS });
  if (!made) return { status: "error", message: `A workspace can have at most ${MAX_WEBHOOKS} webhooks. Delete one first.`, values: formValues(form) };
  revalidatePath(PATH);
  return { status: "saved", webhookId: made.webhook.id, secret: made.secret };
}

export async function updateWebhookAction(webhookId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  if (!validId(webhookId)) return { status: "error", message: NOT_FOUND };
  const parsed = await parseForm(form);
  if (!parsed.ok) return parsed.state;
  const updated = await updateWebhook(await getDb(), { workspaceId: workspace.id, webhookId, actorUserId: user.id, ...parsed.data });
  if (!updated) return { status: "error", message: NOT_FOUND };
  revalidatePath(PATH);
  return { status: "saved", message: "Webhook saved." };
}

export async function setWebhookEnabledAction(webhookId: string, enabled: boolean): Promise<WebhookActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!validId(webhookId) || typeof enabled !== "boolean") return { ok: false, message: NOT_FOUND };
  const updated = await setWebhookEnabled(await getDb(), { workspaceId: workspace.id, webhookId, actorUserId: user.id, enabled });
  if (!updated) return { ok: false, message: NOT_FOUND };
  if (enabled) wakeWebhookWorker();
  revalidatePath(PATH);
  return { ok: true };
}

/** The signing secret, for an owner or admin who asks to see it (it is never rendered into the page). */
export async function revealWebhookSecretAction(webhookId: string): Promise<WebhookActionResult> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!validId(webhookId)) return { ok: false, message: NOT_FOUND };
  const secret = await getWebhookSecret(await getDb(), { workspaceId: workspace.id, webhookId });
  return secret ? { ok: true, secret } : { ok: false, message: NOT_FOUND };
}

export async function rotateWebhookSecretAction(webhookId: string): Promise<WebhookActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!validId(webhookId)) return { ok: false, message: NOT_FOUND };
  const rotated = await rotateWebhookSecret(await getDb(), { workspaceId: workspace.id, webhookId, actorUserId: user.id });
  if (!rotated) return { ok: false, message: NOT_FOUND };
  revalidatePath(PATH);
  return { ok: true, secret: rotated.secret };
}

export async function deleteWebhookAction(webhookId: string): Promise<WebhookActionResult> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!validId(webhookId)) return { ok: false, message: NOT_FOUND };
  const deleted = await deleteWebhook(await getDb(), { workspaceId: workspace.id, webhookId, actorUserId: user.id });
  if (!deleted) return { ok: false, message: NOT_FOUND };
  revalidatePath(PATH);
  return { ok: true };
}

export async function sendTestEventAction(webhookId: string): Promise<WebhookActionResult> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!validId(webhookId)) return { ok: false, message: NOT_FOUND };
  const queued = await enqueueTestEvent(await getDb(), { workspaceId: workspace.id, webhookId });
  if (!queued) return { ok: false, message: NOT_FOUND };
  wakeWebhookWorker();
  revalidatePath(PATH);
  return { ok: true, message: "Test event queued. It appears in the delivery log in a moment." };
}

export async function retryDeliveryAction(deliveryId: number): Promise<WebhookActionResult> {
  const { workspace, can } = await requireWorkspace();
  if (!can("manage_workspace")) return { ok: false, message: FORBIDDEN };
  if (!Number.isSafeInteger(deliveryId) || deliveryId <= 0) return { ok: false, message: "This delivery no longer exists." };
  const retried = await retryDelivery(await getDb(), { workspaceId: workspace.id, deliveryId });
  if (!retried) return { ok: false, message: "Only a failed delivery can be sent again." };
  wakeWebhookWorker();
  revalidatePath(PATH);
  return { ok: true, message: "Sending it again." };
}
