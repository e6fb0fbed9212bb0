"use client";

import { useEffect, useRef } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";

/**
 * A GET form of filters that applies itself: selects and dates on change, text after a pause or
 * Enter. The filters live in the URL (shareable, back button works); without JavaScript it is a
 * plain form with a submit button. Laid out as a grid of two columns (pages set more from `md:`), so
 * no width leaves one field alone on a row; a field that should take a row of its own uses col-span-full.
 */
export function FilterForm({
  children,
  className,
  label,
}: {
  children: React.ReactNode;
  className?: string;
  label: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(typing.current), []);

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form))
      if (typeof value === "string" && value.trim()) params.set(key, value.trim());
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  return (
    <form
      method="get"
      action={pathname}
      role="search"
      aria-label={label}
      className={cn("grid grid-cols-2 items-end gap-3", className)}
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

/**
 * The Apply button without JavaScript and, while a filter is set, the link that clears them (`clear`: where
 * it goes and what it says): a row of their own, hidden when empty.
 */
export function FilterActions({ clear }: { clear?: { href: string; label?: string } | false }) {
  return (
    <div className="col-span-full flex flex-wrap gap-2 [&:not(:has(a,button))]:hidden">
      <noscript>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
      </noscript>
      {clear && (
        <Button variant="ghost" asChild>
          <Link href={clear.href}>{clear.label ?? "Clear filters"}</Link>
        </Button>
      )}
    </div>
  );
}

/** A labelled control of a filter form. */
export function FilterField({
  id,
  label,
  children,
  className,
}: {
  id: string;
  label: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("grid min-w-0 gap-1.5", className)}>
      <label htmlFor={id} className="text-muted-foreground text-xs font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}

/** The Bot filter of a filter form: all bots, or one. */
export function BotFilter({
  id,
  bots,
  value,
  className,
}: {
  id: string;
  bots: { id: string; name: string }[];
  value: string | undefined;
  className?: string;
}) {
  return (
    <FilterField id={id} label="Bot" className={className}>
      <NativeSelect id={id} name="bot" defaultValue={value ?? ""}>
        <option value="">All bots</option>
        {bots.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </NativeSelect>
    </FilterField>
  );
}

/** The Integration filter of a filter form: all integrations, or one (deleted ones marked); `children` adds options. */
export function IntegrationFilter({
  id,
  integrations,
  value,
  className,
  children,
}: {
  id: string;
  integrations: { id: string; name: string; deleted: boolean }[];
  value: string | undefined;
  className?: string;
  children?: React.ReactNode;
}) {
  return (
    <FilterField id={id} label="Integration" className={className}>
      <NativeSelect id={id} name="integration" defaultValue={value ?? ""}>
        <option value="">All integrations</option>
        {integrations.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
            {i.deleted ? " (deleted)" : ""}
          </option>
        ))}
        {children}
      </NativeSelect>
    </FilterField>
  );
}
