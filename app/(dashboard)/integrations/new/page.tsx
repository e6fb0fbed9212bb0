import type { Metadata } from "next";
import Link from "next/link";
import { ChevronRightIcon } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { requireWorkspace } from "@/lib/session";
import { INTEGRATION_TYPES } from "@/lib/integration-types";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Add integration" };

export default async function NewIntegrationPage() {
  const { can } = await requireWorkspace();
  if (!can("manage_integrations")) redirect("/integrations");
  return (
    <>
      <PageHeader title="Add integration" description="Choose how your customers will reach your bot." />
      <div className="grid gap-4 sm:grid-cols-2">
        {INTEGRATION_TYPES.map(({ id, name, description, icon: Icon, href }) => (
          <Link
            key={id}
            href={href}
            className="group bg-card hover:border-primary/50 hover:bg-accent/40 flex items-start gap-4 rounded-xl border p-5 shadow-sm transition-colors"
          >
            <div className="bg-primary/10 text-primary flex size-10 shrink-0 items-center justify-center rounded-lg">
              <Icon className="size-5" />
            </div>
            <div className="min-w-0 flex-1">
              <div className="flex items-center gap-2 font-medium">
                {name} <Badge variant="secondary">Available</Badge>
              </div>
              <p className="text-muted-foreground mt-1 text-sm">{description}</p>
            </div>
            <ChevronRightIcon className="text-muted-foreground group-hover:text-foreground mt-1 size-4 shrink-0" />
          </Link>
        ))}
      </div>
    </>
  );
}
