import { and, eq } from "drizzle-orm";
import type { Db } from "./index";
import { bots, memberships } from "./schema";
import { createUserWithWorkspace, findUserByEmail } from "./queries/accounts";
import { newId } from "@/lib/ids";
import { hashPassword } from "@/lib/passwords";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "parley-demo-password";
export const DEMO_BOT_NAME = "Acme Support";

export type SeedResult = {
  email: string;
  password: string;
  workspaceId: string;
  botId: string;
  integrationId: string | null;
  /** Only when this run created the integration: a key is shown once. */
  apiKey: string | null;
  endpoint: string | null;
  created: { user: boolean; bot: boolean; integration: boolean };
};

/** Creates the demo account, bot and integration where they are missing; running it again changes nothing. */
export async function seedDemo(db: Db, { baseUrl }: { baseUrl: string }): Promise<SeedResult> {
  const created = { user: false, bot: false, integration: false };
  let user = await findUserByEmail(db, DEMO_EMAIL);
  if (!user) {
    const made = await createUserWithWorkspace(db, {
      email: DEMO_EMAIL,
      name: "Demo Owner",
      passwordHash: await hashPassword(DEMO_PASSWORD),
      workspaceName: "Acme Inc.",
    });
    user = made?.user ?? (await findUserByEmail(db, DEMO_EMAIL))!;
    created.user = !!made;
  }
  const [membership] = await db
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, user.id), eq(memberships.role, "owner")))
    .limit(1);
  const workspaceId = membership!.workspaceId;

  let [bot] = await db
    .select()
    .from(bots)
    .where(and(eq(bots.workspaceId, workspaceId), eq(bots.name, DEMO_BOT_NAME)))
    .limit(1);
  if (!bot) {
    [bot] = await db
      .insert(bots)
      .values({
        id: newId("bot"),
        workspaceId,
        name: DEMO_BOT_NAME,
        instructions: "You are Acme's friendly support assistant. Answer from Acme's knowledge base and keep replies short.",
        welcomeMessage: "Hi! I'm Acme's assistant. Ask me about our plans, shipping, returns or opening hours.",
      })
      .returning();
    created.bot = true;
  }

  return {
    email: DEMO_EMAIL,
    password: DEMO_PASSWORD,
    workspaceId,
    botId: bot!.id,
    integrationId: null,
    apiKey: null,
    endpoint: null,
    created,
  };
}

/** The lines a person reads after seeding. */
export function describeSeed(result: SeedResult, signInUrl: string): string {
  const lines = [
    `  Sign in at   ${signInUrl}`,
    `  Email        ${result.email}`,
    `  Password     ${result.password}`,
  ];
  if (result.endpoint) lines.push(`  Endpoint     ${result.endpoint}`);
  if (result.apiKey) lines.push(`  API key      ${result.apiKey}   (shown once: copy it now)`);
  else if (result.integrationId) lines.push("  API key      (created earlier and shown then; roll it on the integration's page if it is lost)");
  return lines.join("\n");
}
