import type { Db } from "@/db";
import { getWorkspace } from "@/db/queries/workspaces";
import {
  claimDueDigests,
  digestRecipients,
  releaseDigest,
  topicsAskedSince,
  type TopicSummary,
} from "@/db/queries/unanswered";
import { publicBaseUrl } from "@/lib/config";
import { emailConfigured, escapeHtml, sendEmail } from "@/lib/email";
import { formatDay, formatNumber } from "@/lib/format";
import { logEvent } from "@/lib/log";
import { startPollingWorker } from "@/lib/polling-worker";
import { topicLabel } from "./group";
import { groupUnanswered } from "./sync";

/** A workspace's digest goes out at most this often. */
export const DIGEST_PERIOD_MS = 7 * 86_400_000;
/** Topics a digest lists (the most asked since the last one). */
const DIGEST_TOPICS = 10;

export type Digest = {
  workspaceName: string;
  since: Date;
  topics: (Pick<TopicSummary, "questions" | "botName" | "count"> & { newCount: number })[];
  totalNew: number;
  totalTopics: number;
  /** The deployment's public origin, for the link to the page. */
  baseUrl: string;
};

/** The digest email: the topics most asked since the last one, with their counts, and a link to answer them. */
export function renderDigest(d: Digest): { subject: string; text: string; html: string } {
  const questions = `${formatNumber(d.totalNew)} ${d.totalNew === 1 ? "question" : "questions"}`;
  const subject = `${d.workspaceName}: ${questions} your bots could not answer this week`;
  const url = `${d.baseUrl}/unanswered`;
  const rows = d.topics.map((t) => ({
    label: topicLabel(t.questions),
    detail: `${formatNumber(t.newCount)}× since ${formatDay(d.since)}${t.count > t.newCount ? `, ${formatNumber(t.count)}× in all` : ""} · ${t.botName}`,
  }));
  const more = d.totalTopics - d.topics.length;
  const intro = `Since ${formatDay(d.since)}, customers asked ${questions} in ${formatNumber(d.totalTopics)} ${
    d.totalTopics === 1 ? "topic" : "topics"
  } that your bots answered with their fallback, answered unsure, or that were rated down.`;
  const text = [
    intro,
    "",
    ...rows.map((r) => `- “${r.label}” (${r.detail})`),
    ...(more > 0 ? [`…and ${formatNumber(more)} more.`] : []),
    "",
    `Answer them once and the bots know: ${url}`,
    "",
    "You get this email as an owner or admin of the workspace. Turn it off on that page.",
  ].join("\n");
  const html = `<p>${escapeHtml(intro)}</p>
<ul>${rows.map((r) => `<li><strong>“${escapeHtml(r.label)}”</strong> <span style="color:#666">(${escapeHtml(r.detail)})</span></li>`).join("")}</ul>
${more > 0 ? `<p>…and ${formatNumber(more)} more.</p>` : ""}
<p><a href="${escapeHtml(url)}">Answer them once and the bots know</a></p>
<p style="color:#666">You get this email as an owner or admin of the workspace. Turn it off on that page.</p>`;
  return { subject, text, html };
}

/**
 * Sends the digests that are due (SMTP configured), of the questions grouped so far: each workspace whose
 * last digest is a period old and that has new questions in open topics is claimed (one statement, so
 * concurrent workers never send one twice) and emailed to its owners and admins. A digest that fails to
 * send is given back and tried again on the next round. Returns how many were sent.
 */
export async function sendDueDigests(db: Db, { periodMs = DIGEST_PERIOD_MS }: { periodMs?: number } = {}) {
  if (!emailConfigured()) return 0;
  let sent = 0;
  for (const claim of await claimDueDigests(db, { periodMs })) {
    const [recipients, asked, workspace] = await Promise.all([
      digestRecipients(db, claim.workspaceId),
      topicsAskedSince(db, { workspaceId: claim.workspaceId, since: claim.since, limit: DIGEST_TOPICS }),
      getWorkspace(db, claim.workspaceId),
    ]);
    if (!workspace || !recipients.length || !asked.topics.length) continue;
    const email = renderDigest({
      workspaceName: workspace.name,
      since: claim.since,
      baseUrl: publicBaseUrl(),
      ...asked,
    });
    const results = await Promise.all(recipients.map((r) => sendEmail({ to: r.email, ...email })));
    const failed = results.filter((r) => !r.ok);
    if (failed.length === results.length) {
      await releaseDigest(db, claim);
      logEvent("unanswered.digest_failed", {
        workspaceId: claim.workspaceId,
        error: failed[0]!.ok ? "" : failed[0]!.reason,
      });
      continue;
    }
    sent++;
    logEvent("unanswered.digest_sent", { workspaceId: claim.workspaceId, recipients: results.length - failed.length });
  }
  return sent;
}

/**
 * The background loop that groups new unanswered questions and sends the weekly digests, every `pollMs`
 * (a minute). Returns a stop function.
 */
export function startUnansweredWorker({
  getDb,
  pollMs = 60_000,
}: {
  getDb: () => Promise<Db>;
  pollMs?: number;
}): () => Promise<void> {
  return startPollingWorker({
    name: "unanswered",
    wakeKey: Symbol.for("parley.unanswered.wake"),
    pollMs,
    step: async () => {
      const db = await getDb();
      await groupUnanswered(db);
      await sendDueDigests(db);
      return false; // one round per period: nothing here is urgent
    },
  });
}
