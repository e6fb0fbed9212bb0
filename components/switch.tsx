import * as React from "react";
import { cn } from "@/lib/utils";

/**
 * An on/off switch that is a native checkbox underneath (role="switch"): it submits "on" with its
 * form like any checkbox, and keyboard, labels and form resets behave as the platform does.
 */
function Switch({ className, ...props }: Omit<React.ComponentProps<"input">, "type" | "role">) {
  return (
    <span data-slot="switch" className={cn("relative inline-flex h-5 w-9 shrink-0", className)}>
      <input
        type="checkbox"
        role="switch"
        className="peer absolute inset-0 z-10 m-0 size-full cursor-pointer appearance-none rounded-full opacity-0 disabled:cursor-not-allowed"
        {...props}
      />
      <span
        aria-hidden
        className="bg-muted-foreground/40 peer-checked:bg-primary peer-focus-visible:ring-ring/50 dark:bg-input/80 dark:peer-checked:bg-primary pointer-events-none absolute inset-0 rounded-full shadow-xs transition-colors peer-focus-visible:ring-[3px] peer-disabled:opacity-50"
      />
      <span
        aria-hidden
        className="bg-background dark:bg-foreground dark:peer-checked:bg-primary-foreground pointer-events-none absolute top-0.5 left-0.5 size-4 rounded-full shadow-sm transition-transform peer-checked:translate-x-4 peer-disabled:opacity-50"
      />
    </span>
  );
}

export { Switch };
