"use client";

import { Tabs } from "@/components/ui/tabs";

/** The bot page's Knowledge / Settings tabs, with the open one in the URL (?tab=settings) so a reload or a shared link keeps it. */
export function BotTabs(props: Omit<React.ComponentProps<typeof Tabs>, "onValueChange">) {
  return (
    <Tabs
      {...props}
      onValueChange={(tab) => {
        const url = new URL(window.location.href);
        if (tab === "knowledge") url.searchParams.delete("tab");
        else url.searchParams.set("tab", tab);
        window.history.replaceState(window.history.state, "", url);
      }}
    />
  );
}
