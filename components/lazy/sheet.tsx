"use client";

import type * as Ui from "@/components/ui/sheet";
import { deferred, lazyPrimitive } from "@/components/lazy/defer";

/**
 * components/ui/sheet (the mobile navigation's drawer), loaded on first use: like dialog.tsx, its Radix
 * code is fetched when the pointer or focus reaches its trigger, not with the page (see defer.tsx).
 */
const ui = deferred<typeof Ui>(() => import("@/components/ui/sheet"));

const {
  Root: Sheet,
  Trigger: SheetTrigger,
  part,
} = lazyPrimitive(ui, { root: "Sheet", trigger: "SheetTrigger", popup: "dialog", opensOn: "click" });

// A closed drawer renders no content, so until the code is there these render nothing.
const SheetContent = part("SheetContent");
const SheetTitle = part("SheetTitle");

export { Sheet, SheetTrigger, SheetContent, SheetTitle };
