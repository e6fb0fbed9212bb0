"use client";

import { setEndUserLimitsAction } from "@/app/(dashboard)/integrations/actions";
import { FormField } from "@/components/form-field";
import { SettingsForm, useSettingsForm } from "@/components/settings-form";
import { Input } from "@/components/ui/input";
import type { EndUserLimitSettings } from "@/db/queries/integrations";

/** An integration's optional limits per end user (`user_id`): requests a minute and messages a month. */
export function EndUserLimitsForm({
  integrationId,
  limits,
  canManage,
}: {
  integrationId: string;
  limits: EndUserLimitSettings;
  canManage: boolean;
}) {
  const form = useSettingsForm(setEndUserLimitsAction.bind(null, integrationId));
  const { errors, typed } = form;
  const value = (typedValue: string | undefined, saved: number | null) =>
    typedValue ?? (saved === null ? "" : String(saved));
  return (
    <SettingsForm form={form} canManage={canManage} submitLabel="Save limits" className="grid gap-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          id="user-requests-per-minute"
          label="Requests a minute per user"
          hint="Empty: no limit of its own."
          errors={errors.requestsPerMinute}
        >
          <Input
            id="user-requests-per-minute"
            name="requestsPerMinute"
            inputMode="numeric"
            placeholder="No limit"
            defaultValue={value(typed?.requestsPerMinute, limits.requestsPerMinute)}
            aria-invalid={!!errors.requestsPerMinute}
            disabled={!canManage}
          />
        </FormField>
        <FormField
          id="user-messages-per-month"
          label="Messages a month per user"
          hint="Calendar month, UTC. Empty: no limit."
          errors={errors.messagesPerMonth}
        >
          <Input
            id="user-messages-per-month"
            name="messagesPerMonth"
            inputMode="numeric"
            placeholder="No limit"
            defaultValue={value(typed?.messagesPerMonth, limits.messagesPerMonth)}
            aria-invalid={!!errors.messagesPerMonth}
            disabled={!canManage}
          />
        </FormField>
      </div>
    </SettingsForm>
  );
}
