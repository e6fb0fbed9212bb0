import type { Db } from "@/db";
import { claimWaitingForNotice, releaseNoticeClaim, type WaitingConversation } from "@/db/queries/handoff";
import { publicBaseUrl } from "@/lib/config";
import { emailConfigured, escapeHtml, sendEmail, type Email } from "@/lib/email";
import { logEvent } from "@/lib/log";
import { rolesWith } from "@/lib/permissions";
import { startPollingWorker } from "@/lib/polling-worker";

/**
 * Email to the team when a conversation waits for a person (where SMTP is configured): one message to
 * each member whose role works the inbox, with a link to the conversation. A background loop finds
 * the waiting conversations in the database, so a handoff from any app instance is noticed and the
 * request path never waits for SMTP. Each request for a person is mailed once; while the SMTP server
 * refuses, it is retried with the worker's back-off for as long as the conversation still waits
 * (within a day of the request).
 */

/** Requests older than this are not mailed (say, when SMTP is configured long after they came). */
const WITHIN_HOURS = 24;
const BATCH = 20;
const WAKE_KEY = Symbol.for("parley.handoff-notices.wake");

/** The email about one waiting conversation (exported for tests). */
export function renderHandoffEmail(c: WaitingConversation, baseUrl: string): Omit<Email, "to"> {
  const url = `${baseUrl}/conversations/${c.id}`;
  const where = c.integrationName ? `${c.botName} (${c.integrationName})` : c.botName;
  const who = c.userId ? `The customer (${c.userId})` : "A customer";
  const quoted = c.lastUserMessage ? truncate(c.lastUserMessage, 500) : null;
  const subject = `A customer is waiting for a person: ${c.botName}`;
  const text = [
    `${who} asked for a person in a conversation with ${where}, in the workspace “${c.workspaceName}”.`,
    ...(quoted ? ["", "Their last message:", quoted] : []),
    "",
    `Open the conversation: ${url}`,
    "",
    "The bot stays silent until someone from the team replies, or gives the conversation back to it.",
  ].join("\n");
  const html = `<p>${escapeHtml(who)} asked for a person in a conversation with <strong>${escapeHtml(where)}</strong>, in the workspace “${escapeHtml(c.workspaceName)}”.</p>
${quoted ? `<p>Their last message:</p><blockquote>${escapeHtml(quoted)}</blockquote>` : ""}
<p><a href="${escapeHtml(url)}">Open the conversation</a></p>
<p style="color:#666">The bot stays silent until someone from the team replies, or gives the conversation back to it.</p>`;
  return { subject, text, html };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

export type NoticeRun = { conversations: number; sent: number; failed: number };

/**
 * Mails the teams of the conversations waiting to be noticed. Nothing without SMTP_URL. A conversation
 * none of whose emails could be sent is given back and the run throws, so the worker backs off before
 * trying again; one whose mail reached some members is done (the others' failures are logged).
 */
export async function notifyWaitingConversations(db: Db): Promise<NoticeRun> {
  const run: NoticeRun = { conversations: 0, sent: 0, failed: 0 };
  if (!emailConfigured()) return run;
  const claimed = await claimWaitingForNotice(db, {
    limit: BATCH,
    roles: rolesWith("work_inbox"),
    withinHours: WITHIN_HOURS,
  });
  const baseUrl = publicBaseUrl();
  let unsent: string | null = null;
  for (const c of claimed) {
    run.conversations++;
    const email = renderHandoffEmail(c, baseUrl);
    const results = await Promise.all(c.recipients.map((to) => sendEmail({ to, ...email })));
    const failures = results.filter((r) => !r.ok);
    run.sent += results.length - failures.length;
    run.failed += failures.length;
    if (failures.length)
      logEvent("handoff_email_failed", {
        conversation_id: c.id,
        failed: failures.length,
        of: results.length,
        error: failures[0]!.reason.slice(0, 300),
      });
    if (results.length > 0 && failures.length === results.length) {
      await releaseNoticeClaim(db, c.id);
      unsent ??= failures[0]!.reason;
    }
  }
  if (unsent) throw new Error(`handoff emails could not be sent: ${unsent}`);
  return run;
}

/** The loop that sends the handoff emails (lib/background.ts starts it). Returns a stop function. */
export function startHandoffNotifier({ getDb, pollMs = 10_000 }: { getDb: () => Promise<Db>; pollMs?: number }) {
  return startPollingWorker({
    name: "handoff_notices",
    wakeKey: WAKE_KEY,
    pollMs,
    step: async () => (await notifyWaitingConversations(await getDb())).conversations > 0,
  });
}
