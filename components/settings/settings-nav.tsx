"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const ITEMS = [
  { href: "/settings", label: "General" },
  { href: "/settings/plan", label: "Plan" },
  { href: "/settings/usage", label: "Usage" },
  { href: "/settings/members", label: "Members" },
  { href: "/settings/webhooks", label: "Webhooks" },
  { href: "/settings/audit", label: "Audit log", audit: true },
] as const;

/** Settings sections as tabs that are links (each section is its own page). */
export function SettingsNav({ showAudit }: { showAudit: boolean }) {
  const pathname = usePathname();
  return (
    // Wraps onto a second line on a phone rather than scrolling: every section stays in sight.
    <nav aria-label="Settings" className="mb-6 border-b">
      <ul className="flex flex-wrap gap-x-1">
        {ITEMS.filter((i) => showAudit || !("audit" in i)).map(({ href, label }) => {
          const active =
            href === "/settings" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "-mb-px inline-flex h-10 items-center border-b-2 px-2 text-sm font-medium transition-colors sm:px-3",
                  active
                    ? "border-primary text-foreground"
                    : "text-muted-foreground hover:text-foreground border-transparent",
                )}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
