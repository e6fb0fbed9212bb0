"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import {
  createIntegration,
  deleteIntegration,
  recreateIntegration,
  rollApiKey,
  setAllowedIps,
  updateIntegration,
} from "@/db/queries/integrations";
import { parseAllowlist } from "@/lib/ip-allowlist";
import { requireWorkspace } from "@/lib/session";
import { createIntegrationSchema, integrationNameSchema, rollKeySchema } from "@/lib/validations/integrations";
import { formValues, invalid, type FormState } from "@/lib/validations/form";

const FORBIDDEN = "Your role cannot manage integrations. Ask an owner or admin.";
const NOT_FOUND = "This integration no longer exists.";

/** The one result that carries a plaintext key, exactly once. */
export type KeyRevealState = FormState & { integrationId?: string; apiKey?: string; hint?: string };

export async function createIntegrationAction(_prev: KeyRevealState, form: FormData): Promise<KeyRevealState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const parsed = createIntegrationSchema.safeParse({ name: form.get("name"), botId: form.get("botId") || undefined });
  if (!parsed.success) return invalid(parsed.error, form);
  const made = await createIntegration(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, ...parsed.data });
  if (!made) return { status: "error", fieldErrors: { botId: ["That bot no longer exists. Choose another."] }, values: formValues(form) };
  revalidatePath("/integrations");
  return { status: "saved", integrationId: made.integration.id, apiKey: made.apiKey };
}

export type AllowlistState = FormState & { entryErrors?: Record<number, string>; warnings?: string[]; entries?: string[] };

export async function updateAllowedIpsAction(integrationId: string, _prev: AllowlistState, form: FormData): Promise<AllowlistState> {
  const { user, workspace, can } = await requireWorkspace();
  const entries = form.getAll("entry").map(String);
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN, entries };
  const parsed = parseAllowlist(entries);
  if (!parsed.ok) {
    return {
      status: "error",
      message: parsed.errors.length === 1 ? "One entry needs fixing." : `${parsed.errors.length} entries need fixing.`,
      entryErrors: Object.fromEntries(parsed.errors.map((e) => [e.index, e.reason])),
      entries,
    };
  }
  const updated = await setAllowedIps(await getDb(), { workspaceId: workspace.id, integrationId, actorUserId: user.id, cidrs: parsed.cidrs });
  if (!updated) return { status: "error", message: NOT_FOUND, entries };
  revalidatePath(`/integrations/${integrationId}`);
  revalidatePath("/integrations");
  return {
    status: "saved",
    message: parsed.cidrs.length ? "Allowed IPs saved. Only these addresses can call the API now." : "Allowed IPs cleared. Every address can call the API now.",
    warnings: parsed.warnings,
    entries: parsed.cidrs,
  };
}

export async function renameIntegrationAction(integrationId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN, values: formValues(form) };
  const name = integrationNameSchema.safeParse(form.get("name"));
  if (!name.success) return { status: "error", fieldErrors: { name: name.error.issues.map((i) => i.message) }, values: formValues(form) };
  const returnSources = form.get("returnSources") === "on";
  const updated = await updateIntegration(await getDb(), {
    workspaceId: workspace.id,
    integrationId,
    actorUserId: user.id,
    name: name.data,
    returnSources,
  });
  if (!updated) return { status: "error", message: NOT_FOUND };
  revalidatePath(`/integrations/${integrationId}`);
  revalidatePath("/integrations");
  return { status: "saved", message: "Saved." };
}

export async function rollKeyAction(integrationId: string, _prev: KeyRevealState, form: FormData): Promise<KeyRevealState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN };
  const parsed = rollKeySchema.safeParse({ grace: form.get("grace") });
  if (!parsed.success) return invalid(parsed.error, form);
  const rolled = await rollApiKey(await getDb(), { workspaceId: workspace.id, integrationId, actorUserId: user.id, grace: parsed.data.grace });
  if (!rolled) return { status: "error", message: NOT_FOUND };
  revalidatePath(`/integrations/${integrationId}`);
  revalidatePath("/integrations");
  return { status: "saved", integrationId, apiKey: rolled.apiKey, hint: rolled.hint };
}

export async function deleteIntegrationAction(integrationId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN };
  const db = await getDb();
  const confirm = String(form.get("confirm") ?? "").trim();
  const expected = String(form.get("expected") ?? "");
  if (!confirm || confirm !== expected) {
    return { status: "error", fieldErrors: { confirm: ["Type the integration's name exactly to confirm."] }, values: formValues(form) };
  }
  // The name typed is checked against the stored one too, so a stale page cannot delete by mistake.
  const { getIntegration } = await import("@/db/queries/integrations");
  const current = await getIntegration(db, { workspaceId: workspace.id, integrationId });
  if (!current) return { status: "error", message: NOT_FOUND };
  if (current.name !== confirm) return { status: "error", fieldErrors: { confirm: ["Type the integration's name exactly to confirm."] }, values: formValues(form) };
  await deleteIntegration(db, { workspaceId: workspace.id, integrationId, actorUserId: user.id });
  // Straight to the list: re-rendering this page would show a 404 for the integration just deleted.
  redirect(`/integrations?deleted=${encodeURIComponent(current.name)}`);
}

export async function recreateIntegrationAction(integrationId: string, _prev: KeyRevealState): Promise<KeyRevealState> {
  const { user, workspace, can } = await requireWorkspace();
  if (!can("manage_integrations")) return { status: "error", message: FORBIDDEN };
  const made = await recreateIntegration(await getDb(), { workspaceId: workspace.id, integrationId, actorUserId: user.id });
  if (!made) return { status: "error", message: NOT_FOUND };
  // No revalidation: it would re-render the current page, which now 404s; the client moves to the new one.
  return { status: "saved", integrationId: made.integration.id, apiKey: made.apiKey };
}
