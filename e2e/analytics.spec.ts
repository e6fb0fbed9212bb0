import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { expectNoViolations, newAccount, screenshot, signUp } from "./helpers";

/**
 * The Analytics page (issue 15): empty before the first conversation; then, after conversations through the
 * API (answered, not answered, handed off, rated), the figures, the charts, the top questions and the CSV
 * export, filtered by integration; the transcript shows the ratings; light and dark, desktop and 390 px.
 */

const KNOWLEDGE = `# Plans
The Pro plan costs $149 per month and includes 25,000 messages.
The Starter plan costs $19 per month.

# Opening hours
We are open Monday to Friday from 9am to 5pm.`;

async function chat(
  request: APIRequestContext,
  api: { endpoint: string; apiKey: string },
  message: string,
  conversationId?: string,
) {
  const res = await request.post(api.endpoint, {
    headers: { "x-api-key": api.apiKey, "content-type": "application/json" },
    data: { message, conversation_id: conversationId ?? null },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as { message_id: string; conversation_id: string; reply: string; handoff: boolean };
}

async function rate(
  request: APIRequestContext,
  api: { endpoint: string; apiKey: string },
  messageId: string,
  rating: "up" | "down",
  comment?: string,
) {
  const res = await request.post(`${api.endpoint}/messages/${messageId}/feedback`, {
    headers: { "x-api-key": api.apiKey, "content-type": "application/json" },
    data: { rating, comment },
  });
  expect(res.status()).toBe(200);
}

test("the Analytics page shows what customers asked and how the bot did, with its CSV", async ({ page, request }) => {
  test.setTimeout(240_000);
  await signUp(page, newAccount("insights"));
  await createBotWithText(page, { name: "Shop bot", title: "Plans", text: KNOWLEDGE });
  const api = await createCustomApiIntegration(page, { name: "Shop app", bot: "Shop bot" });
  const other = await createCustomApiIntegration(page, { name: "Kiosk", bot: "Shop bot" });

  // Before any conversation: what the page is for, and the first step.
  await page.getByRole("link", { name: "Analytics" }).first().click();
  await expect(page).toHaveURL(/\/analytics$/);
  await expect(page.getByRole("heading", { name: "No conversations yet" })).toBeVisible();
  await screenshot(page, "analytics-empty");

  // Four conversations on "Shop app", one on "Kiosk".
  const pro = await chat(request, api, "How much does the Pro plan cost?");
  expect(pro.reply).toContain("$149");
  await rate(request, api, pro.message_id, "up");
  const hours = await chat(request, api, "When are you open?");
  await rate(request, api, hours.message_id, "down", "I wanted the weekend hours.");
  const again = await chat(request, api, "how much does the pro plan cost");
  await rate(request, api, again.message_id, "up");
  const miss = await chat(request, api, "Do you repair antique clocks?");
  const human = await chat(request, api, "Can I talk to a human please?", miss.conversation_id);
  expect(human.handoff).toBe(true);
  await chat(request, other, "What does the Starter plan cost?");

  await page.reload();
  await expect(page.getByTestId("stat-conversations-value")).toHaveText("5");
  await expect(page.getByTestId("stat-conversations")).toContainText("6 customer messages");
  // 6 replies: 4 answers, 1 fallback, 1 handoff.
  await expect(page.getByTestId("stat-answered-value")).toHaveText("67%");
  await expect(page.getByTestId("stat-answered")).toContainText("17% could not · 17% handed off");
  await expect(page.getByTestId("stat-leads-value")).toHaveText("0");
  await expect(page.getByTestId("stat-reply-time-value")).toHaveText(/\d+ ms|\d+(\.\d)? s/);
  await expect(page.getByTestId("stat-feedback-value")).toHaveText("67%");
  await expect(page.getByTestId("activity-chart").locator("svg.recharts-surface")).toBeVisible();
  await expect(page.getByTestId("outcomes-chart").locator("svg.recharts-surface")).toBeVisible();
  await expect(page.getByTestId("hours-chart").locator("svg.recharts-surface")).toBeVisible();
  // The same question in other words is counted once, named by its wording.
  const top = page.getByTestId("top-questions").getByRole("listitem");
  await expect(top.first()).toContainText(/how much does the pro plan cost/i);
  await expect(top.first()).toContainText("2");
  await expect(page.getByTestId("top-questions")).toContainText("not answered 1×");

  // The CSV: the same figures, a day a row and the period in all.
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = fs.readFileSync((await (await download).path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    "day,conversations,customer_messages,bot_replies,answered,fallback,handed_off,other_replies,team_replies,leads,thumbs_up,thumbs_down,median_reply_ms,p95_reply_ms",
  );
  expect(lines).toHaveLength(32); // header, 30 days, total
  expect(lines.at(-1)).toMatch(/^total,5,6,6,4,1,1,0,0,0,2,1,\d+,\d+$/);

  // Filtered by integration: only the Kiosk's conversation.
  await page.getByLabel("Integration").selectOption({ label: "Kiosk" });
  await expect(page).toHaveURL(new RegExp(`integration=${other.integrationId}`));
  await expect(page.getByTestId("stat-conversations-value")).toHaveText("1");
  await expect(page.getByTestId("stat-feedback-value")).toHaveText("–");
  await page.getByRole("link", { name: "Last 30 days, everything" }).click();
  await expect(page.getByTestId("stat-conversations-value")).toHaveText("5");

  // Light and dark, desktop and phone: screenshots, and no WCAG A/AA violation.
  for (const mode of [
    { name: "desktop-light", colorScheme: "light", viewport: { width: 1280, height: 900 } },
    { name: "desktop-dark", colorScheme: "dark", viewport: { width: 1280, height: 900 } },
    { name: "mobile-light", colorScheme: "light", viewport: { width: 390, height: 844 } },
    { name: "mobile-dark", colorScheme: "dark", viewport: { width: 390, height: 844 } },
  ] as const) {
    await page.setViewportSize(mode.viewport);
    await page.emulateMedia({ colorScheme: mode.colorScheme });
    await page.reload();
    await expect(page.getByTestId("hours-chart").locator("svg.recharts-surface")).toBeVisible();
    // Nothing wider than the screen at phone width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(mode.viewport.width);
    await expectNoViolations(page, `/analytics (${mode.name})`);
    await screenshot(page, `analytics-${mode.name}`);
  }

  // A period without conversations: the figures are zero and each chart says so.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/analytics?from=2020-01-01&to=2020-01-31");
  await expect(page.getByTestId("stat-conversations-value")).toHaveText("0");
  await expect(page.getByText("No conversations in this period.", { exact: false })).toBeVisible();
  await expect(page.getByText("No questions in this period.")).toBeVisible();
  await screenshot(page, "analytics-quiet-period");

  // The transcript shows the customer's rating and comment under the reply.
  await page.goto(`/conversations/${hours.conversation_id}`);
  await expect(page.getByTestId("feedback")).toContainText("Customer found this unhelpful");
  await expect(page.getByTestId("feedback")).toContainText("I wanted the weekend hours.");
  await screenshot(page, "transcript-feedback");
});
