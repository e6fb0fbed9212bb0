"use client";

import * as React from "react";
import { cn } from "@/lib/utils";

/**
 * Tabs with the API, markup and keyboard behaviour of shadcn/ui's Radix tabs (the WAI-ARIA tabs
 * pattern with automatic activation), written out here because tabs are rendered on the server and
 * can't wait for their code: Radix's copy (roving focus, collection, presence) was ~7 kB of the bot
 * and integration pages' first-load JavaScript. The selected tab is the one tab stop of the list;
 * arrow keys move between tabs (wrapping), Home/PageUp and End/PageDown go to the first and last,
 * and a tab is selected as it gets focus (mouse down, arrow keys) or on Enter/Space. Only the
 * selected panel's content is mounted.
 */

type Direction = "ltr" | "rtl";
type TabsContextValue = { baseId: string; value: string; dir: Direction; select: (value: string) => void };

const TabsContext = React.createContext<TabsContextValue | null>(null);

function useTabs(part: string): TabsContextValue {
  const context = React.useContext(TabsContext);
  if (!context) throw new Error(`<${part}> must be inside <Tabs>`);
  return context;
}

const triggerId = (baseId: string, value: string) => `${baseId}-trigger-${value}`;
const contentId = (baseId: string, value: string) => `${baseId}-content-${value}`;

type TabsProps = Omit<React.ComponentProps<"div">, "defaultValue" | "dir"> & {
  value?: string;
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  dir?: Direction;
};

function Tabs({ value: valueProp, defaultValue, onValueChange, dir = "ltr", className, ...props }: TabsProps) {
  const [uncontrolled, setUncontrolled] = React.useState(defaultValue ?? "");
  const value = valueProp ?? uncontrolled;
  const baseId = React.useId();
  const select = React.useCallback(
    (next: string) => {
      if (next === value) return;
      if (valueProp === undefined) setUncontrolled(next);
      onValueChange?.(next);
    },
    [value, valueProp, onValueChange],
  );
  const context = React.useMemo(() => ({ baseId, value, dir, select }), [baseId, value, dir, select]);
  return (
    <TabsContext.Provider value={context}>
      <div data-slot="tabs" dir={dir} data-orientation="horizontal" className={cn("flex flex-col gap-2", className)} {...props} />
    </TabsContext.Provider>
  );
}

const KEY_TO_TARGET: Record<string, "prev" | "next" | "first" | "last"> = {
  ArrowLeft: "prev",
  ArrowRight: "next",
  Home: "first",
  PageUp: "first",
  End: "last",
  PageDown: "last",
};

function TabsList({ className, onKeyDown, ...props }: React.ComponentProps<"div">) {
  const { dir } = useTabs("TabsList");
  return (
    <div
      role="tablist"
      aria-orientation="horizontal"
      data-slot="tabs-list"
      data-orientation="horizontal"
      className={cn("bg-muted text-muted-foreground inline-flex h-9 w-fit items-center justify-center rounded-lg p-[3px]", className)}
      {...props}
      onKeyDown={(event) => {
        onKeyDown?.(event);
        const tab = event.target as HTMLElement;
        if (event.defaultPrevented || tab.getAttribute("role") !== "tab") return;
        let target = KEY_TO_TARGET[event.key];
        if (!target || event.metaKey || event.ctrlKey || event.altKey || event.shiftKey) return;
        if (dir === "rtl" && (target === "prev" || target === "next")) target = target === "prev" ? "next" : "prev";
        event.preventDefault();
        const tabs = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]:not([disabled])')].filter(
          (t) => t.closest('[role="tablist"]') === event.currentTarget,
        );
        const at = tabs.indexOf(tab);
        const next =
          target === "first" ? tabs[0] : target === "last" ? tabs.at(-1) : tabs[(at + (target === "next" ? 1 : -1) + tabs.length) % tabs.length];
        next?.focus(); // focusing a tab selects it
      }}
    />
  );
}

type TabsTriggerProps = Omit<React.ComponentProps<"button">, "value"> & { value: string };

function TabsTrigger({ value, disabled = false, className, onMouseDown, onKeyDown, onFocus, ...props }: TabsTriggerProps) {
  const { baseId, value: selectedValue, select } = useTabs("TabsTrigger");
  const selected = value === selectedValue;
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      aria-controls={contentId(baseId, value)}
      data-state={selected ? "active" : "inactive"}
      data-disabled={disabled ? "" : undefined}
      data-orientation="horizontal"
      disabled={disabled}
      id={triggerId(baseId, value)}
      tabIndex={selected ? 0 : -1}
      data-slot="tabs-trigger"
      className={cn(
        "data-[state=active]:bg-background dark:data-[state=active]:text-foreground focus-visible:border-ring focus-visible:ring-ring/50 dark:data-[state=active]:border-input dark:data-[state=active]:bg-input/30 text-foreground dark:text-muted-foreground inline-flex h-[calc(100%-1px)] flex-1 items-center justify-center gap-1.5 rounded-md border border-transparent px-2 py-1 text-sm font-medium whitespace-nowrap transition-[color,box-shadow] focus-visible:ring-[3px] focus-visible:outline-1 disabled:pointer-events-none disabled:opacity-50 data-[state=active]:shadow-sm",
        className,
      )}
      {...props}
      onMouseDown={(event) => {
        onMouseDown?.(event);
        if (event.defaultPrevented) return;
        if (!disabled && event.button === 0 && !event.ctrlKey) {
          event.currentTarget.focus();
          select(value);
        } else {
          event.preventDefault(); // other buttons and ctrl-click neither focus nor select
        }
      }}
      onKeyDown={(event) => {
        onKeyDown?.(event);
        if (event.defaultPrevented || disabled || event.target !== event.currentTarget) return;
        if (event.key === " " || event.key === "Enter") select(value);
      }}
      onFocus={(event) => {
        onFocus?.(event);
        if (!event.defaultPrevented && !selected && !disabled) select(value);
      }}
    />
  );
}

type TabsContentProps = React.ComponentProps<"div"> & { value: string; forceMount?: boolean };

function TabsContent({ value, forceMount = false, className, children, ...props }: TabsContentProps) {
  const { baseId, value: selectedValue } = useTabs("TabsContent");
  const selected = value === selectedValue;
  const present = forceMount || selected;
  return (
    <div
      data-state={selected ? "active" : "inactive"}
      data-orientation="horizontal"
      role="tabpanel"
      aria-labelledby={triggerId(baseId, value)}
      hidden={!present}
      id={contentId(baseId, value)}
      tabIndex={0}
      data-slot="tabs-content"
      className={cn("flex-1 outline-none", className)}
      {...props}
    >
      {present && children}
    </div>
  );
}

export { Tabs, TabsList, TabsTrigger, TabsContent };
