import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { createBotWithText } from "./flows";
import { newAccount, screenshot, signUp } from "./helpers";

/**
 * The website widget end to end (issue 14): a plain HTML page on a second local origin carries the
 * snippet copied from the setup page; a visitor chats (streamed), reloads, is handed to a person whose
 * inbox reply appears in the bubble; a page on a website not on the list gets "chat is unavailable".
 */

const KNOWLEDGE = `# Plans
The Pro plan costs $149 per month and includes 25,000 messages.
The Starter plan costs $19 per month.`;

/** A static website on 127.0.0.1 (another origin than the app's localhost): `/` is the page with `html`. */
async function website(html: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(req.url === "/plain" ? page("") : page(html()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const page = (snippet: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme shop</title>
<style>body{font:16px/1.5 Georgia,serif;margin:0;padding:40px;background:#fafaf9;color:#1c1917}
/* Hostile page CSS: the widget's shadow root must not care. */
button{all:unset;color:red!important;font-size:40px!important} div{border:3px dashed orange}</style>
<script>window.hostLoadedAt = null; addEventListener("load", () => { window.hostLoadedAt = document.readyState; });</script>
</head><body><h1>Acme shop</h1><p>Welcome to our shop. Questions? Ask in the chat.</p>${snippet}</body></html>`;

function launcher(p: Page) {
  return p.getByRole("button", { name: "Open chat" });
}

test("a website visitor chats through the widget, keeps the conversation, and reaches a person", async ({
  page,
  context,
  browser,
  request,
}) => {
  test.setTimeout(240_000);
  let snippet = "";
  const site = await website(() => snippet);
  const elsewhere = await website(() => snippet);
  try {
    await signUp(page, newAccount("widget"));
    await createBotWithText(page, { name: "Shop bot", title: "Plans", text: KNOWLEDGE });

    // Add integration → Website widget, with one bad website first: its own message, nothing lost.
    await page.goto("/integrations/new");
    await page.getByRole("link", { name: /Website widget/ }).click();
    await page.getByLabel("Name", { exact: true }).fill("Shop chat");
    await page.getByLabel("Allowed website 1").fill("www.example.com/shop");
    await page.getByLabel("Title", { exact: true }).fill("Acme help");
    await page.getByLabel("Greeting").fill("Hi! Ask me about our plans.");
    await expect(page.getByTestId("widget-preview")).toContainText("Hi! Ask me about our plans.");
    await page.getByRole("button", { name: "Create widget" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /Start with https/ })).toBeVisible();
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Acme help");
    await page.getByLabel("Allowed website 1").fill(site.origin);
    await page.getByRole("button", { name: "Create widget" }).click();
    await expect(page).toHaveURL(/\/integrations\/int_/);
    const integrationId = page.url().split("/integrations/")[1]!;
    snippet = (await page.getByTestId("widget-snippet").textContent())!;
    expect(snippet).toContain(integrationId);
    await screenshot(page, "widget-setup");

    // The Integrations list shows the widget with its type and status.
    await page.goto("/integrations");
    const row = page.getByRole("row", { name: /Shop chat/ });
    await expect(row).toContainText("Website widget");
    await expect(row).toContainText("Active");

    // The visitor's page: the host's own load is not held back, even while widget.js is still on its way.
    const visitor = await context.newPage();
    let readyStateAtRequest = "";
    await visitor.route("**/widget.js", async (route) => {
      readyStateAtRequest = await visitor.evaluate(() => document.readyState);
      await route.continue();
    });
    await visitor.goto(site.origin, { waitUntil: "load" });
    await expect(launcher(visitor)).toBeVisible();
    expect(readyStateAtRequest).toBe("complete");
    expect(await visitor.evaluate(() => (window as unknown as { hostLoadedAt: string }).hostLoadedAt)).toBe("complete");

    // Chat, streamed.
    await launcher(visitor).click();
    const dialog = visitor.getByRole("dialog", { name: "Acme help" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("Hi! Ask me about our plans.");
    await expect(visitor.getByLabel("Message")).toBeFocused();
    const streamed = visitor.waitForResponse((r) => r.url().endsWith("/messages") && r.request().method() === "POST");
    await visitor.getByLabel("Message").fill("How much does the Pro plan cost?");
    await visitor.keyboard.press("Enter");
    expect((await streamed).headers()["content-type"]).toMatch(/text\/event-stream/);
    await expect(dialog).toContainText("$149");
    await expect(visitor.getByRole("status")).toContainText("$149"); // the live region announces the reply
    // Thumbs under the reply (issue 15): the rating is sent, shown as pressed, and kept across reloads.
    const helpful = dialog.getByRole("button", { name: "Helpful", exact: true });
    const rated = visitor.waitForResponse((r) => r.url().endsWith("/feedback") && r.request().method() === "POST");
    await helpful.click();
    expect((await rated).status()).toBe(200);
    await expect(helpful).toHaveAttribute("aria-pressed", "true");
    await expect(dialog.getByRole("button", { name: "Not helpful" })).toHaveAttribute("aria-pressed", "false");

    // Keyboard: the focus stays in the open panel, Escape closes it and returns to the launcher.
    for (let n = 0; n < 6; n++) await visitor.keyboard.press("Tab");
    expect(await visitor.evaluate(() => document.activeElement?.hasAttribute("data-parley-widget-host"))).toBe(true);
    await visitor.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(launcher(visitor)).toBeFocused();

    // Reload: the conversation is still there.
    await visitor.reload();
    await launcher(visitor).click();
    await expect(dialog).toContainText("How much does the Pro plan cost?");
    await expect(dialog).toContainText("$149");
    await expect(dialog.getByRole("button", { name: "Helpful", exact: true })).toHaveAttribute("aria-pressed", "true");
    await visitor.setViewportSize({ width: 1280, height: 800 });
    await screenshot(visitor, "widget-desktop-light");

    // Handed to a person; the inbox reply appears in the bubble.
    await visitor.getByLabel("Message").fill("Can I talk to a human?");
    await visitor.keyboard.press("Enter");
    await expect(dialog).toContainText(/member of our team/i);
    await page.goto("/conversations");
    await page.getByTestId("conversation-row").first().click();
    await expect(page.getByTestId("feedback")).toContainText("Customer found this helpful");
    await page.getByLabel("Reply as a team member").fill("Hi, this is Sam from the team.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await expect(dialog).toContainText("Hi, this is Sam from the team.", { timeout: 20_000 });
    await expect(dialog).toContainText("A member of our team has joined the conversation.");

    // Screenshots: desktop and phone width, light and dark (the widget follows the visitor's theme).
    await visitor.emulateMedia({ colorScheme: "dark" });
    await visitor.reload();
    await launcher(visitor).click();
    await expect(dialog).toContainText("Hi, this is Sam from the team.");
    // After a reload, thumbs only under the bot's answer, not under its handoff notice (as live).
    await expect(dialog.getByRole("button", { name: "Helpful", exact: true })).toHaveCount(1);
    await screenshot(visitor, "widget-desktop-dark");
    await visitor.setViewportSize({ width: 390, height: 844 });
    await screenshot(visitor, "widget-390-dark");
    await visitor.emulateMedia({ colorScheme: "light" });
    await visitor.reload();
    await launcher(visitor).click();
    await expect(dialog).toContainText("Hi, this is Sam from the team.");
    const box = await dialog.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 }); // full screen on a phone
    await screenshot(visitor, "widget-390-light");

    // A website not on the list: the bubble says chat is unavailable; the API refuses it outright.
    const stranger = await browser.newPage();
    await stranger.goto(elsewhere.origin);
    await launcher(stranger).click();
    await expect(stranger.getByRole("dialog")).toContainText("Chat is unavailable right now.");
    const refused = await request.post(`/chat/widget/${integrationId}/session`, {
      headers: { origin: elsewhere.origin, "content-type": "application/json" },
      data: {},
    });
    expect(refused.status()).toBe(403);
    expect(refused.headers()["access-control-allow-origin"]).toBeUndefined();
    await stranger.close();

    // Only Parley was asked for anything: the widget made no request to any other host.
    const hosts = new Set<string>();
    visitor.on("request", (r) => hosts.add(new URL(r.url()).origin));
    await visitor.reload();
    await launcher(visitor).click();
    await expect(dialog).toContainText("Hi, this is Sam from the team.");
    const appOrigin = new URL(page.url()).origin;
    expect([...hosts].sort()).toEqual([site.origin, appOrigin].sort());
  } finally {
    site.server.close();
    elsewhere.server.close();
  }
});
