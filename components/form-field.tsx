import * as React from "react";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

/** A labelled field with its hint and its errors, tied to the control (aria-describedby) for screen readers. */
export function FormField({
  id,
  label,
  hint,
  errors,
  className,
  children,
}: {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  errors?: React.ReactNode[];
  className?: string;
  children: React.ReactNode;
}) {
  const described = errors?.length ? errors.map((_, i) => `${id}-error-${i}`) : hint ? [`${id}-hint`] : [];
  const control =
    React.isValidElement<{ "aria-describedby"?: string }>(children) && described.length
      ? React.cloneElement(children, {
          "aria-describedby": [children.props["aria-describedby"], ...described].filter(Boolean).join(" "),
        })
      : children;
  return (
    <div className={cn("grid gap-2", className)}>
      <Label htmlFor={id}>{label}</Label>
      {control}
      {hint && !errors?.length && (
        <p id={`${id}-hint`} className="text-muted-foreground text-xs">
          {hint}
        </p>
      )}
      {errors?.map((e, i) => (
        <p key={i} id={`${id}-error-${i}`} className="text-destructive text-xs font-medium" role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

/** The message of a whole form (not one field). */
export function FormMessage({ state }: { state: { status: string; message?: string } }) {
  if (!state.message) return null;
  return (
    <p
      role={state.status === "error" ? "alert" : "status"}
      className={cn(
        "rounded-md px-3 py-2 text-sm",
        state.status === "error"
          ? "bg-destructive/10 text-red-700 dark:text-destructive"
          : "bg-success/10 text-emerald-800 dark:text-success",
      )}
    >
      {state.message}
    </p>
  );
}
