import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { newAccount, screenshot as save, signUp } from "./helpers";

/** Full-page screenshots from the top, so the sticky header and sidebar sit where a person sees them. */
async function screenshot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await save(page, name);
}

const HOURS = `# Opening hours

Harbor Bakery opens at 7am from Tuesday to Sunday and closes at 3pm. We are closed on Mondays.

## Holidays
On public holidays we open at 8am.`;

const MENU = `# Bread menu

## Sourdough
Our country sourdough loaf costs $8 and is baked every morning with a three-day starter.

## Rye
The dark rye bread with caraway seeds costs $7 and is only baked on Fridays.`;

async function openBots(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bots" }).click();
  await expect(page.getByRole("heading", { name: "Bots", exact: true })).toBeVisible();
}

function source(page: Page, title: string) {
  return page.getByRole("list", { name: "Knowledge sources" }).getByRole("listitem", { name: title });
}

async function ask(page: Page, question: string) {
  const chat = page.getByRole("region", { name: "Test chat" });
  await chat.getByRole("textbox", { name: "Message" }).fill(question);
  await chat.getByRole("textbox", { name: "Message" }).press("Enter");
  const bubble = chat.locator("[data-role=user]").filter({ hasText: question });
  await expect(bubble).toBeVisible();
  return chat;
}

test("a bot learns from pasted text and an uploaded file, and answers from them in the test chat", async ({ page }) => {
  await signUp(page, newAccount("baker"));
  await openBots(page);
  await expect(page.getByText("No bots yet")).toBeVisible();
  await screenshot(page, "bots-empty");

  // Create: a name is all it takes; a blank one is refused next to the field.
  await page.getByRole("button", { name: "New bot" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Create bot" }).click();
  await expect(dialog.getByText("Give the bot a name.")).toBeVisible();
  await dialog.getByLabel("Name").fill("Harbor Bakery helper");
  await dialog.getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
  await expect(page.getByRole("heading", { name: "Harbor Bakery helper" })).toBeVisible();
  await expect(page.getByText("No knowledge yet")).toBeVisible();

  // Paste text: a missing title keeps the text typed.
  await page.getByLabel("Text", { exact: true }).fill(HOURS);
  await page.getByRole("button", { name: "Add text" }).click();
  await expect(page.getByText("Give the text a title")).toBeVisible();
  await expect(page.getByLabel("Text", { exact: true })).toHaveValue(HOURS);
  await page.getByLabel("Title", { exact: true }).fill("Opening hours");
  await page.getByRole("button", { name: "Add text" }).click();
  await expect(source(page, "Opening hours").getByText("Ready")).toBeVisible();
  await expect(page.getByLabel("Text", { exact: true })).toHaveValue("");

  // Upload a file: the worker imports it in the background and the list updates by itself.
  await page.getByRole("tab", { name: "Upload files" }).click();
  await page
    .locator("#source-files")
    .setInputFiles({ name: "bread-menu.md", mimeType: "text/markdown", buffer: Buffer.from(MENU) });
  await expect(page.getByText("File uploaded. It is being imported.")).toBeVisible();
  const menu = source(page, "bread-menu.md");
  await expect(menu).toBeVisible();
  await expect(menu.getByText("Ready")).toBeVisible({ timeout: 20_000 });
  await expect(menu.getByText(/2 chunks/)).toBeVisible();
  await expect(menu.getByText(/Synced/)).toBeVisible();
  await screenshot(page, "bot-knowledge");

  // A malformed upload fails with a reason and leaves the others as they were.
  await page
    .locator("#source-files")
    .setInputFiles({ name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7 not really") });
  const broken = source(page, "broken.pdf");
  await expect(broken.getByText("Failed")).toBeVisible({ timeout: 20_000 });
  await expect(broken.getByText(/could not be read/)).toBeVisible();
  await expect(menu.getByText("Ready")).toBeVisible();

  // The test chat answers from the pasted text and from the file, and says what it used.
  let chat = await ask(page, "When do you open on Sunday?");
  const first = chat.locator("[data-role=bot]").nth(1);
  await expect(first).toContainText("7am");
  await expect(chat.getByLabel("Knowledge used").first()).toContainText("Opening hours");
  await expect(chat.getByText("Built-in engine").first()).toBeVisible();

  chat = await ask(page, "Do you have rye bread?");
  await expect(chat.locator("[data-role=bot]").nth(2)).toContainText("Fridays");
  await expect(chat.getByLabel("Knowledge used").nth(1)).toContainText("bread-menu.md");

  // Memory: a follow-up borrows its subject from the previous question.
  chat = await ask(page, "How much does it cost?");
  await expect(chat.locator("[data-role=bot]").nth(3)).toContainText("$7");
  await screenshot(page, "bot-test-chat");

  await chat.getByRole("button", { name: "New conversation" }).click();
  await expect(chat.locator("[data-role=user]")).toHaveCount(0);

  // Settings: the engine explains itself when no model is configured; saving keeps the values.
  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByText("This bot quotes your knowledge base")).toBeVisible();
  await expect(page.getByRole("radio", { name: /^Model/ })).toBeDisabled();
  await page.getByLabel("Fallback message").fill("");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Write what the bot says when it has no answer.")).toBeVisible();
  await page.getByLabel("Fallback message").fill("Sorry, I don't know that. Call us at 555-0110.");
  await page.getByLabel("Welcome message").fill("Hi! Ask me about our bread and opening hours.");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.").first()).toBeVisible();
  await screenshot(page, "bot-settings");
  await page.reload();
  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByLabel("Fallback message")).toHaveValue("Sorry, I don't know that. Call us at 555-0110.");
  await expect(page.locator("[data-role=bot]").first()).toHaveText("Hi! Ask me about our bread and opening hours.");

  // The list shows the bot with its knowledge.
  await openBots(page);
  const row = page.getByRole("row", { name: /Harbor Bakery helper/ });
  await expect(row).toContainText("3 sources");
  await expect(row).toContainText("1 failed");
  await expect(row).toContainText("None");
  await screenshot(page, "bots-list");
});

test("re-sync and delete a source, then delete the bot", async ({ page }) => {
  await signUp(page, newAccount("cleaner"));
  await openBots(page);
  await page.getByRole("button", { name: "New bot" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("Short-lived bot");
  await page.getByRole("dialog").getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
  await page.getByLabel("Title", { exact: true }).fill("Parking");
  await page.getByLabel("Text", { exact: true }).fill("Parking is free behind the shop.");
  await page.getByRole("button", { name: "Add text" }).click();
  const parking = source(page, "Parking");
  await expect(parking.getByText("Ready")).toBeVisible();

  await parking.getByRole("button", { name: "Actions for Parking" }).click();
  await page.getByRole("menuitem", { name: "Re-sync" }).click();
  await expect(page.getByText(/Re-sync started/)).toBeVisible();
  await expect(parking.getByText("Ready")).toBeVisible({ timeout: 20_000 });

  await parking.getByRole("button", { name: "Actions for Parking" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete source" }).click();
  await expect(page.getByText("“Parking” removed from the knowledge base.")).toBeVisible();
  await expect(page.getByText("No knowledge yet")).toBeVisible();

  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("test conversation");
  await expect(dialog.getByRole("button", { name: "Delete bot" })).toBeDisabled();
  await dialog.getByLabel(/Type Short-lived bot to confirm/).fill("Short-lived bot");
  await dialog.getByRole("button", { name: "Delete bot" }).click();
  await expect(page).toHaveURL(/\/bots$/);
  await expect(page.getByText("No bots yet")).toBeVisible();
});

test("a website is imported from its sitemap in the background; a private address is refused with the reason", async ({
  page,
}) => {
  // A small site on this machine (the e2e server runs with KNOWLEDGE_ALLOW_LOOPBACK=1; nothing else private is allowed).
  const site = createServer((req, res) => {
    const pages: Record<string, string> = {
      "/faq":
        "<html><head><title>FAQ</title></head><body><main><h1>FAQ</h1><p>Gift wrapping costs $4 and is available for every order.</p></main></body></html>",
      "/team":
        "<html><head><title>Our team</title></head><body><main><h1>Team</h1><p>Our head baker Lucia trained in Naples.</p></main></body></html>",
    };
    const base = `http://${req.headers.host}`;
    if (req.url === "/sitemap.xml") {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}/faq</loc></url><url><loc>${base}/team</loc></url></urlset>`,
      );
    } else if (req.url && pages[req.url]) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pages[req.url]);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  try {
    await signUp(page, newAccount("webmaster"));
    await page.goto("/bots");
    await page.getByRole("button", { name: "New bot" }).click();
    await page.getByRole("dialog").getByLabel("Name").fill("Site bot");
    await page.getByRole("dialog").getByRole("button", { name: "Create bot" }).click();
    await expect(page).toHaveURL(/\/bots\/bot_/);

    await page.getByRole("tab", { name: "Website" }).click();
    await page.getByLabel("Page address").fill("not a web address");
    await page.getByRole("button", { name: "Import page" }).click();
    await expect(page.getByText("Enter a web address starting with http:// or https://.")).toBeVisible();

    await page.getByLabel("Page address").fill("http://10.1.2.3/internal");
    await page.getByRole("button", { name: "Import page" }).click();
    const internal = source(page, "http://10.1.2.3/internal");
    await expect(internal.getByText("Failed")).toBeVisible({ timeout: 20_000 });
    await expect(
      internal.getByText(/10\.1\.2\.3 is a private address; only public web pages can be imported/),
    ).toBeVisible();

    await page.getByRole("radio", { name: /A whole site/ }).check();
    await page.getByLabel("Sitemap address").fill(`${origin}/sitemap.xml`);
    await page.getByRole("button", { name: "Import site" }).click();
    const pagesOfSite = source(page, "Pages of 127.0.0.1");
    await expect(pagesOfSite.getByText("Ready")).toBeVisible({ timeout: 20_000 });
    await expect(pagesOfSite.getByText(/2 chunks/)).toBeVisible();

    const chat = await ask(page, "How much is gift wrapping?");
    await expect(chat.locator("[data-role=bot]").nth(1)).toContainText("$4");
    await expect(chat.getByLabel("Knowledge used").first()).toContainText("FAQ");
    await screenshot(page, "bot-website-import");
  } finally {
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  }
});

test("the bot page works at phone width and in dark mode", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await ctx.newPage();
  await signUp(page, newAccount("phone"));
  await page.goto("/bots");
  await page.getByRole("button", { name: "New bot" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("Pocket bot");
  await page.getByRole("dialog").getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
  await page.getByLabel("Title", { exact: true }).fill("Returns");
  await page.getByLabel("Text", { exact: true }).fill("You can return unused items within 30 days for a full refund.");
  await page.getByRole("button", { name: "Add text" }).click();
  await expect(source(page, "Returns").getByText("Ready")).toBeVisible();
  const chat = await ask(page, "Can I return something?");
  await expect(chat.locator("[data-role=bot]").nth(1)).toContainText("30 days");
  // Nothing is wider than the screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "bot-mobile-dark");
  await page.getByRole("tab", { name: "Settings" }).click();
  await screenshot(page, "bot-settings-mobile-dark");
  await page.goto("/bots");
  await screenshot(page, "bots-list-mobile-dark");
  await ctx.close();
});

async function createBot(page: Page, name: string) {
  await page.goto("/bots");
  await page.getByRole("button", { name: "New bot" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Create bot" }).click();
  await expect(page).toHaveURL(/\/bots\/bot_/);
}

test("lead capture and human handoff are set per bot; a setting that cannot work is refused beside its fields", async ({
  page,
}) => {
  await signUp(page, newAccount("policies"));
  await createBot(page, "Front desk");
  await page.getByRole("tab", { name: "Settings" }).click();

  // Lead capture starts off; with neither email nor phone a lead could never be reached.
  const capture = page.getByRole("switch", { name: "Capture leads" });
  await expect(capture).not.toBeChecked();
  await capture.check();
  await page.getByLabel("Email", { exact: true }).selectOption("off");
  await page.getByLabel("Phone", { exact: true }).selectOption("off");
  await page.getByLabel("Ask after this many messages").fill("51");
  await page.getByRole("button", { name: "Save lead capture" }).click();
  await expect(page.getByText("A lead needs an email or a phone number to be reached")).toBeVisible();
  await expect(page.getByText("Enter a number from 1 to 50")).toBeVisible();
  await expect(capture).toBeChecked(); // what was chosen stays
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("off");
  await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "bot-lead-capture-refused");

  await page.getByLabel("Phone", { exact: true }).selectOption("required");
  await page.getByLabel("Company", { exact: true }).selectOption("optional");
  await page.getByLabel("Ask after this many messages").fill("");
  await page.getByLabel("How the bot asks").fill("Shall we call you back? Leave your phone number and name.");
  await page.getByRole("button", { name: "Save lead capture" }).click();
  await expect(page.getByText("Lead capture saved.").first()).toBeVisible();
  await expect(capture).toBeChecked();
  await expect(page.getByLabel("Phone", { exact: true })).toHaveValue("required");

  // Handoff: on by default; the offer count is checked, then switched off with an empty box.
  const handoff = page.getByRole("switch", { name: "Allow handoff to your team" });
  await expect(handoff).toBeChecked();
  const offerAfter = page.getByLabel(/Offer a person after this many answers/);
  await expect(offerAfter).toHaveValue("2");
  await offerAfter.fill("11");
  await page.getByRole("button", { name: "Save handoff settings" }).click();
  await expect(page.getByText("Enter a number from 1 to 10")).toBeVisible();
  await offerAfter.fill("");
  await page.getByRole("checkbox", { name: "Hand over when the user asks for a person" }).uncheck();
  await page.getByLabel("Handoff message").fill("Our front desk will answer you here shortly.");
  await page.getByRole("button", { name: "Save handoff settings" }).click();
  await expect(page.getByText("Handoff settings saved.").first()).toBeVisible();
  await screenshot(page, "bot-lead-handoff");

  // Everything is stored.
  await page.goto(`${page.url().split("?")[0]}?tab=settings`);
  await expect(capture).toBeChecked();
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("off");
  await expect(page.getByLabel("Phone", { exact: true })).toHaveValue("required");
  await expect(page.getByLabel("Company", { exact: true })).toHaveValue("optional");
  await expect(page.getByLabel("Ask after this many messages")).toHaveValue("");
  await expect(page.getByRole("checkbox", { name: /buying intent/ })).toBeChecked();
  await expect(page.getByLabel("How the bot asks")).toHaveValue(
    "Shall we call you back? Leave your phone number and name.",
  );
  await expect(handoff).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Hand over when the user asks for a person" })).not.toBeChecked();
  await expect(offerAfter).toHaveValue("");
  await expect(page.getByLabel("Handoff message")).toHaveValue("Our front desk will answer you here shortly.");

  await page.emulateMedia({ colorScheme: "dark" });
  await screenshot(page, "bot-lead-handoff-dark");
});

test("the lead capture and handoff cards at phone width", async ({ browser }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme });
    const page = await ctx.newPage();
    await signUp(page, newAccount(`pocket${colorScheme}`));
    await createBot(page, "Pocket desk");
    await page.getByRole("tab", { name: "Settings" }).click();
    await expect(page.getByRole("switch", { name: "Capture leads" })).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, `bot-lead-handoff-mobile-${colorScheme}`);
    await ctx.close();
  }
});
