"use client";

import type * as Ui from "@/components/ui/dialog";
import { deferred, lazyPrimitive, preload } from "@/components/lazy/defer";

/**
 * components/ui/dialog, loaded on first use: same API, but its Radix code (portal, focus trap, scroll
 * lock) is not part of any page's first load, since a closed dialog is just its trigger. The code is
 * fetched when the pointer or focus reaches a trigger, and the real dialog opens in its place when the
 * trigger is pressed or the dialog is opened from outside (see defer.tsx).
 */
const ui = deferred<typeof Ui>(() => import("@/components/ui/dialog"));

/** Fetches the dialog code ahead of need (a menu item that opens a dialog, see dropdown-menu.tsx). */
function preloadDialog() {
  preload(ui);
}

const {
  Root: Dialog,
  Trigger: DialogTrigger,
  part,
} = lazyPrimitive(ui, { root: "Dialog", trigger: "DialogTrigger", popup: "dialog", opensOn: "click" });

// A closed dialog renders no content, so until the code is there these render nothing.
const DialogContent = part("DialogContent");
const DialogClose = part("DialogClose");
const DialogTitle = part("DialogTitle");
const DialogDescription = part("DialogDescription");
const DialogHeader = part("DialogHeader");
const DialogFooter = part("DialogFooter");

export {
  preloadDialog,
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
};
