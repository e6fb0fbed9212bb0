/**
 * Retrieval at scale (measure 5): a bot's knowledge grows to 1k, 10k and 100k chunks of synthetic but
 * realistic help-centre text (inserted directly in SQL, as ready sources of 50 chunks each), and the
 * app's own fullTextRetriever answers realistic questions at each size.
 */
import type postgres from "postgres";
import { openDb } from "@/db";
import { newId } from "@/lib/ids";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { median, seededRandom as rng } from "./stats";

type Topic = { name: string; headings: string[]; nouns: string[]; verbs: string[]; facts: string[] };

const TOPICS: Topic[] = [
  {
    name: "Billing",
    headings: [
      "Invoices",
      "Payment methods",
      "Refunds",
      "Taxes",
      "Annual billing",
      "Failed payments",
      "Currencies",
      "Purchase orders",
    ],
    nouns: [
      "invoice",
      "card",
      "payment",
      "receipt",
      "subscription",
      "charge",
      "credit",
      "discount",
      "VAT number",
      "billing cycle",
      "coupon",
      "bank transfer",
      "currency",
      "purchase order",
      "statement",
      "balance",
      "proration",
      "chargeback",
      "billing contact",
      "tax ID",
    ],
    verbs: [
      "update",
      "download",
      "cancel",
      "renew",
      "charge",
      "refund",
      "prorate",
      "retry",
      "apply",
      "dispute",
      "export",
      "split",
    ],
    facts: [
      "Invoices are emailed on the first day of each billing cycle.",
      "We accept Visa, Mastercard, American Express and bank transfer.",
      "Annual plans are paid up front and save 20%.",
    ],
  },
  {
    name: "Shipping",
    headings: [
      "Delivery times",
      "International orders",
      "Tracking",
      "Customs",
      "Lost parcels",
      "Express delivery",
      "Pickup points",
      "Address changes",
    ],
    nouns: [
      "parcel",
      "carrier",
      "tracking number",
      "courier",
      "warehouse",
      "customs form",
      "address",
      "delivery window",
      "pallet",
      "pickup point",
      "signature",
      "postcode",
      "freight",
      "dispatch note",
      "depot",
      "locker",
      "consignment",
      "shipping label",
      "surcharge",
      "duty",
    ],
    verbs: [
      "ship",
      "deliver",
      "track",
      "dispatch",
      "redirect",
      "hold",
      "insure",
      "collect",
      "reroute",
      "consolidate",
      "sign",
      "declare",
    ],
    facts: [
      "Orders placed before 2pm ship the same business day.",
      "Express delivery takes one to two business days.",
      "Customs duties are shown at checkout for international orders.",
    ],
  },
  {
    name: "Accounts",
    headings: [
      "Signing in",
      "Passwords",
      "Two-factor authentication",
      "Team members",
      "Roles",
      "Deleting an account",
      "Single sign-on",
      "Profiles",
    ],
    nouns: [
      "account",
      "password",
      "email address",
      "login",
      "session",
      "role",
      "team member",
      "owner",
      "security key",
      "authenticator",
      "recovery code",
      "profile",
      "avatar",
      "SSO provider",
      "SAML",
      "audit log",
      "device",
      "timezone",
      "language",
      "username",
    ],
    verbs: [
      "reset",
      "invite",
      "remove",
      "verify",
      "lock",
      "unlock",
      "transfer",
      "rename",
      "enforce",
      "revoke",
      "merge",
      "deactivate",
    ],
    facts: [
      "Password reset links expire after one hour.",
      "Owners can invite any number of team members.",
      "Two-factor authentication works with any authenticator app.",
    ],
  },
  {
    name: "Integrations",
    headings: ["API keys", "Webhooks", "Rate limits", "Website widget", "CRM sync", "Zapier", "Slack", "OAuth apps"],
    nouns: [
      "API key",
      "webhook",
      "endpoint",
      "integration",
      "request",
      "header",
      "token",
      "widget",
      "event",
      "signature",
      "payload",
      "scope",
      "OAuth client",
      "callback URL",
      "Slack channel",
      "CRM field",
      "mapping",
      "sandbox",
      "SDK",
      "retry policy",
    ],
    verbs: [
      "connect",
      "configure",
      "rotate",
      "sign",
      "retry",
      "verify",
      "sync",
      "embed",
      "authorize",
      "subscribe",
      "throttle",
      "map",
    ],
    facts: [
      "Webhooks are signed with HMAC-SHA256.",
      "Each integration has its own API key and rate limit.",
      "The widget loads asynchronously and does not slow your pages.",
    ],
  },
  {
    name: "Hardware",
    headings: [
      "Starter kit",
      "Sensors",
      "Hub",
      "Batteries",
      "Firmware updates",
      "Compatibility",
      "Mounting",
      "Troubleshooting",
    ],
    nouns: [
      "starter kit",
      "sensor",
      "hub",
      "battery",
      "firmware",
      "device",
      "cable",
      "mount",
      "LED",
      "antenna",
      "bracket",
      "adapter",
      "range extender",
      "thermostat",
      "motion detector",
      "door contact",
      "siren",
      "keypad",
      "power supply",
      "enclosure",
    ],
    verbs: [
      "install",
      "pair",
      "reboot",
      "charge",
      "replace",
      "flash",
      "mount",
      "calibrate",
      "unpair",
      "power",
      "position",
      "test",
    ],
    facts: [
      "The hub pairs with up to 64 sensors.",
      "Batteries last about two years in normal use.",
      "Firmware updates install automatically at night.",
    ],
  },
  {
    name: "Returns",
    headings: [
      "Return window",
      "Return labels",
      "Exchanges",
      "Damaged items",
      "Refund timing",
      "Warranty claims",
      "Restocking",
      "Gifts",
    ],
    nouns: [
      "return",
      "label",
      "exchange",
      "refund",
      "item",
      "box",
      "condition",
      "warranty claim",
      "replacement",
      "RMA number",
      "restocking fee",
      "gift receipt",
      "store credit",
      "defect",
      "photo",
      "serial number",
      "packaging",
      "drop-off",
      "inspection",
      "voucher",
    ],
    verbs: [
      "return",
      "exchange",
      "inspect",
      "approve",
      "print",
      "package",
      "replace",
      "reject",
      "photograph",
      "register",
      "claim",
      "repair",
    ],
    facts: [
      "Items can be returned within 30 days of delivery.",
      "Refunds reach your card within 5 to 10 business days.",
      "Damaged items are replaced free of charge.",
    ],
  },
  {
    name: "Plans",
    headings: ["Starter", "Core", "Pro", "Scale", "Upgrading", "Usage limits", "Trials", "Nonprofits"],
    nouns: [
      "plan",
      "message",
      "limit",
      "feature",
      "seat",
      "upgrade",
      "downgrade",
      "usage",
      "quota",
      "trial",
      "add-on",
      "overage",
      "tier",
      "nonprofit discount",
      "enterprise contract",
      "SLA",
      "success manager",
      "onboarding",
      "commitment",
      "renewal date",
    ],
    verbs: [
      "upgrade",
      "downgrade",
      "compare",
      "include",
      "exceed",
      "start",
      "switch",
      "extend",
      "negotiate",
      "pause",
      "bundle",
      "unlock",
    ],
    facts: [
      "Usage limits reset on the first day of each calendar month.",
      "You can switch plans at any time from Settings.",
      "The free trial lasts 14 days and needs no card.",
    ],
  },
  {
    name: "Privacy",
    headings: ["GDPR", "Data retention", "Data export", "Subprocessors", "Cookies", "Security reports"],
    nouns: [
      "personal data",
      "retention period",
      "export",
      "subprocessor",
      "cookie",
      "consent",
      "DPA",
      "encryption",
      "backup",
      "breach notice",
      "data region",
      "anonymisation",
      "deletion request",
      "penetration test",
      "certificate",
      "vulnerability",
      "bug bounty",
      "ISO 27001",
      "SOC 2 report",
      "privacy policy",
    ],
    verbs: [
      "delete",
      "export",
      "encrypt",
      "anonymise",
      "retain",
      "audit",
      "disclose",
      "request",
      "sign",
      "store",
      "report",
      "restrict",
    ],
    facts: [
      "Data is stored in the EU or the US, as you choose.",
      "Backups are encrypted and kept for 30 days.",
      "Our SOC 2 Type II report is available under NDA.",
    ],
  },
  {
    name: "Chatbot",
    headings: ["Knowledge base", "Answers", "Handoff", "Lead capture", "Languages", "Analytics"],
    nouns: [
      "knowledge source",
      "answer",
      "handoff",
      "lead",
      "transcript",
      "intent",
      "fallback message",
      "greeting",
      "language",
      "analytics report",
      "conversation",
      "tag",
      "inbox",
      "agent",
      "satisfaction score",
      "sitemap",
      "PDF",
      "FAQ",
      "snippet",
      "tone",
    ],
    verbs: [
      "train",
      "import",
      "answer",
      "escalate",
      "capture",
      "translate",
      "tag",
      "assign",
      "summarise",
      "rate",
      "crawl",
      "refresh",
    ],
    facts: [
      "The bot answers only from the knowledge you add.",
      "Handoff notifies your team by email and in the inbox.",
      "Sitemaps are re-crawled every night.",
    ],
  },
  {
    name: "Store",
    headings: ["Orders", "Stock", "Pre-orders", "Bulk orders", "Prices", "Promotions"],
    nouns: [
      "order",
      "stock level",
      "pre-order",
      "bulk order",
      "price",
      "promotion",
      "cart",
      "checkout",
      "wishlist",
      "bundle",
      "gift card",
      "loyalty points",
      "backorder",
      "SKU",
      "quote",
      "reseller",
      "catalogue",
      "sale",
      "order number",
      "confirmation email",
    ],
    verbs: [
      "order",
      "reserve",
      "cancel",
      "combine",
      "redeem",
      "quote",
      "restock",
      "discount",
      "confirm",
      "modify",
      "split",
      "ship",
    ],
    facts: [
      "Pre-orders are charged when they ship.",
      "Bulk orders of 50 units or more get a quote within a day.",
      "Gift cards never expire.",
    ],
  },
];

const TIMING = [
  "usually",
  "within two business days",
  "automatically",
  "within a few minutes",
  "each month",
  "by email",
  "in most cases",
  "at checkout",
  "right away",
  "overnight",
  "on request",
  "the same day",
];
const PLACES = [
  "settings page",
  "dashboard",
  "admin console",
  "account menu",
  "billing tab",
  "help centre",
  "mobile app",
  "web app",
  "control panel",
  "preferences screen",
];
const CONTACTS = [
  "support team",
  "help desk",
  "account manager",
  "customer care",
  "our specialists",
  "the service desk",
  "live chat",
  "the operations crew",
];
const WHO = [
  "customers",
  "shops",
  "admins",
  "users",
  "owners",
  "merchants",
  "agencies",
  "developers",
  "retailers",
  "buyers",
];

function pick<T>(r: () => number, list: T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** A Zipf-ish pick: early entries of a list are much more common than late ones. */
function pickSkewed<T>(r: () => number, list: T[]): T {
  return list[Math.min(list.length - 1, Math.floor(list.length * r() * r()))]!;
}

/** What one article is about: a few of its topic's nouns and verbs, which most of its sentences use. */
type Focus = { nouns: string[]; verbs: string[] };

function focusOf(sourceIndex: number, topic: Topic): Focus {
  const r = rng(sourceIndex * 104729 + 3);
  return {
    nouns: [0, 1, 2, 3].map(() => pickSkewed(r, topic.nouns)),
    verbs: [0, 1, 2].map(() => pickSkewed(r, topic.verbs)),
  };
}

function sentence(r: () => number, topic: Topic, focus: Focus): string {
  const noun = r() < 0.8 ? pick(r, focus.nouns) : pickSkewed(r, topic.nouns);
  const noun2 = r() < 0.6 ? pick(r, focus.nouns) : pick(r, topic.nouns);
  const verb = r() < 0.8 ? pick(r, focus.verbs) : pickSkewed(r, topic.verbs);
  const when = pick(r, TIMING);
  const other = pick(r, TOPICS);
  const templates = [
    () => `To ${verb} your ${noun}, open the ${pick(r, PLACES)} and choose ${noun2}.`,
    () => `You can ${verb} a ${noun} ${when}; the ${noun2} changes ${pick(r, TIMING)}.`,
    () => `If your ${noun} does not ${verb}, check the ${noun2} first or ask ${pick(r, CONTACTS)}.`,
    () => `Our ${noun} policy: we ${verb} every ${noun2} ${when}.`,
    () =>
      r() < 0.15
        ? `For ${pick(r, other.nouns)} questions, see the ${other.name.toLowerCase()} articles.`
        : `Each ${noun} is ${verb}ed ${when}.`,
    () => `Note that a ${noun} cannot be ${verb}ed after the ${noun2} has been ${pick(r, topic.verbs)}ed.`,
    () => pick(r, topic.facts),
    () => `Most ${pick(r, WHO)} ${verb} their ${noun} in ${1 + Math.floor(r() * 9)} steps: see the ${noun2} guide.`,
  ];
  return pick(r, templates)();
}

export type SyntheticChunk = { sourceIndex: number; position: number; title: string; heading: string; content: string };

/** Chunks [from, to) of the synthetic knowledge base; 50 per source, 400-1100 characters each. */
export function syntheticChunks(from: number, to: number): SyntheticChunk[] {
  const out: SyntheticChunk[] = [];
  for (let i = from; i < to; i++) {
    const r = rng(i * 7919 + 17);
    const sourceIndex = Math.floor(i / 50);
    const topic = TOPICS[sourceIndex % TOPICS.length]!;
    const focus = focusOf(sourceIndex, topic);
    const target = 400 + Math.floor(r() * 700);
    let content = "";
    while (content.length < target) content += (content ? " " : "") + sentence(r, topic, focus);
    out.push({
      sourceIndex,
      position: i % 50,
      title: `${topic.name} help: article ${sourceIndex + 1}`,
      heading: `${pick(r, topic.headings)}: ${focus.nouns[0]}`,
      content,
    });
  }
  return out;
}

/** Questions end users ask; some carry the earlier turn that a follow-up leans on. */
export const QUERIES: { query: string; context?: string }[] = [
  { query: "How much does the Pro plan cost?" },
  { query: "Do you ship to Canada?" },
  { query: "How do I reset my password?" },
  { query: "Can I return a damaged item?" },
  { query: "When will I get my refund?" },
  { query: "How do I rotate an API key?" },
  { query: "What are the usage limits on Starter?" },
  { query: "How long do batteries last?" },
  { query: "My parcel is lost, what can I do?" },
  { query: "How do I invite team members?" },
  { query: "Are webhooks signed?" },
  { query: "Can I pay by bank transfer?" },
  { query: "how much is it?", context: "Tell me about express delivery" },
  { query: "and for annual billing?", context: "What plans do you have" },
  { query: "does it work with it?", context: "I have the hub and a new sensor" },
  { query: "firmware update failed on my hub" },
];

async function insertChunks(
  sql: postgres.Sql,
  workspaceId: string,
  botId: string,
  from: number,
  to: number,
): Promise<void> {
  const BATCH = 2_000;
  for (let start = from; start < to; start += BATCH) {
    const chunks = syntheticChunks(start, Math.min(to, start + BATCH));
    const sourceIds = new Map<number, string>();
    for (const c of chunks) {
      if (sourceIds.has(c.sourceIndex)) continue;
      sourceIds.set(c.sourceIndex, sourceIdFor(botId, c.sourceIndex));
    }
    // Sources first (50 chunks each, already "ready", so no ingestion worker touches them).
    const newSources = [...sourceIds];
    if (newSources.length) {
      await sql`
        insert into knowledge_sources (id, workspace_id, bot_id, kind, title, status, progress, chunk_count, last_synced_at)
        select id, ${workspaceId}, ${botId}, 'text', title, 'ready', 100, 50, now()
        from unnest(${sql.array(newSources.map(([, id]) => id))}::text[], ${sql.array(newSources.map(([index]) => `${TOPICS[index % TOPICS.length]!.name} help: article ${index + 1}`))}::text[]) as s(id, title)
        on conflict (id) do nothing`;
    }
    await sql`
      insert into knowledge_chunks (source_id, bot_id, position, title, heading, content)
      select s, ${botId}, p, t, h, c
      from unnest(
        ${sql.array(chunks.map((c) => sourceIds.get(c.sourceIndex)!))}::text[],
        ${sql.array(chunks.map((c) => c.position))}::int[],
        ${sql.array(chunks.map((c) => c.title))}::text[],
        ${sql.array(chunks.map((c) => c.heading))}::text[],
        ${sql.array(chunks.map((c) => c.content))}::text[]
      ) as x(s, p, t, h, c)`;
  }
}

const sourceIdCache = new Map<string, string>();
function sourceIdFor(botId: string, index: number): string {
  const key = `${botId}:${index}`;
  let id = sourceIdCache.get(key);
  if (!id) sourceIdCache.set(key, (id = newId("src")));
  return id;
}

export type RetrievalPoint = {
  chunks: number;
  medianMs: number;
  p95Ms: number;
  queries: number;
  /** Median number of passages returned (k = 6). */
  medianHits: number;
  insertSeconds: number;
};

/**
 * One bot per size (all in the same table, as tenants are), then rounds of queries that visit every
 * size in turn, so that whatever else the machine is doing slows every size alike. Each question is
 * asked at least twice per size; then rounds continue up to `queriesPerSize` within `seconds`.
 */
export async function measureRetrieval(
  url: string,
  sql: postgres.Sql,
  {
    workspaceId,
    sizes,
    queriesPerSize,
    seconds,
    log,
  }: { workspaceId: string; sizes: number[]; queriesPerSize: number; seconds: number; log: (line: string) => void },
): Promise<RetrievalPoint[]> {
  const handle = await openDb({ url, poolMax: 1 });
  try {
    const bots: { size: number; botId: string; insertSeconds: number }[] = [];
    for (const size of sizes) {
      const botId = newId("bot");
      await sql`insert into bots (id, workspace_id, name) values (${botId}, ${workspaceId}, ${`Retrieval bench ${size}`})`;
      const t0 = performance.now();
      await insertChunks(sql, workspaceId, botId, 0, size);
      const insertSeconds = (performance.now() - t0) / 1000;
      bots.push({ size, botId, insertSeconds });
      log(`  inserted ${size.toLocaleString("en-US")} chunks in ${insertSeconds.toFixed(1)} s`);
    }
    // The steady state autovacuum reaches after a bulk import (it vacuums on inserts too): GIN's
    // pending list merged into the index, statistics fresh. Measured before it, every size pays the
    // same extra few milliseconds for scanning the pending list.
    await sql`vacuum analyze knowledge_chunks`;
    await sql`vacuum analyze knowledge_terms`;
    await sql`vacuum analyze knowledge_words`;
    const ask = (botId: string, i: number) => {
      const q = QUERIES[i % QUERIES.length]!;
      return fullTextRetriever.retrieve(handle.db, { botId, query: q.query, context: q.context, k: 6 });
    };
    for (const b of bots) for (let i = 0; i < QUERIES.length; i++) await ask(b.botId, i); // warm the cache
    const times = bots.map(() => [] as number[]);
    const hits = bots.map(() => [] as number[]);
    const until = performance.now() + seconds * 1000;
    for (let i = 0; i < queriesPerSize && (i < 2 * QUERIES.length || performance.now() < until); i++) {
      for (const [j, b] of bots.entries()) {
        const t = performance.now();
        const { passages } = await ask(b.botId, i);
        times[j]!.push(performance.now() - t);
        hits[j]!.push(passages.length);
      }
    }
    return bots.map((b, j) => {
      const sorted = [...times[j]!].sort((x, y) => x - y);
      const point = {
        chunks: b.size,
        medianMs: median(sorted),
        p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
        queries: sorted.length,
        medianHits: median(hits[j]!),
        insertSeconds: b.insertSeconds,
      };
      log(
        `  ${b.size.toLocaleString("en-US")} chunks: median ${point.medianMs.toFixed(2)} ms, p95 ${point.p95Ms.toFixed(2)} ms over ${point.queries} queries`,
      );
      return point;
    });
  } finally {
    await handle.close();
  }
}
