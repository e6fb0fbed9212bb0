"use client";

import { useEffect } from "react";
import { usePathname, useRouter } from "next/navigation";
import { isId } from "@/lib/ids";

const INBOX_POLL_MS = 3000;
const ELSEWHERE_POLL_MS = 15_000;

/**
 * Keeps the inbox live without a reload: polls a tiny fingerprint of the inbox (every 3 s on the
 * conversations pages, every 15 s elsewhere, only while the tab is visible) and refreshes the
 * server-rendered page when it changes: on the inbox for any change, elsewhere only when the number
 * of conversations waiting for the team (the sidebar badge) changes. Typed text survives a refresh.
 */
export function InboxWatcher() {
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    const inInbox = pathname === "/conversations" || pathname.startsWith("/conversations/");
    const [, section, id, ...rest] = pathname.split("/");
    const conversation = section === "conversations" && !rest.length && isId("conv", id) ? id : undefined;
    const url = `/conversations/updates${conversation ? `?conversation=${conversation}` : ""}`;
    let last: { stamp: string; waiting: number } | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let busy = false;

    const tick = async () => {
      if (busy || stopped) return;
      busy = true;
      try {
        if (document.visibilityState === "visible") {
          const res = await fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
          if (res.ok && res.headers.get("content-type")?.includes("application/json")) {
            const next = (await res.json()) as { stamp: string; waiting: number };
            if (last && (inInbox ? next.stamp !== last.stamp : next.waiting !== last.waiting)) router.refresh();
            last = next;
          }
        }
      } catch {
        // offline or signed out: try again at the next tick
      } finally {
        busy = false;
        if (!stopped) timer = setTimeout(tick, inInbox ? INBOX_POLL_MS : ELSEWHERE_POLL_MS);
      }
    };
    const onVisible = () => {
      if (document.visibilityState !== "visible" || busy) return;
      clearTimeout(timer);
      void tick();
    };

    void tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [pathname, router]);

  return null;
}
