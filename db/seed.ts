import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./index";
import { bots, integrations, knowledgeSources, memberships } from "./schema";
import { createUserWithWorkspace, findUserByEmail } from "./queries/accounts";
import { changePassword } from "./queries/sessions";
import { createIntegration } from "./queries/integrations";
import { insertSource, replaceSourceChunks } from "./queries/knowledge";
import { DEMO_KNOWLEDGE } from "./demo-knowledge";
import { chunkSections } from "@/lib/knowledge/chunk";
import { textToSections } from "@/lib/knowledge/extract";
import { newId } from "@/lib/ids";
import { hashPassword } from "@/lib/passwords";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_BOT_NAME = "Acme Support";
export const DEMO_INTEGRATION_NAME = "Acme website";

export type SeedResult = {
  email: string;
  /** Only when this run created the account or reset its password: it is random and shown once. */
  password: string | null;
  workspaceId: string;
  botId: string;
  integrationId: string | null;
  /** Only when this run created the integration: a key is shown once. */
  apiKey: string | null;
  endpoint: string | null;
  created: { user: boolean; bot: boolean; integration: boolean };
};

/** A random password for the demo account (120 bits), never a fixed one that could be published. */
function randomPassword(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Creates the demo account, bot and integration where they are missing; running it again changes
 * nothing. The account gets a random password, returned once; `resetPassword` gives an existing
 * account a new one and signs it out everywhere (`npm run db:seed -- --reset`).
 */
export async function seedDemo(
  db: Db,
  { baseUrl, resetPassword = false }: { baseUrl: string; resetPassword?: boolean },
): Promise<SeedResult> {
  const created = { user: false, bot: false, integration: false };
  let password: string | null = null;
  let user = await findUserByEmail(db, DEMO_EMAIL);
  if (!user) {
    password = randomPassword();
    const made = await createUserWithWorkspace(db, {
      email: DEMO_EMAIL,
      name: "Demo Owner",
      passwordHash: await hashPassword(password),
      workspaceName: "Acme Inc.",
    });
    user = made?.user ?? (await findUserByEmail(db, DEMO_EMAIL))!;
    created.user = !!made;
    if (!made) password = null; // another process created it at the same moment, with its own password
  } else if (resetPassword) {
    password = randomPassword();
    await changePassword(db, { userId: user.id, passwordHash: await hashPassword(password) });
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
        instructions:
          "You are Acme's friendly support assistant. Answer from Acme's knowledge base and keep replies short.",
        welcomeMessage: "Hi! I'm Acme's assistant. Ask me about our plans, shipping, returns or opening hours.",
      })
      .returning();
    created.bot = true;
  }

  const existingSources = await db
    .select({ title: knowledgeSources.title })
    .from(knowledgeSources)
    .where(eq(knowledgeSources.botId, bot!.id));
  for (const doc of DEMO_KNOWLEDGE) {
    if (existingSources.some((s) => s.title === doc.title)) continue;
    const source = await insertSource(db, {
      workspaceId,
      botId: bot!.id,
      kind: "text",
      title: doc.title,
      input: doc.text,
    });
    const chunks = chunkSections(textToSections(doc.title, doc.text).sections);
    await replaceSourceChunks(db, { sourceId: source.id, botId: bot!.id, title: doc.title, chunks });
  }

  let apiKey: string | null = null;
  let [integration] = await db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.workspaceId, workspaceId),
        eq(integrations.name, DEMO_INTEGRATION_NAME),
        isNull(integrations.deletedAt),
      ),
    )
    .limit(1);
  if (!integration) {
    const made = await createIntegration(db, {
      workspaceId,
      botId: bot!.id,
      name: DEMO_INTEGRATION_NAME,
      actorUserId: user.id,
    });
    integration = made!.integration;
    apiKey = made!.apiKey;
    created.integration = true;
  }

  return {
    email: DEMO_EMAIL,
    password,
    workspaceId,
    botId: bot!.id,
    integrationId: integration.id,
    apiKey,
    endpoint: `${baseUrl.replace(/\/+$/, "")}/chat/custom/${integration.id}`,
    created,
  };
}

/**
 * The lines a person reads after seeding. `showKey: false` leaves the API key out (a server's output
 * is a log, and keys never go into logs): it can be rolled on the integration's page.
 */
export function describeSeed(result: SeedResult, signInUrl: string, { showKey = true } = {}): string {
  const lines = [`  Sign in at   ${signInUrl}`, `  Email        ${result.email}`];
  lines.push(
    result.password
      ? `  Password     ${result.password}   (shown once: copy it now; npm run db:seed -- --reset makes a new one)`
      : "  Password     (set earlier and shown then; npm run db:seed -- --reset makes a new one)",
  );
  if (result.endpoint) lines.push(`  Endpoint     ${result.endpoint}`);
  if (result.apiKey && showKey) lines.push(`  API key      ${result.apiKey}   (shown once: copy it now)`);
  else if (result.apiKey) lines.push("  API key      roll one on the integration's page (Integrations → Acme website)");
  else if (result.integrationId)
    lines.push("  API key      (created earlier and shown then; roll it on the integration's page if it is lost)");
  return lines.join("\n");
}
