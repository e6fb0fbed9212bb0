"use client";

import { useActionState } from "react";
import { Loader2Icon, PlusIcon, ShieldCheckIcon, TriangleAlertIcon } from "lucide-react";
import { updateAllowedIpsAction, type AllowlistState } from "@/app/(dashboard)/integrations/actions";
import { FormMessage } from "@/components/form-field";
import { EntryList, useEntryRows } from "@/components/integrations/entry-list";
import { Button } from "@/components/ui/button";

/** Add and remove allowed addresses; each entry gets its own message; the saved (canonical) list comes back. */
export function AllowedIpsForm({
  integrationId,
  saved,
  canEdit,
}: {
  integrationId: string;
  saved: string[];
  canEdit: boolean;
}) {
  const [state, action, pending] = useActionState<AllowlistState, FormData>(
    updateAllowedIpsAction.bind(null, integrationId),
    {
      status: "idle",
    },
  );
  // After a save, show the canonical form the server stored (e.g. 10.0.0.1 → 10.0.0.1/32).
  const entries = useEntryRows(saved, state.status === "saved" ? state.entries : undefined);
  const errors = state.status === "error" ? (state.entryErrors ?? {}) : {};

  return (
    <form action={action} className="grid gap-4" noValidate>
      <FormMessage state={state} />
      {state.status === "saved" &&
        state.warnings?.map((w) => (
          <p
            key={w}
            className="bg-warning/10 text-foreground flex items-center gap-2 rounded-md px-3 py-2 text-sm"
            role="status"
          >
            <TriangleAlertIcon className="text-warning size-4" /> {w}
          </p>
        ))}
      {entries.rows.length === 0 ? (
        <p className="text-muted-foreground flex items-center gap-2 rounded-md border border-dashed px-3 py-3 text-sm">
          <ShieldCheckIcon className="size-4" /> No restriction: every IP address may call this integration (it still
          needs the key).
        </p>
      ) : (
        <EntryList
          entries={entries}
          name="entry"
          label="Allowed IP"
          placeholder="203.0.113.7, 10.0.0.0/8 or 2001:db8::/32"
          noun="entry"
          errors={errors}
          canEdit={canEdit}
        />
      )}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="outline" onClick={entries.add} disabled={entries.rows.length >= 100}>
            <PlusIcon /> Add address
          </Button>
          <Button type="submit" disabled={pending}>
            {pending && <Loader2Icon className="animate-spin" />} Save allowed IPs
          </Button>
        </div>
      )}
    </form>
  );
}
