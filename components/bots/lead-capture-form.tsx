"use client";

import { updateLeadCaptureAction } from "@/app/(dashboard)/bots/actions";
import { FormField } from "@/components/form-field";
import { SettingsForm, useSettingsForm } from "@/components/settings-form";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { LeadCaptureValues } from "@/lib/validations/bots";
import { CheckboxRow, CountField, GroupErrors, SwitchRow } from "./policy-fields";

const FIELDS = [
  { key: "name", input: "fieldName", label: "Name" },
  { key: "email", input: "fieldEmail", label: "Email" },
  { key: "phone", input: "fieldPhone", label: "Phone" },
  { key: "company", input: "fieldCompany", label: "Company" },
] as const;

/** Lead capture of one bot: on/off, the details to collect, when the bot asks, and its wording. */
export function LeadCaptureForm({
  botId,
  settings,
  canManage,
}: {
  botId: string;
  settings: LeadCaptureValues;
  canManage: boolean;
}) {
  const form = useSettingsForm(updateLeadCaptureAction.bind(null, botId));
  const { state, errors, typed } = form;
  const disabled = !canManage;

  return (
    <SettingsForm form={form} canManage={canManage} submitLabel="Save lead capture">
      <SwitchRow
        id="lead-enabled"
        name="enabled"
        label="Capture leads"
        description="Contact details are captured whenever a user shares them, asked or not, and the bot asks for them once, politely. It never nags."
        defaultChecked={typed ? typed.enabled === "on" : settings.enabled}
        disabled={disabled}
      />

      <fieldset
        className="grid gap-3"
        disabled={disabled}
        aria-describedby={errors.fields ? "lead-fields-error" : "lead-fields-hint"}
      >
        <legend className="mb-2 text-sm leading-none font-medium">Details to collect</legend>
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          {FIELDS.map((f) => {
            const invalidField = !!errors.fields && (f.key === "email" || f.key === "phone");
            return (
              <div key={f.key} className="grid gap-1.5">
                <label htmlFor={`lead-field-${f.key}`} className="text-muted-foreground text-xs font-medium">
                  {f.label}
                </label>
                <NativeSelect
                  // React ignores a select's new defaultValue, and resets the form after each save: remount with what was sent.
                  key={typed?.[f.input] ?? "stored"}
                  id={`lead-field-${f.key}`}
                  name={f.input}
                  defaultValue={typed?.[f.input] ?? settings.fields[f.key]}
                  aria-invalid={invalidField}
                >
                  <option value="off">Off</option>
                  <option value="optional">Optional</option>
                  <option value="required">Required</option>
                </NativeSelect>
              </div>
            );
          })}
        </div>
        {errors.fields?.length ? (
          <GroupErrors id="lead-fields-error" errors={errors.fields} />
        ) : (
          <p id="lead-fields-hint" className="text-muted-foreground text-xs">
            A lead needs an email or a phone number, so collect at least one of them. Optional details are kept when
            shared; if a required one is still missing once someone shares their details, the bot asks for it (once).
            Details set to Off are never kept.
          </p>
        )}
      </fieldset>

      <fieldset className="grid gap-4" disabled={disabled}>
        <legend className="mb-3 text-sm leading-none font-medium">When to ask</legend>
        <CountField
          id="lead-ask-after"
          name="askAfterMessages"
          label="Ask after this many messages"
          before="Ask after"
          after="messages"
          max={50}
          defaultValue={typed?.askAfterMessages ?? settings.askAfterMessages ?? ""}
          hint="Counts the user's messages, 1 to 50. Leave empty to not ask by count."
          errors={errors.askAfterMessages}
        />
        <CheckboxRow
          id="lead-ask-intent"
          name="askOnIntent"
          label="Ask when the user shows buying intent (pricing, demo, quote, contact…)"
          defaultChecked={typed ? typed.askOnIntent === "on" : settings.askOnIntent}
          disabled={disabled}
        />
      </fieldset>

      <FormField
        id="lead-ask-message"
        label="How the bot asks"
        hint="Added once to the end of an answer, never instead of one."
        errors={errors.askMessage}
      >
        <Textarea
          id="lead-ask-message"
          name="askMessage"
          rows={2}
          maxLength={500}
          defaultValue={typed?.askMessage ?? settings.askMessage}
          aria-invalid={!!errors.askMessage}
          aria-describedby={errors.askMessage ? "lead-ask-message-error" : "lead-ask-message-hint"}
          disabled={disabled}
        />
      </FormField>
    </SettingsForm>
  );
}
