import { AppNav } from "@/components/app-nav";
import { InboxWatcher } from "@/components/inbox/inbox-watcher";
import { Logo } from "@/components/logo";
import { MobileNav } from "@/components/mobile-nav";
import { RouteFocus } from "@/components/route-focus";
import { ThemeToggle } from "@/components/theme-toggle";
import { UsageBanner } from "@/components/usage-banner";
import { UserMenu } from "@/components/user-menu";
import { WorkspaceSwitcher } from "@/components/workspace-switcher";
import { getDb } from "@/db";
import { countWaitingConversations } from "@/db/queries/inbox";
import { requireWorkspace } from "@/lib/session";
import { PLAN_LABELS, planLimits } from "@/lib/plans";
import { getMonthlyUsage } from "@/db/queries/usage";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user, workspace, workspaces, can } = await requireWorkspace();
  const db = await getDb();
  const [usage, waiting] = await Promise.all([
    getMonthlyUsage(db, workspace.id),
    countWaitingConversations(db, workspace.id),
  ]);
  const counts = { "/conversations": waiting };
  return (
    <div className="flex min-h-svh">
      <a
        href="#main"
        className="bg-background focus-visible:ring-ring/50 sr-only z-50 rounded-md border px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus-visible:ring-[3px]"
      >
        Skip to content
      </a>
      <RouteFocus />
      <aside className="bg-sidebar text-sidebar-foreground sticky top-0 hidden h-svh w-60 shrink-0 flex-col border-r p-4 md:flex">
        <div className="mb-8 px-2">
          <Logo />
        </div>
        <AppNav counts={counts} />
        <div className="mt-auto rounded-lg border p-3 text-xs">
          <div className="truncate font-medium">{workspace.name}</div>
          <div className="text-muted-foreground mt-1">{PLAN_LABELS[workspace.plan]} plan</div>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="bg-background/80 sticky top-0 z-30 flex h-14 items-center gap-2 border-b px-4 backdrop-blur md:px-8">
          <MobileNav counts={counts} />
          <div className="flex min-w-0 items-center gap-2 md:hidden">
            <Logo withWord={false} />
          </div>
          <div className="flex min-w-0 items-center md:-ml-2">
            <WorkspaceSwitcher workspaces={workspaces} currentId={workspace.id} />
          </div>
          <div className="ml-auto flex items-center gap-1">
            <ThemeToggle />
            <UserMenu name={user.name} email={user.email} />
          </div>
        </header>
        <UsageBanner
          used={usage.used}
          limit={planLimits(workspace.plan).messagesPerMonth}
          resetsAt={usage.resetsAt}
          canChangePlan={can("change_plan")}
        />
        <InboxWatcher />
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none md:px-8 md:py-8"
        >
          {children}
        </main>
      </div>
    </div>
  );
}
