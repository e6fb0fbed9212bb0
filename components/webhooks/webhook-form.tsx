"use client";

import { useActionState, useEffect, useState } from "react";
import { Loader2Icon } from "lucide-react";
import { FormField, FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { WebhookFormState as S } from "@/app/(dashboard)/settings/webhooks/actions";
import { WEBHOOK_EVENT_OPTIONS } from "@/lib/validations/webhook-events";

/** URL and events of a webhook (add and edit); errors beside their fields, and what was typed stays. */
export function WebhookForm({
  action,
  initial,
  submitLabel,
  onSaved,
  onSuccess,
  footer,
}: {
  action: (prev: S, form: FormData) => Promise<S>;
  initial: { url: string; events: string[] };
  submitLabel: string;
  /** What to show instead of the form once saved. */
  onSaved?: (state: S) => React.ReactNode;
  /** Called once after a save (e.g. to close a dialog). */
  onSuccess?: (state: S) => void;
  footer?: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState<S, FormData>(action, { status: "idle" });
  const [events, setEvents] = useState<string[]>(initial.events);
  useEffect(() => {
    if (state.status === "saved") onSuccess?.(state);
  }, [state, onSuccess]);
  const saved = state.status === "saved" && onSaved ? onSaved(state) : null;
  if (saved) return saved;
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="grid gap-5" noValidate>
      <FormMessage state={state.status === "error" && !state.fieldErrors ? state : { status: "idle" }} />
      <FormField
        id="webhook-url"
        label="Endpoint URL"
        hint="Parley POSTs each event here as JSON. Use https in production."
        errors={errors.url}
      >
        <Input
          id="webhook-url"
          name="url"
          type="url"
          inputMode="url"
          placeholder="https://example.com/webhooks/parley"
          defaultValue={state.values?.url ?? initial.url}
          aria-invalid={!!errors.url}
          maxLength={2000}
          required
          autoFocus
        />
      </FormField>
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm leading-none font-medium">Events</legend>
        {WEBHOOK_EVENT_OPTIONS.map((o) => (
          <label
            key={o.value}
            className="hover:bg-accent/50 flex cursor-pointer items-start gap-3 rounded-md border p-3"
          >
            <input
              type="checkbox"
              name="events"
              value={o.value}
              checked={events.includes(o.value)}
              onChange={(e) =>
                setEvents((all) => (e.target.checked ? [...all, o.value] : all.filter((v) => v !== o.value)))
              }
              className="accent-primary mt-0.5 size-4"
            />
            <span className="grid gap-0.5">
              <span className="font-mono text-sm">{o.label}</span>
              <span className="text-muted-foreground text-xs">{o.description}</span>
            </span>
          </label>
        ))}
        {errors.events?.map((e) => (
          <p key={e} className="text-destructive text-xs font-medium" role="alert">
            {e}
          </p>
        ))}
      </fieldset>
      <div className="flex flex-wrap justify-end gap-2">
        {footer}
        <Button type="submit" disabled={pending}>
          {pending && <Loader2Icon className="animate-spin" />} {submitLabel}
        </Button>
      </div>
    </form>
  );
}
