"use client";

import { preloadDialog } from "@/components/lazy/dialog";
import type * as Ui from "@/components/ui/dropdown-menu";
import { deferred, lazyPrimitive } from "@/components/lazy/defer";

/**
 * components/ui/dropdown-menu, loaded on first use: same API, but its Radix code (menu, popper, focus
 * handling) is not part of any page's first load, since a closed menu is just its trigger. The code is
 * fetched when the pointer or focus reaches a trigger, and the real menu takes the trigger's place
 * when it is focused or pressed (see defer.tsx).
 */
const ui = deferred<typeof Ui>(() => {
  // Menu items often open a dialog, and Radix hands the focus from the closing menu to the opening
  // dialog only when both are there in the same moment: the dialog code comes along with the menu's.
  preloadDialog();
  return import("@/components/ui/dropdown-menu");
});

const {
  Root: DropdownMenu,
  Trigger: DropdownMenuTrigger,
  part,
} = lazyPrimitive(ui, { root: "DropdownMenu", trigger: "DropdownMenuTrigger", popup: "menu", opensOn: "pointerdown" });

// A closed menu renders no content, so until the code is there these render nothing.
const DropdownMenuContent = part("DropdownMenuContent");
const DropdownMenuItem = part("DropdownMenuItem");
const DropdownMenuLabel = part("DropdownMenuLabel");
const DropdownMenuSeparator = part("DropdownMenuSeparator");

export {
  DropdownMenu,
  DropdownMenuTrigger,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
};
