"use client";

import { useActionState, useState } from "react";
import { Loader2Icon, PlusIcon, ShieldCheckIcon, TriangleAlertIcon, XIcon } from "lucide-react";
import { updateAllowedIpsAction, type AllowlistState } from "@/app/(dashboard)/integrations/actions";
import { FormMessage } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

type Row = { key: number; value: string };

/** Add and remove allowed addresses; each entry gets its own message; the saved (canonical) list comes back. */
export function AllowedIpsForm({ integrationId, saved, canEdit }: { integrationId: string; saved: string[]; canEdit: boolean }) {
  const [state, action, pending] = useActionState<AllowlistState, FormData>(updateAllowedIpsAction.bind(null, integrationId), {
    status: "idle",
  });
  const [rows, setRows] = useState<Row[]>(() => saved.map((value, key) => ({ key, value })));
  const [nextKey, setNextKey] = useState(saved.length);
  const [shown, setShown] = useState(state);
  // After a save, show the canonical form the server stored (e.g. 10.0.0.1 → 10.0.0.1/32).
  if (shown !== state) {
    setShown(state);
    if (state.status === "saved" && state.entries) {
      setRows(state.entries.map((value, key) => ({ key: nextKey + key, value })));
      setNextKey(nextKey + state.entries.length);
    }
  }
  const errors = state.status === "error" ? state.entryErrors ?? {} : {};

  function add() {
    setRows([...rows, { key: nextKey, value: "" }]);
    setNextKey(nextKey + 1);
  }

  return (
    <form action={action} className="grid gap-4" noValidate>
      <FormMessage state={state} />
      {state.status === "saved" &&
        state.warnings?.map((w) => (
          <p key={w} className="bg-warning/10 text-foreground flex items-center gap-2 rounded-md px-3 py-2 text-sm" role="status">
            <TriangleAlertIcon className="text-warning size-4" /> {w}
          </p>
        ))}
      {rows.length === 0 ? (
        <p className="text-muted-foreground flex items-center gap-2 rounded-md border border-dashed px-3 py-3 text-sm">
          <ShieldCheckIcon className="size-4" /> No restriction: every IP address may call this integration (it still needs the key).
        </p>
      ) : (
        <ul className="grid gap-2">
          {rows.map((row, i) => (
            <li key={row.key} className="grid gap-1">
              <div className="flex gap-2">
                <Input
                  name="entry"
                  aria-label={`Allowed IP ${i + 1}`}
                  placeholder="203.0.113.7, 10.0.0.0/8 or 2001:db8::/32"
                  value={row.value}
                  onChange={(e) => setRows(rows.map((r) => (r.key === row.key ? { ...r, value: e.target.value } : r)))}
                  aria-invalid={!!errors[i]}
                  className="font-mono"
                  disabled={!canEdit}
                />
                {canEdit && (
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    aria-label={`Remove ${row.value || "entry"}`}
                    onClick={() => setRows(rows.filter((r) => r.key !== row.key))}
                  >
                    <XIcon />
                  </Button>
                )}
              </div>
              {errors[i] && (
                <p className="text-destructive text-xs font-medium" role="alert">
                  {errors[i]}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="outline" onClick={add} disabled={rows.length >= 100}>
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
