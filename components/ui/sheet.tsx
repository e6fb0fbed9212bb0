"use client";

import * as React from "react";
import type * as Radix from "@/components/ui/sheet-impl";
import { deferred, StandInTrigger, useDeferred, useLazyRoot, useTakeOverFocus, type LazyRoot, type StandInTriggerProps } from "@/components/ui/lazy";

/**
 * The side drawer (the mobile navigation). Like dialog.tsx, its Radix code is fetched when the pointer
 * or focus reaches its trigger, not with the page (see lazy.tsx).
 */
const radix = deferred(() => import("@/components/ui/sheet-impl"));
const RootContext = React.createContext<LazyRoot | null>(null);

function Sheet({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.Sheet>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.impl;
  return (
    <RootContext.Provider value={lazy.root}>
      {Real ? (
        <Real.Sheet open={open} defaultOpen={lazy.defaultOpen} onOpenChange={onOpenChange} {...props}>
          {children}
        </Real.Sheet>
      ) : (
        children
      )}
    </RootContext.Provider>
  );
}

function SheetTrigger(props: StandInTriggerProps) {
  const root = React.useContext(RootContext);
  const Real = useDeferred(radix);
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="dialog" opensOn="click" {...props} />;
  return <Real.SheetTrigger ref={ref} {...props} />;
}

// A closed drawer renders no content, so until the code is there these render nothing.

function SheetContent(props: React.ComponentProps<typeof Radix.SheetContent>) {
  const Real = useDeferred(radix);
  return Real ? <Real.SheetContent {...props} /> : null;
}

function SheetTitle(props: React.ComponentProps<typeof Radix.SheetTitle>) {
  const Real = useDeferred(radix);
  return Real ? <Real.SheetTitle {...props} /> : null;
}

export { Sheet, SheetTrigger, SheetContent, SheetTitle };
