import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { knowledgeChunks, knowledgeSources } from "@/db/schema";
import { createUserWithWorkspace } from "@/db/queries/accounts";
import { createBot } from "@/db/queries/bots";
import { insertSource, requeueSource } from "@/db/queries/knowledge";
import { processNextSource } from "@/lib/knowledge/ingest";
import { fullTextRetriever } from "@/lib/knowledge/retrieve";
import { allowLoopbackConnectionsOnly } from "./fixtures/knowledge/loopback-only";
import { openTestDb } from "./db";

const guard = allowLoopbackConnectionsOnly();
let h: DbHandle;
let server: Server;
let base: string;
let workspaceId: string;
let botId: string;
const hits: string[] = [];

/** Page bodies by path; tests change them to simulate a site that was edited. */
const pages = new Map<string, string>();
const html = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body><nav>Home · Shop</nav><main>${body}</main><footer>© Shop</footer></body></html>`;

function sitemap(paths: string[]) {
  return `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths
    .map((p) => `<url><loc>${base}${p}</loc></url>`)
    .join("")}</urlset>`;
}

/** A request for `path` waits until the test releases it (a slow page). */
let hold: { path: string; reached: () => void; released: Promise<void> } | undefined;

function respond(path: string, res: ServerResponse) {
  if (path === "/sitemap.xml")
    return res
      .writeHead(200, { "content-type": "application/xml" })
      .end(sitemap(["/returns", "/shipping", "/contact", "/gone"]));
  if (path === "/one-page-sitemap.xml")
    return res.writeHead(200, { "content-type": "application/xml" }).end(sitemap(["/gone"]));
  const body = pages.get(path);
  if (body === undefined) return res.writeHead(404, "Not Found").end("missing");
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
}

beforeAll(async () => {
  process.env.PARLEY_LOG = "silent";
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push(path);
    if (hold?.path === path) {
      const held = hold;
      hold = undefined;
      held.reached();
      void held.released.then(() => respond(path, res));
    } else respond(path, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await openTestDb();
  const made = await createUserWithWorkspace(h.db, {
    email: "url@example.com",
    name: "U",
    passwordHash: "x",
    workspaceName: "Url",
  });
  workspaceId = made!.workspace.id;
});
afterAll(async () => {
  await h.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  guard.restore();
});
beforeEach(async () => {
  botId = (await createBot(h.db, { workspaceId, name: "Site bot", actorUserId: null })).id;
  pages.clear();
  pages.set(
    "/returns",
    html("Returns", "<h1>Returns</h1><p>Unworn shoes can be returned within 60 days for a full refund.</p>"),
  );
  pages.set(
    "/shipping",
    html("Shipping", "<h1>Shipping</h1><p>Parcels to Norway travel by ferry and take nine days.</p>"),
  );
  pages.set("/contact", html("Contact", "<h1>Contact</h1><p>Call the cobbler hotline at 555-0142.</p>"));
  hits.length = 0;
});

const loopback = { allowLoopback: true, retryDelayMs: 0 };

async function row(id: string) {
  const [r] = await h.db.select().from(knowledgeSources).where(eq(knowledgeSources.id, id));
  return r!;
}

describe("URL import", () => {
  it("refuses private, loopback and link-local addresses without connecting", async () => {
    const blockedBefore = guard.blocked.length;
    const targets = [
      "http://10.0.0.7/admin",
      "http://169.254.169.254/latest/meta-data/",
      `${base}/returns`,
      "http://[::1]/",
    ];
    const ids = [];
    for (const url of targets)
      ids.push((await insertSource(h.db, { workspaceId, botId, kind: "url", title: url, input: url })).id);
    while (await processNextSource(h.db, { allowLoopback: false, retryDelayMs: 0 })) {}
    const reasons = await Promise.all(ids.map(async (id) => (await row(id)).error));
    expect(reasons[0]).toMatch(/10\.0\.0\.7 is a private address; only public web pages can be imported/);
    expect(reasons[1]).toMatch(/link-local/);
    expect(reasons[2]).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(reasons[3]).toMatch(/loopback/);
    for (const id of ids) expect((await row(id)).status).toBe("failed");
    expect(hits).toEqual([]); // the test server never saw a request
    expect(guard.blocked.length).toBe(blockedBefore); // and nothing tried to leave the machine
  });

  it("imports one page under the page's own title, without its navigation and footer", async () => {
    const url = `${base}/returns`;
    const src = await insertSource(h.db, { workspaceId, botId, kind: "url", title: url, input: url });
    expect(await processNextSource(h.db, loopback)).toBe(true);
    const r = await row(src.id);
    expect(r.status).toBe("ready");
    expect(r.title).toBe("Returns");
    const chunks = await h.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.sourceId, src.id));
    expect(chunks.map((c) => c.content).join(" ")).toMatch(/60 days for a full refund/);
    expect(chunks.map((c) => c.content).join(" ")).not.toMatch(/Home · Shop|© Shop/);
    expect(chunks[0]!.title).toBe("Returns");
  });

  it("follows a sitemap on a local server, reports pages that failed, and makes every page searchable", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "sitemap",
      title: "Shop pages",
      input: `${base}/sitemap.xml`,
    });
    expect(await processNextSource(h.db, loopback)).toBe(true);
    const r = await row(src.id);
    expect(r.status).toBe("ready");
    expect(r.progress).toBe(100);
    expect(r.error).toMatch(/^1 of 4 pages could not be imported, e\.g\. .*\/gone: The page returned HTTP 404/);
    expect(hits).toEqual(expect.arrayContaining(["/sitemap.xml", "/returns", "/shipping", "/contact", "/gone"]));
    for (const [question, title] of [
      ["how long does shipping to Norway take", "Shipping"],
      ["can I return unworn shoes", "Returns"],
      ["cobbler hotline phone number", "Contact"],
    ] as const) {
      const [top] = (await fullTextRetriever.retrieve(h.db, { botId, query: question })).passages;
      expect(top?.sourceId).toBe(src.id);
      expect(top?.title, question).toBe(title); // each chunk carries its page's title
    }
  });

  it("fails a sitemap whose pages all fail, with the first reason", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "sitemap",
      title: "Broken",
      input: `${base}/one-page-sitemap.xml`,
    });
    await processNextSource(h.db, loopback);
    const r = await row(src.id);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/The only page in the sitemap could be imported\. .*\/gone: The page returned HTTP 404/);
  });

  it("keeps the old pages searchable until every new page is in, then swaps them all at once", async () => {
    const src = await insertSource(h.db, {
      workspaceId,
      botId,
      kind: "sitemap",
      title: "Shop pages",
      input: `${base}/sitemap.xml`,
    });
    await processNextSource(h.db, loopback);

    // The site changes; a re-sync starts and one page is slow to load.
    pages.set(
      "/returns",
      html("Returns", "<h1>Returns</h1><p>Returns are now accepted for 90 days at any boutique.</p>"),
    );
    pages.set("/shipping", html("Shipping", "<h1>Shipping</h1><p>Parcels to Norway now fly by drone overnight.</p>"));
    let release!: () => void;
    let reached!: () => void;
    const reachedSlow = new Promise<void>((r) => (reached = r));
    hold = { path: "/contact", reached, released: new Promise<void>((r) => (release = r)) };

    expect(await requeueSource(h.db, { workspaceId, botId, sourceId: src.id })).toBe("queued");
    const running = processNextSource(h.db, loopback);
    await reachedSlow;
    await waitFor(async () => (await row(src.id)).progress > 5); // the two fast pages are done

    const midway = await row(src.id);
    expect(midway.status).toBe("processing");
    expect(midway.progress).toBeGreaterThan(5);
    expect(midway.progress).toBeLessThan(100);
    const [oldHit] = (await fullTextRetriever.retrieve(h.db, { botId, query: "Norway ferry nine days" })).passages;
    expect(oldHit?.content).toMatch(/ferry/);
    expect((await fullTextRetriever.retrieve(h.db, { botId, query: "drone overnight" })).passages).toEqual([]);

    release();
    expect(await running).toBe(true);
    expect((await row(src.id)).status).toBe("ready");
    const [newHit] = (await fullTextRetriever.retrieve(h.db, { botId, query: "Norway drone overnight" })).passages;
    expect(newHit?.content).toMatch(/drone/);
    expect((await fullTextRetriever.retrieve(h.db, { botId, query: "ferry" })).passages).toEqual([]);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
