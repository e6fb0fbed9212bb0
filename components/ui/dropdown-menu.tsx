"use client";

import * as React from "react";
import type * as Radix from "@/components/ui/dropdown-menu-impl";
import { deferred, StandInTrigger, useDeferred, useLazyRoot, useTakeOverFocus, type LazyRoot, type StandInTriggerProps } from "@/components/ui/lazy";

/**
 * The dropdown menu, with the API of shadcn/ui's. Its Radix code (menu, popper, focus handling) is not
 * part of any page's first load: a closed menu is just its trigger, and the code is fetched when the
 * pointer or focus reaches a trigger (see lazy.tsx), then the real menu takes the trigger's place.
 */
const radix = deferred(() => import("@/components/ui/dropdown-menu-impl"));
const RootContext = React.createContext<LazyRoot | null>(null);

function DropdownMenu({ open, defaultOpen, onOpenChange, children, ...props }: React.ComponentProps<typeof Radix.DropdownMenu>) {
  const lazy = useLazyRoot(radix, { open, defaultOpen, onOpenChange });
  const Real = lazy.impl;
  return (
    <RootContext.Provider value={lazy.root}>
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
  const root = React.useContext(RootContext);
  const Real = useDeferred(radix);
  const ref = useTakeOverFocus(root);
  if (!Real) return <StandInTrigger root={root} popup="menu" opensOn="pointerdown" {...props} />;
  return <Real.DropdownMenuTrigger ref={ref} {...props} />;
}

// A closed menu renders no content, so until the code is there these render nothing.

function DropdownMenuContent(props: React.ComponentProps<typeof Radix.DropdownMenuContent>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DropdownMenuContent {...props} /> : null;
}

function DropdownMenuItem(props: React.ComponentProps<typeof Radix.DropdownMenuItem>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DropdownMenuItem {...props} /> : null;
}

function DropdownMenuLabel(props: React.ComponentProps<typeof Radix.DropdownMenuLabel>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DropdownMenuLabel {...props} /> : null;
}

function DropdownMenuSeparator(props: React.ComponentProps<typeof Radix.DropdownMenuSeparator>) {
  const Real = useDeferred(radix);
  return Real ? <Real.DropdownMenuSeparator {...props} /> : null;
}

export { DropdownMenu, DropdownMenuTrigger, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator };
