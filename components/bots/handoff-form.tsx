"use client";

import Link from "next/link";
import { updateHandoffAction } from "@/app/(dashboard)/bots/actions";
import { FormField } from "@/components/form-field";
import { SettingsForm, useSettingsForm } from "@/components/settings-form";
import { Textarea } from "@/components/ui/textarea";
import type { HandoffValues } from "@/lib/validations/bots";
import { CheckboxRow, CountField, SwitchRow } from "./policy-fields";

/** Human handoff of one bot: on/off, when it hands over or offers a person, and what it says. */
export function HandoffForm({
  botId,
  settings,
  canManage,
}: {
  botId: string;
  settings: HandoffValues;
  canManage: boolean;
}) {
  const form = useSettingsForm(updateHandoffAction.bind(null, botId));
  const { state, errors, typed } = form;
  const disabled = !canManage;

  return (
    <SettingsForm form={form} canManage={canManage} submitLabel="Save handoff settings">
      <SwitchRow
        id="handoff-enabled"
        name="enabled"
        label="Allow handoff to your team"
        description={
          <>
            While a person owns the conversation the bot stays silent; your team answers in{" "}
            <Link href="/conversations" className="text-foreground underline underline-offset-4">
              Conversations
            </Link>{" "}
            and hands it back to the bot when done.
          </>
        }
        defaultChecked={typed ? typed.enabled === "on" : settings.enabled}
        disabled={disabled}
      />

      <fieldset className="grid gap-4" disabled={disabled}>
        <legend className="mb-3 text-sm leading-none font-medium">When to hand over</legend>
        <CheckboxRow
          id="handoff-on-request"
          name="onRequest"
          label="Hand over when the user asks for a person"
          description="In their own words: “Can I talk to a human?”, “agent please”, “I need someone from support”…"
          defaultChecked={typed ? typed.onRequest === "on" : settings.onRequest}
          disabled={disabled}
        />
        <CountField
          id="handoff-offer-after"
          name="offerAfterFailures"
          label="Offer a person after this many answers in a row the bot could not give"
          before="Offer a person after"
          after="unanswered questions in a row"
          max={10}
          defaultValue={typed?.offerAfterFailures ?? settings.offerAfterFailures ?? ""}
          hint="Questions the bot could not answer from its knowledge, 1 to 10. A yes to the offer hands the conversation over. Leave empty to never offer."
          errors={errors.offerAfterFailures}
        />
      </fieldset>

      <FormField
        id="handoff-offer-message"
        label="Offer message"
        hint="Added to the answer the bot could not give; ask a yes-or-no question."
        errors={errors.offerMessage}
      >
        <Textarea
          id="handoff-offer-message"
          name="offerMessage"
          rows={2}
          maxLength={500}
          defaultValue={typed?.offerMessage ?? settings.offerMessage}
          aria-invalid={!!errors.offerMessage}
          aria-describedby={errors.offerMessage ? "handoff-offer-message-error" : "handoff-offer-message-hint"}
          disabled={disabled}
        />
      </FormField>
      <FormField
        id="handoff-message"
        label="Handoff message"
        hint="The bot's last words until your team hands the conversation back."
        errors={errors.handoffMessage}
      >
        <Textarea
          id="handoff-message"
          name="handoffMessage"
          rows={2}
          maxLength={500}
          defaultValue={typed?.handoffMessage ?? settings.handoffMessage}
          aria-invalid={!!errors.handoffMessage}
          aria-describedby={errors.handoffMessage ? "handoff-message-error" : "handoff-message-hint"}
          disabled={disabled}
        />
      </FormField>
    </SettingsForm>
  );
}
