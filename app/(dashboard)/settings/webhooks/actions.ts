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
import { validatedWorkspaceAction, workspaceAction } from "@/lib/actions";
import { isId } from "@/lib/ids";
import { formValues, type ActionResult, type FormState } from "@/lib/validations/form";
import { MAX_WEBHOOKS, webhookSchema } from "@/lib/validations/webhooks";
import { checkWebhookTarget } from "@/lib/webhooks/deliver";
import { wakeWebhookWorker } from "@/lib/webhooks/worker";

const PATH = "/settings/webhooks";
const NOT_FOUND = "This webhook no longer exists.";
const manageWebhooks = {
  permission: "manage_workspace",
  forbidden: "Your role cannot change webhooks. Ask an owner or admin.",
} as const;
const webhookForm = {
  ...manageWebhooks,
  schema: webhookSchema,
  fields: (form: FormData) => ({ url: form.get("url"), events: form.getAll("events") }),
};

/** The result of adding a webhook: its secret, shown right away so it can be copied into the receiver. */
export type WebhookFormState = ActionResult<{ webhookId?: string; secret?: string }>;
export type WebhookActionResult = ActionResult<{ secret?: string }>;

/** Where the URL points, checked after the form is valid: a private address is a field error. */
async function refusedTarget(url: string, form: FormData): Promise<FormState | null> {
  const target = await checkWebhookTarget(url);
  if (target.ok) return null;
  return { status: "error", fieldErrors: { url: [target.reason] }, values: formValues(form) };
}

export const createWebhookAction = validatedWorkspaceAction(
  webhookForm,
  async ({ user, workspace }, data, form): Promise<WebhookFormState> => {
    const refused = await refusedTarget(data.url, form);
    if (refused) return refused;
    const made = await createWebhook(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      ...data,
      max: MAX_WEBHOOKS,
    });
    if (!made)
      return {
        status: "error",
        message: `A workspace can have at most ${MAX_WEBHOOKS} webhooks. Delete one first.`,
        values: formValues(form),
      };
    revalidatePath(PATH);
    return { status: "saved", webhookId: made.webhook.id, secret: made.secret };
  },
);

export const updateWebhookAction = validatedWorkspaceAction(
  webhookForm,
  async ({ user, workspace }, data, form, webhookId: string): Promise<FormState> => {
    if (!isId("wh", webhookId)) return { status: "error", message: NOT_FOUND };
    const refused = await refusedTarget(data.url, form);
    if (refused) return refused;
    const updated = await updateWebhook(await getDb(), {
      workspaceId: workspace.id,
      webhookId,
      actorUserId: user.id,
      ...data,
    });
    if (!updated) return { status: "error", message: NOT_FOUND };
    revalidatePath(PATH);
    return { status: "saved", message: "Webhook saved." };
  },
);

export const setWebhookEnabledAction = workspaceAction(
  manageWebhooks,
  async ({ user, workspace }, webhookId: string, enabled: boolean): Promise<WebhookActionResult> => {
    if (!isId("wh", webhookId) || typeof enabled !== "boolean") return { status: "error", message: NOT_FOUND };
    const updated = await setWebhookEnabled(await getDb(), {
      workspaceId: workspace.id,
      webhookId,
      actorUserId: user.id,
      enabled,
    });
    if (!updated) return { status: "error", message: NOT_FOUND };
    if (enabled) wakeWebhookWorker();
    revalidatePath(PATH);
    return { status: "saved" };
  },
);

/** The signing secret, for an owner or admin who asks to see it (it is never rendered into the page). */
export const revealWebhookSecretAction = workspaceAction(
  manageWebhooks,
  async ({ workspace }, webhookId: string): Promise<WebhookActionResult> => {
    if (!isId("wh", webhookId)) return { status: "error", message: NOT_FOUND };
    const secret = await getWebhookSecret(await getDb(), { workspaceId: workspace.id, webhookId });
    return secret ? { status: "saved", secret } : { status: "error", message: NOT_FOUND };
  },
);

export const rotateWebhookSecretAction = workspaceAction(
  manageWebhooks,
  async ({ user, workspace }, webhookId: string): Promise<WebhookActionResult> => {
    if (!isId("wh", webhookId)) return { status: "error", message: NOT_FOUND };
    const rotated = await rotateWebhookSecret(await getDb(), {
      workspaceId: workspace.id,
      webhookId,
      actorUserId: user.id,
    });
    if (!rotated) return { status: "error", message: NOT_FOUND };
    revalidatePath(PATH);
    return { status: "saved", secret: rotated.secret };
  },
);

export const deleteWebhookAction = workspaceAction(
  manageWebhooks,
  async ({ user, workspace }, webhookId: string): Promise<WebhookActionResult> => {
    if (!isId("wh", webhookId)) return { status: "error", message: NOT_FOUND };
    const deleted = await deleteWebhook(await getDb(), { workspaceId: workspace.id, webhookId, actorUserId: user.id });
    if (!deleted) return { status: "error", message: NOT_FOUND };
    revalidatePath(PATH);
    return { status: "saved" };
  },
);

export const sendTestEventAction = workspaceAction(
  manageWebhooks,
  async ({ workspace }, webhookId: string): Promise<WebhookActionResult> => {
    if (!isId("wh", webhookId)) return { status: "error", message: NOT_FOUND };
    const queued = await enqueueTestEvent(await getDb(), { workspaceId: workspace.id, webhookId });
    if (!queued) return { status: "error", message: NOT_FOUND };
    wakeWebhookWorker();
    revalidatePath(PATH);
    return { status: "saved", message: "Test event queued. It appears in the delivery log in a moment." };
  },
);

export const retryDeliveryAction = workspaceAction(
  manageWebhooks,
  async ({ workspace }, deliveryId: number): Promise<WebhookActionResult> => {
    if (!Number.isSafeInteger(deliveryId) || deliveryId <= 0)
      return { status: "error", message: "This delivery no longer exists." };
    const retried = await retryDelivery(await getDb(), { workspaceId: workspace.id, deliveryId });
    if (!retried) return { status: "error", message: "Only a failed delivery can be sent again." };
    wakeWebhookWorker();
    revalidatePath(PATH);
    return { status: "saved", message: "Sending it again." };
  },
);
