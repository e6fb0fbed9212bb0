"use client";

import { useState, useTransition } from "react";
import { usePathname } from "next/navigation";
import { CheckIcon, ChevronsUpDownIcon, Loader2Icon, PlusIcon } from "lucide-react";
import { toast } from "@/components/lazy/toast";
import { switchWorkspaceAction } from "@/app/(dashboard)/settings/actions";
import { CreateWorkspaceForm } from "@/components/settings/create-workspace-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/lazy/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/lazy/dropdown-menu";
import { ROLE_LABELS } from "@/lib/permissions";
import { PLAN_LABELS } from "@/lib/plans";
import type { Plan, Role } from "@/db/schema";

type WorkspaceChoice = { id: string; name: string; plan: Plan; role: Role };

/** The current workspace, and the others the user belongs to; choosing one switches the whole dashboard. */
export function WorkspaceSwitcher({ workspaces, currentId }: { workspaces: WorkspaceChoice[]; currentId: string }) {
  const pathname = usePathname();
  const [pending, start] = useTransition();
  const [creating, setCreating] = useState(false);
  const current = workspaces.find((w) => w.id === currentId) ?? workspaces[0]!;

  function choose(id: string) {
    if (id === current.id) return;
    start(async () => {
      const result = await switchWorkspaceAction(id, pathname);
      if (result?.status === "error") toast.error(result.message);
    });
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" className="h-9 max-w-[14rem] min-w-0 gap-2 px-2 sm:max-w-[22rem]">
            {/* The name says what is seen (WCAG 2.5.3): "Workspace: Acme Starter. Switch workspace" */}
            <span className="sr-only">Workspace: </span>
            <span className="truncate text-sm font-medium">{current.name}</span>
            <Badge variant="secondary" className="hidden sm:inline-flex">
              {PLAN_LABELS[current.plan]}
            </Badge>
            <span className="sr-only">. Switch workspace</span>
            {pending ? (
              <Loader2Icon className="size-4 animate-spin" />
            ) : (
              <ChevronsUpDownIcon className="text-muted-foreground size-4" />
            )}
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-64">
          <DropdownMenuLabel className="text-muted-foreground text-xs font-normal">Workspaces</DropdownMenuLabel>
          {workspaces.map((w) => (
            <DropdownMenuItem key={w.id} onSelect={() => choose(w.id)} className="gap-2">
              <div className="min-w-0 flex-1">
                <div className="truncate">{w.name}</div>
                <div className="text-muted-foreground text-xs">
                  {ROLE_LABELS[w.role]} · {PLAN_LABELS[w.plan]}
                </div>
              </div>
              {w.id === current.id && <CheckIcon className="size-4" aria-label="Current workspace" />}
            </DropdownMenuItem>
          ))}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setCreating(true)}>
            <PlusIcon /> Create workspace
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <Dialog open={creating} onOpenChange={setCreating}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Create a workspace</DialogTitle>
            <DialogDescription>
              A separate space with its own bots, integrations, members and plan. You will be its owner.
            </DialogDescription>
          </DialogHeader>
          <CreateWorkspaceForm autoFocus />
        </DialogContent>
      </Dialog>
    </>
  );
}
