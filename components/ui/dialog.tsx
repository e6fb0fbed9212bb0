"use client";

import * as React from "react";
import type * as Radix from "@/components/ui/dialog-impl";
import { deferred, preload, StandInTrigger, useLazyRoot, useTakeOverFocus, realOnly, type LazyContext, type StandInTriggerProps } from "@/components/ui/lazy";
import { cn } from "@/lib/utils";

/**
 * The dialog, with the API of shadcn/ui's. Its Radix code (portal, focus trap, scroll lock) is not part
 * of any page's first load: a closed dialog is just its trigger. The code is fetched when the pointer
 * or focus reaches a trigger, and the real dialog opens in its place when the trigger is pressed or
 * the dialog is opened from outside (see lazy.tsx).
 */
const radix = deferred(() => import("@/components/ui/dialog-impl"));

/** Fetches the dialog code ahead of need (a menu item that opens a dialog, see dropdown-menu.tsx). */
function preloadDialog() {
  preload(radix);
}

const RootContext = React.createContext<LazyContext<typeof Radix> | null>(null);

function Dialog({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.Dialog>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.real;
  return (
    <RootContext.Provider value={lazy.context}>
      {Real ? (
        <Real.Dialog open={open} defaultOpen={lazy.defaultOpen} onOpenChange={onOpenChange} {...props}>
          {children}
        </Real.Dialog>
      ) : (
        children
      )}
    </RootContext.Provider>
  );
}

function DialogTrigger(props: StandInTriggerProps) {
  const { root = null, real: Real = null } = React.useContext(RootContext) ?? {};
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="dialog" opensOn="click" {...props} />;
  return <Real.DialogTrigger ref={ref} {...props} />;
}

// A closed dialog renders no content, so until the code is there these render nothing.

const DialogContent = realOnly(RootContext, "DialogContent");
const DialogClose = realOnly(RootContext, "DialogClose");
const DialogTitle = realOnly(RootContext, "DialogTitle");
const DialogDescription = realOnly(RootContext, "DialogDescription");

function DialogHeader({ className, ...props }: React.ComponentProps<"div">) {
  return <div data-slot="dialog-header" className={cn("flex flex-col gap-2 text-center sm:text-left", className)} {...props} />;
}

function DialogFooter({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div data-slot="dialog-footer" className={cn("flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", className)} {...props} />
  );
}

export { preloadDialog, Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger };
