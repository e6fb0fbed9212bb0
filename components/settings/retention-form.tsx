"use client";

import { setRetentionAction } from "@/app/(dashboard)/settings/actions";
import { FormField } from "@/components/form-field";
import { SettingsForm, useSettingsForm } from "@/components/settings-form";
import { Input } from "@/components/ui/input";
import { RETENTION_DAYS } from "@/lib/validations/limits";

/** Retention in days (empty: keep conversations); owners and admins change it, others see it. */
export function RetentionForm({ days, canManage }: { days: number | null; canManage: boolean }) {
  const form = useSettingsForm(setRetentionAction);
  const { errors, typed } = form;
  return (
    <SettingsForm form={form} canManage={canManage} submitLabel="Save retention" className="grid gap-4">
      <FormField
        id="retention-days"
        label="Delete conversations after (days)"
        hint={`Counted from a conversation's last message, ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max.toLocaleString("en-US")} days. Empty keeps every conversation.`}
        errors={errors.days}
      >
        <Input
          id="retention-days"
          name="days"
          inputMode="numeric"
          placeholder="Keep forever"
          defaultValue={typed?.days ?? (days === null ? "" : String(days))}
          aria-invalid={!!errors.days}
          disabled={!canManage}
          className="sm:max-w-48"
        />
      </FormField>
    </SettingsForm>
  );
}
