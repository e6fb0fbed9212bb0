"use client";

import { useState } from "react";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { MenuIcon } from "lucide-react";
import { AppNav } from "@/components/app-nav";
import { Logo } from "@/components/logo";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetTitle, SheetTrigger } from "@/components/lazy/sheet";

export function MobileNav({ counts }: { counts?: React.ComponentProps<typeof AppNav>["counts"] }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const waiting = Object.values(counts ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- close the drawer after navigating
  useEffect(() => setOpen(false), [pathname]);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" className="relative md:hidden" aria-label="Open menu">
          <MenuIcon />
          {waiting > 0 && <span className="bg-primary absolute top-1.5 right-1.5 size-2 rounded-full" aria-hidden />}
        </Button>
      </SheetTrigger>
      <SheetContent side="left" className="bg-sidebar w-72 gap-0 p-4">
        <SheetTitle className="mb-6">
          <Logo />
        </SheetTitle>
        <AppNav counts={counts} />
      </SheetContent>
    </Sheet>
  );
}
