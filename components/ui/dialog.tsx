"use client";

import * as React from "react";
import type * as Radix from "@/components/ui/dialog-impl";
import { deferred, StandInTrigger, useDeferred, useLazyRoot, useTakeOverFocus, type LazyRoot, type StandInTriggerProps } from "@/components/ui/lazy";
import { cn } from "@/lib/utils";

/**
 * The dialog, with the API of shadcn/ui's. Its Radix code (portal, focus trap, scroll lock) is not part
 * of any page's first load: a closed dialog is just its trigger, and the code is fetched when the
 * pointer or focus reaches a trigger, or when the dialog is opened from outside (see lazy.tsx).
 */
const radix = deferred(() => import("@/components/ui/dialog-impl"));
const RootContext = React.createContext<LazyRoot | null>(null);

function Dialog({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.Dialog>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.impl;
  return (
    <RootContext.Provider value={lazy.root}>
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
  const root = React.useContext(RootContext);
  const Real = useDeferred(radix);
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="dialog" opensOn="click" {...props} />;
  return <Real.DialogTrigger ref={ref} {...props} />;
}

// A closed dialog renders no content, so until the code is there these render nothing.

function DialogContent(props: React.ComponentProps<typeof Radix.DialogContent>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DialogContent {...props} /> : null;
}

function DialogClose(props: React.ComponentProps<typeof Radix.DialogClose>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DialogClose {...props} /> : null;
}

function DialogTitle(props: React.ComponentProps<typeof Radix.DialogTitle>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DialogTitle {...props} /> : null;
}

function DialogDescription(props: React.ComponentProps<typeof Radix.DialogDescription>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DialogDescription {...props} /> : null;
}

function DialogHeader({ className, ...props }: React.ComponentProps<"div">) {
  return <div data-slot="dialog-header" className={cn("flex flex-col gap-2 text-center sm:text-left", className)} {...props} />;
}

function DialogFooter({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div data-slot="dialog-footer" className={cn("flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", className)} {...props} />
  );
}

export { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger };
