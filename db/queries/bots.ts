import { and, eq } from "drizzle-orm";
import type { Db } from "../index";
import { bots } from "../schema";

/** A bot by id, scoped to a workspace. */
export async function getBot(db: Db, { workspaceId, botId }: { workspaceId: string; botId: string }) {
  const [bot] = await db
    .select()
    .from(bots)
    .where(and(eq(bots.id, botId), eq(bots.workspaceId, workspaceId)))
    .limit(1);
  return bot;
}
