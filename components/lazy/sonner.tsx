"use client";

import * as React from "react";
import type { ToasterProps } from "sonner";
import { preload, useDeferred } from "@/components/lazy/defer";
import { sonner } from "@/components/lazy/toast";

/**
 * components/ui/sonner's Toaster, without sonner in the page's first-load JavaScript: it is fetched
 * when the browser is first idle (so its live region is in place before any toast), or by the first toast.
 */
function Toaster(props: ToasterProps) {
  const Real = useDeferred(sonner);
  React.useEffect(() => {
    if (typeof window.requestIdleCallback === "function") {
      const id = window.requestIdleCallback(() => preload(sonner), { timeout: 5000 });
      return () => window.cancelIdleCallback(id);
    }
    const timer = setTimeout(() => preload(sonner), 2000);
    return () => clearTimeout(timer);
  }, []);
  return Real ? <Real.Toaster {...props} /> : null;
}

export { Toaster };
