/**
 * The benchmark's data: the demo workspace (seedDemo: bot with a small knowledge base, integration),
 * plus a model-engine bot with the same knowledge, and two more workspaces whose plans carry the small
 * limits that the scale-out check counts against.
 */
import { eq } from "drizzle-orm";
import type postgres from "postgres";
import { openDb } from "@/db";
import { migrateDb } from "@/db/migrate";
import { createUserWithWorkspace, findUserByEmail } from "@/db/queries/accounts";
import { createIntegration } from "@/db/queries/integrations";
import { bots, workspaces, type Plan } from "@/db/schema";
import { DEMO_EMAIL, seedDemo } from "@/db/seed";
import { newId } from "@/lib/ids";

export type BenchIntegration = { integrationId: string; apiKey: string; botId: string; workspaceId: string };

export type BenchFixture = {
  /** Built-in engine, the demo bot and knowledge (measures 2 and 4). */
  chat: BenchIntegration;
  /** Model engine, same knowledge (measure 3). */
  llm: BenchIntegration;
  /** A workspace on the "core" plan, whose requests-per-minute limit is RATE_LIMIT_N (measure 4's check). */
  rate: BenchIntegration;
  /** A workspace on the "pro" plan, whose monthly quota is QUOTA_M (measure 4's check). */
  quota: BenchIntegration;
  ownerUserId: string;
};

export const RATE_LIMIT_N = 30;
export const QUOTA_M = 100;
const HIGH = 1_000_000_000;

/** Plan limits for the run: high for the plans under load, small and known for the two checked ones. */
export function benchPlanLimits(): string {
  const limits: Partial<Record<Plan, { requestsPerMinute: number; messagesPerMonth: number }>> = {
    starter: { requestsPerMinute: HIGH, messagesPerMonth: HIGH },
    core: { requestsPerMinute: RATE_LIMIT_N, messagesPerMonth: HIGH },
    pro: { requestsPerMinute: HIGH, messagesPerMonth: QUOTA_M },
    scale: { requestsPerMinute: HIGH, messagesPerMonth: HIGH },
  };
  return JSON.stringify(limits);
}

export async function setupFixture(url: string, sql: postgres.Sql, baseUrl: string): Promise<BenchFixture> {
  const handle = await openDb({ url, poolMax: 2 });
  try {
    await migrateDb(handle);
    const db = handle.db;
    const seeded = await seedDemo(db, { baseUrl });
    if (!seeded.apiKey || !seeded.integrationId)
      throw new Error("seedDemo did not create an integration in the fresh database");
    const owner = await findUserByEmail(db, DEMO_EMAIL);
    if (!owner) throw new Error("seedDemo did not create its user");
    const workspaceId = seeded.workspaceId;

    const llmBotId = newId("bot");
    await db.insert(bots).values({
      id: llmBotId,
      workspaceId,
      name: "Acme Support (model)",
      instructions:
        "You are Acme's friendly support assistant. Answer from Acme's knowledge base and keep replies short.",
      engine: "llm",
    });
    await copyKnowledge(sql, seeded.botId, llmBotId);
    const llm = await integration(db, workspaceId, llmBotId, "Bench model", owner.id);

    const rate = await limitedWorkspace(db, "core", "bench-rate@example.com");
    const quota = await limitedWorkspace(db, "pro", "bench-quota@example.com");

    return {
      chat: { integrationId: seeded.integrationId, apiKey: seeded.apiKey, botId: seeded.botId, workspaceId },
      llm,
      rate,
      quota,
      ownerUserId: owner.id,
    };
  } finally {
    await handle.close();
  }
}

type Db = Awaited<ReturnType<typeof openDb>>["db"];

async function integration(
  db: Db,
  workspaceId: string,
  botId: string,
  name: string,
  actorUserId: string,
): Promise<BenchIntegration> {
  const made = await createIntegration(db, { workspaceId, botId, name, actorUserId });
  if (!made) throw new Error(`could not create integration ${name}`);
  return { integrationId: made.integration.id, apiKey: made.apiKey, botId, workspaceId };
}

async function limitedWorkspace(db: Db, plan: Plan, email: string): Promise<BenchIntegration> {
  const made = await createUserWithWorkspace(db, {
    email,
    name: "Bench",
    passwordHash: "not-a-password",
    workspaceName: `Bench ${plan}`,
  });
  if (!made) throw new Error(`could not create the ${plan} workspace`);
  await db.update(workspaces).set({ plan }).where(eq(workspaces.id, made.workspace.id));
  const botId = newId("bot");
  await db.insert(bots).values({ id: botId, workspaceId: made.workspace.id, name: `Bench ${plan} bot` });
  return integration(db, made.workspace.id, botId, `Bench ${plan}`, made.user.id);
}

/** The seeded bot's knowledge (sources and chunks, ready) copied to another bot, in SQL. */
async function copyKnowledge(sql: postgres.Sql, fromBotId: string, toBotId: string): Promise<void> {
  const sources = await sql<{ id: string }[]>`select id from knowledge_sources where bot_id = ${fromBotId}`;
  for (const { id } of sources) {
    const newSourceId = newId("src");
    await sql`
      insert into knowledge_sources (id, workspace_id, bot_id, kind, title, input, status, progress, chunk_count, last_synced_at)
      select ${newSourceId}, workspace_id, ${toBotId}, kind, title, input, 'ready', 100, chunk_count, now()
      from knowledge_sources where id = ${id}`;
    await sql`
      insert into knowledge_chunks (source_id, bot_id, position, title, heading, content)
      select ${newSourceId}, ${toBotId}, position, title, heading, content from knowledge_chunks where source_id = ${id}`;
  }
}
