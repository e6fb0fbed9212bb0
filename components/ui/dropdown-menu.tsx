"use client";

import * as React from "react";
import { preloadDialog } from "@/components/ui/dialog";
import type * as Radix from "@/components/ui/dropdown-menu-impl";
import { deferred, StandInTrigger, useLazyRoot, useTakeOverFocus, realOnly, type LazyContext, type StandInTriggerProps } from "@/components/ui/lazy";

/**
 * The dropdown menu, with the API of shadcn/ui's. Its Radix code (menu, popper, focus handling) is not
 * part of any page's first load: a closed menu is just its trigger. The code is fetched when the
 * pointer or focus reaches a trigger, and the real menu takes the trigger's place when it is focused
 * or pressed (see lazy.tsx).
 */
const radix = deferred(() => {
  // Menu items often open a dialog, and Radix hands the focus from the closing menu to the opening
  // dialog only when both are there in the same moment: the dialog code comes along with the menu's.
  preloadDialog();
  return import("@/components/ui/dropdown-menu-impl");
});
const RootContext = React.createContext<LazyContext<typeof Radix> | null>(null);

function DropdownMenu({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.DropdownMenu>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.real;
  return (
    <RootContext.Provider value={lazy.context}>
      {Real ? (
        <Real.DropdownMenu open={open} defaultOpen={lazy.defaultOpen} onOpenChange={onOpenChange} {...props}>
          {children}
        </Real.DropdownMenu>
      ) : (
        children
      )}
    </RootContext.Provider>
  );
}

function DropdownMenuTrigger(props: StandInTriggerProps) {
  const { root = null, real: Real = null } = React.useContext(RootContext) ?? {};
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="menu" opensOn="pointerdown" {...props} />;
  return <Real.DropdownMenuTrigger ref={ref} {...props} />;
}

// A closed menu renders no content, so until the code is there these render nothing.

const DropdownMenuContent = realOnly(RootContext, "DropdownMenuContent");
const DropdownMenuItem = realOnly(RootContext, "DropdownMenuItem");
const DropdownMenuLabel = realOnly(RootContext, "DropdownMenuLabel");
const DropdownMenuSeparator = realOnly(RootContext, "DropdownMenuSeparator");

export { DropdownMenu, DropdownMenuTrigger, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator };
