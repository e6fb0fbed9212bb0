/**
 * The weekly digest of unanswered questions (issue 15): sent by the background worker where SMTP is
 * configured, to the workspace's owners and admins, once a week and only with new questions, exactly once
 * however many workers run, and again on the next round when sending failed. Against a local SMTP sink.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "@/db";
import { unansweredDigests } from "@/db/schema";
import { setDigestEnabled } from "@/db/queries/unanswered";
import { sendDueDigests } from "@/lib/unanswered/digest";
import { groupUnanswered } from "@/lib/unanswered/sync";
import { openApiSuite, type ApiSuite } from "./fixtures/api-suite";
import { createTenant, postChat, type Tenant } from "./fixtures/api-server";
import { startSmtpSink, type SmtpSink } from "./fixtures/smtp-sink";
import { addMember, createUser } from "./workspace-fixtures";

let suite: ApiSuite;
let h: DbHandle;
let acme: Tenant;
let sink: SmtpSink;
const saved = { SMTP_URL: process.env.SMTP_URL, PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL };

beforeAll(async () => {
  suite = await openApiSuite();
  h = suite.h;
  acme = await createTenant(h.db);
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url;
  process.env.PUBLIC_BASE_URL = "https://chat.example.com";
});
afterEach(() => {
  process.env.SMTP_URL = sink.url;
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved))
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  await sink?.close();
  await suite?.close();
});

const ask = async (message: string, t: Tenant = acme) => {
  const res = await postChat(suite.api.url, t.integrationId, t.apiKey, { message });
  expect(res.status).toBe(200);
};
const round = async () => {
  await groupUnanswered(h.db, { embedding: null });
  return sendDueDigests(h.db);
};
/** Eight days pass: the questions asked so far and the last digest move back in time together. */
const weekPasses = async (t: Tenant = acme) => {
  const back = sql`interval '8 days'`;
  await h.db.execute(
    sql`update unanswered_questions set asked_at = asked_at - ${back} where workspace_id = ${t.workspaceId}`,
  );
  await h.db
    .update(unansweredDigests)
    .set({ lastSentAt: sql`${unansweredDigests.lastSentAt} - ${back}` })
    .where(eq(unansweredDigests.workspaceId, t.workspaceId));
};

describe("weekly digest", () => {
  it("emails the owners and admins the topics asked about, most asked first, with a link to answer them", async () => {
    const admin = await createUser(h.db, "admin");
    const member = await createUser(h.db, "member");
    await addMember(h.db, acme.workspaceId, admin.id, "admin");
    await addMember(h.db, acme.workspaceId, member.id, "member");
    expect(await round()).toBe(0); // nothing asked yet
    await ask("Is there an Acme shop in Paris?");
    for (const q of ["Do you sell gift cards?", "gift cards available??", "Can I buy a gift card for my brother?"])
      await ask(q);

    expect(await round()).toBe(1);
    const mails = await sink.waitFor(2);
    const [owner] = await queryRows<{ email: string }>(
      h.db,
      sql`select u.email from users u join memberships m on m.user_id = u.id where m.workspace_id = ${acme.workspaceId} and m.role = 'owner'`,
    );
    expect(
      mails
        .map((m) => m.to)
        .flat()
        .sort(),
    ).toEqual([owner!.email, admin.email].sort());
    const mail = mails[0]!;
    expect(mail.subject).toBe("Acme Inc.: 4 questions your bots could not answer this week");
    expect(mail.text).toContain("4 questions in 2 topics");
    const gift = mail.text.indexOf("(3×");
    const paris = mail.text.indexOf("“Is there an Acme shop in Paris?” (1×");
    expect(gift).toBeGreaterThan(0);
    expect(paris).toBeGreaterThan(gift);
    expect(mail.text).toContain("https://chat.example.com/unanswered");
    expect(mail.html).toContain('href="https://chat.example.com/unanswered"');

    // Not again within the week, even with new questions.
    await ask("Do you sell gift cards?");
    expect(await round()).toBe(0);
    expect(sink.messages).toHaveLength(2);
  });

  it("a week later: only what was asked since, and nothing when nothing was", async () => {
    await weekPasses();
    expect(await round()).toBe(1);
    const [mail] = (await sink.waitFor(4)).slice(2);
    expect(mail!.subject).toBe("Acme Inc.: 1 question your bots could not answer this week");
    expect(mail!.text).toContain("“Do you sell gift cards?” (1× since");
    expect(mail!.text).toContain("4× in all");
    expect(mail!.text).not.toContain("Paris");

    await weekPasses();
    expect(await round()).toBe(0);
  });

  it("is sent once however many workers try at the same time", async () => {
    await ask("Do you deliver on Mars?");
    await weekPasses();
    const before = sink.messages.length;
    await groupUnanswered(h.db, { embedding: null });
    const sent = await Promise.all([sendDueDigests(h.db), sendDueDigests(h.db), sendDueDigests(h.db)]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    await sink.waitFor(before + 2);
    expect(sink.messages).toHaveLength(before + 2);
  });

  it("when sending fails it is tried again on the next round; turned off, nothing is sent", async () => {
    await ask("Do you deliver on Venus?");
    await weekPasses();
    process.env.SMTP_URL = "smtp://127.0.0.1:1"; // nothing listens there
    expect(await round()).toBe(0);
    process.env.SMTP_URL = sink.url;
    const before = sink.messages.length;
    expect(await round()).toBe(1);
    await sink.waitFor(before + 2);

    await setDigestEnabled(h.db, { workspaceId: acme.workspaceId, enabled: false });
    await ask("Do you deliver on Jupiter?");
    await weekPasses();
    expect(await round()).toBe(0);
    delete process.env.SMTP_URL;
    await setDigestEnabled(h.db, { workspaceId: acme.workspaceId, enabled: true });
    expect(await round()).toBe(0); // no SMTP: no digest
  });
});
