"use client";

import { useEffect, useRef } from "react";
import { usePathname, useRouter } from "next/navigation";
import { cn } from "@/lib/utils";

/**
 * A GET form of filters that applies itself: selects and dates on change, text after a pause or
 * Enter. The filters live in the URL (shareable, back button works); without JavaScript it is a
 * plain form with a submit button.
 */
export function FilterForm({ children, className, label }: { children: React.ReactNode; className?: string; label: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(typing.current), []);

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (typeof value === "string" && value.trim()) params.set(key, value.trim());
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  return (
    <form
      method="get"
      action={pathname}
      role="search"
      aria-label={label}
      className={cn("flex flex-wrap items-end gap-3", className)}
      onSubmit={(e) => {
        e.preventDefault();
        clearTimeout(typing.current);
        apply(e.currentTarget);
      }}
      onChange={(e) => {
        const form = e.currentTarget;
        const target = e.target as unknown as HTMLInputElement | HTMLSelectElement;
        clearTimeout(typing.current);
        if (target.type === "search" || target.type === "text") typing.current = setTimeout(() => apply(form), 350);
        else apply(form);
      }}
    >
      {children}
    </form>
  );
}

/** A labelled control of a filter form. */
export function FilterField({ id, label, children, className }: { id: string; label: string; children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("grid min-w-0 gap-1.5", className)}>
      <label htmlFor={id} className="text-muted-foreground text-xs font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}
