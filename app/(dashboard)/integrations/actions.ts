"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import {
  createIntegration,
  createWidgetIntegration,
  deleteIntegration,
  getIntegration,
  recreateIntegration,
  recreateWidgetIntegration,
  rollApiKey,
  setAllowedIps,
  updateIntegration,
} from "@/db/queries/integrations";
import { setIdentitySecret, setIntegrationDisabled } from "@/db/queries/widgets";
import { validatedWorkspaceAction, workspaceAction } from "@/lib/actions";
import { parseAllowlist } from "@/lib/ip-allowlist";
import {
  createIntegrationSchema,
  endUserLimitsSchema,
  renameIntegrationSchema,
  rollKeySchema,
} from "@/lib/validations/integrations";
import { formValues, type ActionResult, type FormState } from "@/lib/validations/form";
import { widgetSettingsFromForm } from "@/lib/validations/widget";
import { parseAllowedOrigins } from "@/lib/widget/origins";
import { newIdentitySecret } from "@/lib/widget/token";

const NOT_FOUND = "This integration no longer exists.";
const manageIntegrations = {
  permission: "manage_integrations",
  forbidden: "Your role cannot manage integrations. Ask an owner or admin.",
} as const;

/** The one result that carries a plaintext key, exactly once. */
export type KeyRevealState = ActionResult<{ integrationId?: string; apiKey?: string; hint?: string }>;

/** The bot chosen was deleted (or is another workspace's) while the form was open. */
function botGone(form: FormData) {
  return {
    status: "error" as const,
    fieldErrors: { botId: ["That bot no longer exists. Choose another."] },
    values: formValues(form),
  };
}

function refresh(integrationId: string) {
  revalidatePath(`/integrations/${integrationId}`);
  revalidatePath("/integrations");
}

export const createIntegrationAction = validatedWorkspaceAction(
  {
    ...manageIntegrations,
    schema: createIntegrationSchema,
    fields: (form) => ({ name: form.get("name"), botId: form.get("botId") || undefined }),
  },
  async ({ user, workspace }, data, form): Promise<KeyRevealState> => {
    const made = await createIntegration(await getDb(), { workspaceId: workspace.id, actorUserId: user.id, ...data });
    if (!made) return botGone(form);
    revalidatePath("/integrations");
    return { status: "saved", integrationId: made.integration.id, apiKey: made.apiKey };
  },
);

export type AllowlistState = ActionResult<{
  entryErrors?: Record<number, string>;
  warnings?: string[];
  entries?: string[];
}>;

export const updateAllowedIpsAction = workspaceAction(
  manageIntegrations,
  async (
    { user, workspace },
    integrationId: string,
    _prev: AllowlistState,
    form: FormData,
  ): Promise<AllowlistState> => {
    const entries = form.getAll("entry").map(String);
    const parsed = parseAllowlist(entries);
    if (!parsed.ok) {
      return {
        status: "error",
        message:
          parsed.errors.length === 1 ? "One entry needs fixing." : `${parsed.errors.length} entries need fixing.`,
        entryErrors: Object.fromEntries(parsed.errors.map((e) => [e.index, e.reason])),
        entries,
      };
    }
    const updated = await setAllowedIps(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      cidrs: parsed.cidrs,
    });
    if (!updated) return { status: "error", message: NOT_FOUND, entries };
    refresh(integrationId);
    return {
      status: "saved",
      message: parsed.cidrs.length
        ? "Allowed IPs saved. Only these addresses can call the API now."
        : "Allowed IPs cleared. Every address can call the API now.",
      warnings: parsed.warnings,
      entries: parsed.cidrs,
    };
  },
);

export const renameIntegrationAction = validatedWorkspaceAction(
  {
    ...manageIntegrations,
    schema: renameIntegrationSchema,
    fields: (form) => ({ name: form.get("name") }),
  },
  async ({ user, workspace }, { name }, form, integrationId: string): Promise<FormState> => {
    const updated = await updateIntegration(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      name,
      returnSources: form.get("returnSources") === "on",
    });
    if (!updated) return { status: "error", message: NOT_FOUND };
    refresh(integrationId);
    return { status: "saved", message: "Saved." };
  },
);

export const setEndUserLimitsAction = validatedWorkspaceAction(
  {
    ...manageIntegrations,
    schema: endUserLimitsSchema,
    fields: (form) => ({
      requestsPerMinute: form.get("requestsPerMinute"),
      messagesPerMonth: form.get("messagesPerMonth"),
    }),
  },
  async ({ user, workspace }, limits, _form, integrationId: string): Promise<FormState> => {
    const updated = await updateIntegration(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      endUserLimits: limits,
    });
    if (!updated) return { status: "error", message: NOT_FOUND };
    refresh(integrationId);
    const set = [
      limits.requestsPerMinute !== null && `${limits.requestsPerMinute} requests a minute`,
      limits.messagesPerMonth !== null && `${limits.messagesPerMonth} messages a month`,
    ].filter(Boolean);
    return {
      status: "saved",
      message: set.length ? `Saved: each user_id may send ${set.join(" and ")}.` : "Saved: no limits per end user.",
      values: {
        requestsPerMinute: limits.requestsPerMinute === null ? "" : String(limits.requestsPerMinute),
        messagesPerMonth: limits.messagesPerMonth === null ? "" : String(limits.messagesPerMonth),
      },
    };
  },
);

export const rollKeyAction = validatedWorkspaceAction(
  { ...manageIntegrations, schema: rollKeySchema, fields: (form) => ({ grace: form.get("grace") }) },
  async ({ user, workspace }, { grace }, _form, integrationId: string): Promise<KeyRevealState> => {
    const rolled = await rollApiKey(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      grace,
    });
    if (!rolled) return { status: "error", message: NOT_FOUND };
    refresh(integrationId);
    return { status: "saved", integrationId, apiKey: rolled.apiKey, hint: rolled.hint };
  },
);

export const deleteIntegrationAction = workspaceAction(
  manageIntegrations,
  async ({ user, workspace }, integrationId: string, _prev: FormState, form: FormData): Promise<FormState> => {
    const confirm = String(form.get("confirm") ?? "").trim();
    const mistyped: FormState = {
      status: "error",
      fieldErrors: { confirm: ["Type the integration's name exactly to confirm."] },
      values: formValues(form),
    };
    if (!confirm || confirm !== String(form.get("expected") ?? "")) return mistyped;
    // The name typed is checked against the stored one too, so a stale page cannot delete by mistake.
    const db = await getDb();
    const current = await getIntegration(db, { workspaceId: workspace.id, integrationId });
    if (!current) return { status: "error", message: NOT_FOUND };
    if (current.name !== confirm) return mistyped;
    await deleteIntegration(db, { workspaceId: workspace.id, integrationId, actorUserId: user.id });
    // Straight to the list: re-rendering this page would show a 404 for the integration just deleted.
    redirect(`/integrations?deleted=${encodeURIComponent(current.name)}`);
  },
);

export const recreateIntegrationAction = workspaceAction(
  manageIntegrations,
  async ({ user, workspace }, integrationId: string, _prev: KeyRevealState): Promise<KeyRevealState> => {
    const db = await getDb();
    const scope = { workspaceId: workspace.id, integrationId, actorUserId: user.id };
    // No revalidation: it would re-render the current page, which now 404s; the client moves to the new one.
    const made = await recreateIntegration(db, scope);
    if (made) return { status: "saved", integrationId: made.integration.id, apiKey: made.apiKey };
    const widget = await recreateWidgetIntegration(db, scope); // a widget has no key to show
    if (widget) return { status: "saved", integrationId: widget.integration.id };
    return { status: "error", message: NOT_FOUND };
  },
);

// The website widget's integrations.

export type WidgetFormState = ActionResult<{
  integrationId?: string;
  /** Per allowed-website entry, by its index in the form. */
  originErrors?: Record<number, string>;
  origins?: string[];
  warnings?: string[];
}>;

/** Name, bot, websites and appearance from the form, with every problem at its field or entry. */
function parseWidgetForm(form: FormData) {
  const base = createIntegrationSchema.safeParse({ name: form.get("name"), botId: form.get("botId") || undefined });
  const settings = widgetSettingsFromForm(form);
  const origins = form.getAll("origin").map(String);
  const parsedOrigins = parseAllowedOrigins(origins);
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of [...(base.error?.issues ?? []), ...(settings.error?.issues ?? [])])
    (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
  const originErrors = parsedOrigins.ok ? {} : Object.fromEntries(parsedOrigins.errors.map((e) => [e.index, e.reason]));
  if (parsedOrigins.ok && parsedOrigins.origins.length === 0)
    fieldErrors.origins = ["Add at least one website, like https://www.example.com."];
  if (base.success && settings.success && parsedOrigins.ok && !fieldErrors.origins)
    return { ok: true as const, ...base.data, widget: settings.data, origins: parsedOrigins };
  const entries = Object.keys(originErrors).length;
  return {
    ok: false as const,
    state: {
      status: "error",
      message: entries
        ? entries === 1
          ? "One website needs fixing."
          : `${entries} websites need fixing.`
        : "Please correct the highlighted fields.",
      fieldErrors,
      originErrors,
      origins,
      values: formValues(form),
    } satisfies WidgetFormState,
  };
}

export const createWidgetAction = workspaceAction(
  manageIntegrations,
  async ({ user, workspace }, _prev: WidgetFormState, form: FormData): Promise<WidgetFormState> => {
    const parsed = parseWidgetForm(form);
    if (!parsed.ok) return parsed.state;
    const made = await createWidgetIntegration(await getDb(), {
      workspaceId: workspace.id,
      actorUserId: user.id,
      botId: parsed.botId,
      name: parsed.name,
      allowedOrigins: parsed.origins.origins,
      widget: parsed.widget,
    });
    if (!made) return botGone(form);
    revalidatePath("/integrations");
    return { status: "saved", integrationId: made.id };
  },
);

export const updateWidgetAction = workspaceAction(
  manageIntegrations,
  async (
    { user, workspace },
    integrationId: string,
    _prev: WidgetFormState,
    form: FormData,
  ): Promise<WidgetFormState> => {
    const parsed = parseWidgetForm(form);
    if (!parsed.ok) return parsed.state;
    const updated = await updateIntegration(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      name: parsed.name,
      botId: parsed.botId,
      allowedOrigins: parsed.origins.origins,
      widget: parsed.widget,
      returnSources: form.get("returnSources") === "on",
    });
    if (!updated) return { status: "error", message: NOT_FOUND, values: formValues(form) };
    refresh(integrationId);
    return {
      status: "saved",
      message: "Saved. The widget shows the changes on the next page load.",
      origins: parsed.origins.origins,
      warnings: parsed.origins.warnings,
      values: formValues(form),
    };
  },
);

export const setWidgetDisabledAction = workspaceAction(
  manageIntegrations,
  async ({ user, workspace }, integrationId: string, disabled: boolean): Promise<FormState> => {
    const done = await setIntegrationDisabled(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      disabled,
    });
    if (!done) return { status: "error", message: NOT_FOUND };
    refresh(integrationId);
    return { status: "saved", message: disabled ? "Widget disabled." : "Widget enabled." };
  },
);

export type IdentitySecretState = ActionResult<{ secret?: string }>;

/** Turns identity verification on with a new secret (returned exactly once), or off (`turnOff`). */
export const identitySecretAction = workspaceAction(
  manageIntegrations,
  async (
    { user, workspace },
    integrationId: string,
    turnOff: boolean,
    _prev: IdentitySecretState,
  ): Promise<IdentitySecretState> => {
    const secret = turnOff ? null : newIdentitySecret();
    const done = await setIdentitySecret(await getDb(), {
      workspaceId: workspace.id,
      integrationId,
      actorUserId: user.id,
      secret,
    });
    if (!done) return { status: "error", message: NOT_FOUND };
    revalidatePath(`/integrations/${integrationId}`);
    return turnOff
      ? { status: "saved", message: "Identity verification is off." }
      : { status: "saved", secret: secret! };
  },
);
