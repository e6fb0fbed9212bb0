import { and, eq, or, sql } from "drizzle-orm";
import type { Db } from "../index";
import { conversations, leadConversations, leads, type Lead } from "../schema";
import { enqueueWebhookEvent } from "./webhooks";
import { newId } from "@/lib/ids";
import type { LeadDetails } from "@/lib/leads/extract";

/**
 * Records contact details from a conversation as a lead of the workspace. A lead needs an email or a
 * phone number; one that matches an existing lead by either is merged into it (fields it lacked are
 * filled, nothing is erased), so the same person is one lead however many conversations they have.
 * Links the conversation, and fires lead.created for a new lead. Runs in the caller's transaction.
 */
export async function captureLead(
  db: Db,
  input: {
    workspaceId: string;
    conversationId: string;
    botId: string;
    integrationId: string | null;
    details: LeadDetails;
    leadId?: string | null;
  },
): Promise<{ lead: Lead; created: boolean } | null> {
  const { email, phone, name, company } = input.details;
  if (!email && !phone) {
    // No contact key: only the conversation's own lead can be completed (a name, a company).
    if (!input.leadId) return null;
    const [completed] = await db
      .update(leads)
      .set({
        name: sql`coalesce(${leads.name}, ${name ?? null})`,
        company: sql`coalesce(${leads.company}, ${company ?? null})`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(leads.id, input.leadId), eq(leads.workspaceId, input.workspaceId)))
      .returning();
    return completed ? { lead: completed, created: false } : null;
  }
  const matches = await db
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.workspaceId, input.workspaceId),
        or(email ? eq(leads.email, email) : undefined, phone ? eq(leads.phone, phone) : undefined),
      ),
    )
    .orderBy(leads.createdAt)
    .for("update");
  let lead: Lead;
  let created = false;
  const existing = matches[0];
  if (existing) {
    // Another lead may own the other key (same email here, same phone there): keep that key where it is.
    const emailTaken = !!email && matches.some((m) => m.id !== existing.id && m.email === email);
    const phoneTaken = !!phone && matches.some((m) => m.id !== existing.id && m.phone === phone);
    [lead] = (await db
      .update(leads)
      .set({
        email: existing.email ?? (emailTaken ? null : (email ?? null)),
        phone: existing.phone ?? (phoneTaken ? null : (phone ?? null)),
        name: existing.name ?? name ?? null,
        company: existing.company ?? company ?? null,
        updatedAt: sql`now()`,
      })
      .where(eq(leads.id, existing.id))
      .returning()) as [Lead];
  } else {
    const inserted = await db
      .insert(leads)
      .values({
        id: newId("lead"),
        workspaceId: input.workspaceId,
        email: email ?? null,
        phone: phone ?? null,
        name: name ?? null,
        company: company ?? null,
        botId: input.botId,
        integrationId: input.integrationId,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted[0]) {
      // A concurrent conversation created the same lead a moment ago: merge into it.
      return captureLead(db, input);
    }
    lead = inserted[0];
    created = true;
  }
  await db
    .insert(leadConversations)
    .values({ leadId: lead.id, conversationId: input.conversationId })
    .onConflictDoNothing();
  await db.update(conversations).set({ leadId: lead.id }).where(eq(conversations.id, input.conversationId));
  if (created) {
    await enqueueWebhookEvent(db, {
      workspaceId: input.workspaceId,
      event: "lead.created",
      orderingKey: input.conversationId,
      payload: {
        lead_id: lead.id,
        name: lead.name,
        email: lead.email,
        phone: lead.phone,
        company: lead.company,
        conversation_id: input.conversationId,
        bot_id: input.botId,
        integration_id: input.integrationId,
      },
    });
  }
  return { lead, created };
}

/** A lead's contact details (what the bot already knows of the person). */
export async function getLeadDetails(db: Db, leadId: string): Promise<LeadDetails | null> {
  const [row] = await db
    .select({ name: leads.name, email: leads.email, phone: leads.phone, company: leads.company })
    .from(leads)
    .where(eq(leads.id, leadId))
    .limit(1);
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v)) as LeadDetails;
}
