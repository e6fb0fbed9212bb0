"use client";

import * as React from "react";
import type * as Parts from "@/components/bots/settings-parts";
import { deferred, lazyPart, preload, usePreloadWhenIdle } from "@/components/lazy/defer";
import { TabsTrigger } from "@/components/ui/tabs";

/**
 * The bot page's Settings tab without its forms in the page's first-load JavaScript: the tab starts
 * hidden, so their code (settings-parts.ts) is fetched once the browser is idle, or earlier when the
 * pointer or focus reaches the tab. Opened from the start (?tab=settings), the forms are rendered on
 * the server as before and come alive when their code is there. Same components, same props.
 */
const parts = deferred<typeof Parts>(() => import("@/components/bots/settings-parts"));

const BotSettingsForm = lazyPart(parts, "BotSettingsForm");
const LeadCaptureForm = lazyPart(parts, "LeadCaptureForm");
const HandoffForm = lazyPart(parts, "HandoffForm");
const DeleteBot = lazyPart(parts, "DeleteBot");

/** The Settings tab's trigger: a TabsTrigger that fetches the settings code ahead of its first use. */
function SettingsTabTrigger(props: React.ComponentProps<typeof TabsTrigger>) {
  usePreloadWhenIdle(parts);
  const fetchCode = () => preload(parts);
  return <TabsTrigger onPointerEnter={fetchCode} onFocus={fetchCode} onTouchStart={fetchCode} {...props} />;
}

export { BotSettingsForm, DeleteBot, HandoffForm, LeadCaptureForm, SettingsTabTrigger };
