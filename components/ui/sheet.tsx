"use client";

import * as React from "react";
import type * as Radix from "@/components/ui/sheet-impl";
import { deferred, StandInTrigger, useLazyRoot, useTakeOverFocus, realOnly, type LazyContext, type StandInTriggerProps } from "@/components/ui/lazy";

/**
 * The side drawer (the mobile navigation). Like dialog.tsx, its Radix code is fetched when the pointer
 * or focus reaches its trigger, not with the page (see lazy.tsx).
 */
const radix = deferred(() => import("@/components/ui/sheet-impl"));
const RootContext = React.createContext<LazyContext<typeof Radix> | null>(null);

function Sheet({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.Sheet>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.real;
  return (
    <RootContext.Provider value={lazy.context}>
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
  const { root = null, real: Real = null } = React.useContext(RootContext) ?? {};
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="dialog" opensOn="click" {...props} />;
  return <Real.SheetTrigger ref={ref} {...props} />;
}

// A closed drawer renders no content, so until the code is there these render nothing.

const SheetContent = realOnly(RootContext, "SheetContent");
const SheetTitle = realOnly(RootContext, "SheetTitle");

export { Sheet, SheetTrigger, SheetContent, SheetTitle };
