import type { LucideIcon } from "lucide-react";

/** What a page shows before there is anything in it: what the thing is, and the first step. */
export function EmptyState({
  icon: Icon,
  title,
  children,
  action,
}: {
  icon: LucideIcon;
  title: string;
  children: React.ReactNode;
  action?: React.ReactNode;
}) {
  return (
    <div className="flex flex-col items-center rounded-xl border border-dashed px-6 py-14 text-center">
      <div className="bg-primary/10 text-primary mb-4 flex size-12 items-center justify-center rounded-full">
        <Icon className="size-6" />
      </div>
      <h2 className="text-lg font-semibold">{title}</h2>
      <div className="text-muted-foreground mt-2 max-w-md text-sm">{children}</div>
      {action && <div className="mt-6">{action}</div>}
    </div>
  );
}
