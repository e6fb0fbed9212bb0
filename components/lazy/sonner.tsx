"use client";

import type { ToasterProps } from "sonner";
import { useDeferred, usePreloadWhenIdle } from "@/components/lazy/defer";
import { sonner } from "@/components/lazy/toast";

/**
 * components/ui/sonner's Toaster, without sonner in the page's first-load JavaScript: it is fetched
 * when the browser is first idle (so its live region is in place before any toast), or by the first toast.
 */
function Toaster(props: ToasterProps) {
  const Real = useDeferred(sonner);
  usePreloadWhenIdle(sonner);
  return Real ? <Real.Toaster {...props} /> : null;
}

export { Toaster };
