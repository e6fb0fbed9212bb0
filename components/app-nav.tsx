"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import {
  BarChart3Icon,
  BotIcon,
  InboxIcon,
  MessageCircleQuestionIcon,
  PlugIcon,
  SettingsIcon,
  UsersIcon,
} from "lucide-react";
import { cn } from "@/lib/utils";

const NAV = [
  { href: "/integrations", label: "Integrations", icon: PlugIcon },
  { href: "/bots", label: "Bots", icon: BotIcon },
  { href: "/conversations", label: "Conversations", icon: InboxIcon },
  { href: "/unanswered", label: "Unanswered", icon: MessageCircleQuestionIcon },
  { href: "/leads", label: "Leads", icon: UsersIcon },
  { href: "/analytics", label: "Analytics", icon: BarChart3Icon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
] as const;

/** The dashboard's main navigation; `counts` puts a badge next to an item (e.g. handed-off chats). */
export function AppNav({ counts = {} }: { counts?: Partial<Record<(typeof NAV)[number]["href"], number>> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="grid gap-1">
      {NAV.map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        const count = counts[href];
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active
                ? "bg-sidebar-accent text-sidebar-accent-foreground"
                : "text-muted-foreground hover:bg-sidebar-accent/60 hover:text-sidebar-accent-foreground",
            )}
          >
            <Icon className="size-4" />
            <span className="flex-1">{label}</span>
            {count ? (
              <span
                className="bg-primary text-primary-foreground rounded-full px-1.5 py-0.5 text-[10px] leading-none font-semibold"
                data-testid={`nav-count-${href.slice(1)}`}
                title={href === "/conversations" ? `${count} waiting for your team` : undefined}
              >
                {count}
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
