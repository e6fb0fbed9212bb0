"use client";

import { useState } from "react";
import { XIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

type Row = { key: number; value: string };

/**
 * The rows of a list typed one entry at a time (allowed IPs, allowed websites): the list as the
 * server stored it after a save (`stored`, its canonical form), a new row focused when added.
 */
export function useEntryRows(initial: string[], stored: string[] | undefined) {
  const [rows, setRows] = useState<Row[]>(() => initial.map((value, key) => ({ key, value })));
  const [nextKey, setNextKey] = useState(initial.length);
  const [shown, setShown] = useState(stored);
  // The new field takes the focus, so that a keyboard user types the entry next (not behind it).
  const [focusKey, setFocusKey] = useState<number | null>(null);
  if (shown !== stored) {
    setShown(stored);
    if (stored) {
      setRows(stored.map((value, key) => ({ key: nextKey + key, value })));
      setNextKey(nextKey + stored.length);
    }
  }
  return {
    rows,
    focusKey,
    add() {
      setRows([...rows, { key: nextKey, value: "" }]);
      setFocusKey(nextKey);
      setNextKey(nextKey + 1);
    },
    change: (key: number, value: string) => setRows(rows.map((r) => (r.key === key ? { ...r, value } : r))),
    remove: (key: number) => setRows(rows.filter((r) => r.key !== key)),
  };
}

/** One input per entry, named `name` for the form, each with its own error by index and a remove button. */
export function EntryList({
  entries,
  name,
  label,
  placeholder,
  noun,
  errors,
  canEdit,
  minRows = 0,
}: {
  entries: ReturnType<typeof useEntryRows>;
  name: string;
  /** "Allowed IP": each input is labelled "Allowed IP 1", "Allowed IP 2"… */
  label: string;
  placeholder: string;
  /** What an empty row's remove button names: "Remove entry". */
  noun: string;
  errors: Record<number, string>;
  canEdit: boolean;
  /** Rows that cannot be removed (a widget needs at least one website). */
  minRows?: number;
}) {
  const { rows, focusKey, change, remove } = entries;
  return (
    <ul className="grid gap-2">
      {rows.map((row, i) => (
        <li key={row.key} className="grid gap-1">
          <div className="flex gap-2">
            <Input
              name={name}
              aria-label={`${label} ${i + 1}`}
              autoFocus={row.key === focusKey}
              placeholder={placeholder}
              value={row.value}
              onChange={(e) => change(row.key, e.target.value)}
              aria-invalid={!!errors[i]}
              aria-describedby={errors[i] ? `${name}-${row.key}-error` : undefined}
              className="font-mono"
              disabled={!canEdit}
            />
            {canEdit && rows.length > minRows && (
              <Button
                type="button"
                variant="ghost"
                size="icon"
                aria-label={`Remove ${row.value || noun}`}
                onClick={() => remove(row.key)}
              >
                <XIcon />
              </Button>
            )}
          </div>
          {errors[i] && (
            <p id={`${name}-${row.key}-error`} className="text-destructive text-xs font-medium" role="alert">
              {errors[i]}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
