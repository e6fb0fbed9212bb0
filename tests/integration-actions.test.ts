/**
 * The integrations' create actions when the bot chosen is gone (deleted while the form was open, or
 * another workspace's): both types answer at the bot field, keep what was typed, and create nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { integrations } from "@/db/schema";
import { createIntegrationAction, createWidgetAction } from "@/app/(dashboard)/integrations/actions";
import { newId } from "@/lib/ids";
import { openTestDb } from "./db";
import { createOwnedWorkspace, signInAs } from "./workspace-fixtures";

vi.mock("@/lib/auth", async () => (await import("./workspace-fixtures")).authMock);
vi.mock("next/headers", async () => (await import("./workspace-fixtures")).headersMock);
vi.mock("next/cache", async () => (await import("./workspace-fixtures")).cacheMock);
vi.mock("next-auth", async () => (await import("./workspace-fixtures")).nextAuthMock);

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
});

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.append(k, v);
  return f;
}

describe("creating an integration for a bot that is gone", () => {
  it("is refused at the bot field for both types, with what was typed, and creates nothing", async () => {
    const mine = await createOwnedWorkspace(h.db, "gone");
    const theirs = await createOwnedWorkspace(h.db, "other");
    signInAs(mine.owner.id, mine.workspace.id);
    const expected = { status: "error", fieldErrors: { botId: ["That bot no longer exists. Choose another."] } };
    for (const botId of [newId("bot"), theirs.bot.id]) {
      const api = await createIntegrationAction({ status: "idle" }, form({ name: "API", botId }));
      expect(api).toMatchObject({ ...expected, values: { name: "API", botId } });
      const widget = await createWidgetAction(
        { status: "idle" },
        form({
          name: "Shop chat",
          botId,
          origin: "https://www.example.com",
          title: "Help",
          accentColor: "#4f46e5",
          theme: "auto",
          position: "right",
          launcherIcon: "chat",
        }),
      );
      expect(widget).toMatchObject({ ...expected, values: { name: "Shop chat", botId } });
    }
    expect(await h.db.select().from(integrations).where(eq(integrations.workspaceId, mine.workspace.id))).toEqual([]);
  });
});
