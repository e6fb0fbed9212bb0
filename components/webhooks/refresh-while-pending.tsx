"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";

/** Refreshes the page every few seconds while deliveries are on their way, so the log shows how they went. */
export function RefreshWhilePending({ active, everyMs = 3000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      // Not under an open menu or dialog: a refresh re-renders the list and would close it under the pointer.
      const busy = document.querySelector('[role="menu"], [role="dialog"], [role="alertdialog"]');
      if (document.visibilityState === "visible" && !busy) router.refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
