import { expect, test, type Page } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { expectNoViolations, newAccount, screenshot, signUp } from "./helpers";

/**
 * Issue 15, unanswered questions: customers' questions the bot could not answer appear grouped on the
 * Unanswered page; "Answer this" turns the owner's answer into a Q&A entry of the bot's knowledge, and the
 * grouped questions (reworded ones too) are answered with it, on the page and through the Chat API.
 */

const KNOWLEDGE = `# Opening hours
We are open Monday to Friday, 9am to 6pm, and Saturday from 10am to 4pm.

# Delivery
Standard delivery takes 3 to 5 business days and is free on orders over $50.`;

const GIFT_CARDS = ["Do you sell gift cards?", "Can I buy a gift card for my brother?", "gift cards available??"];
const ANSWER = "Yes! Gift cards from $10 to $200, sold in the shop and online. They never expire.";

test("fallbacks appear grouped; Answer this makes the grouped questions answered by the new entry", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signUp(page, newAccount("unanswered"));
  const botId = await createBotWithText(page, { name: "Shop bot", title: "Shop", text: KNOWLEDGE });
  const { endpoint, apiKey } = await createCustomApiIntegration(page, { name: "Shop app", bot: "Shop bot" });
  const ask = async (message: string) => {
    const res = await page.request.post(endpoint, { headers: { "x-api-key": apiKey }, data: { message } });
    expect(res.status()).toBe(200);
    return ((await res.json()) as { reply: string }).reply;
  };

  const fallbacks: string[] = [];
  for (const q of [...GIFT_CARDS, "Is there a shop in Paris?", "Do you rent kayaks?"]) fallbacks.push(await ask(q));
  expect(new Set(fallbacks).size).toBe(1); // the bot's fallback every time
  expect(await ask("When are you open on Saturday?")).toContain("10am to 4pm"); // answered: not listed

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Unanswered" }).click();
  await expect(page).toHaveURL(/\/unanswered$/);
  const topics = page.getByTestId("topic");
  await expect(topics).toHaveCount(3);
  const gift = topics.filter({ has: page.getByRole("heading", { name: "“Do you sell gift cards?”" }) });
  await expect(gift).toContainText("Asked 3 times in 3 conversations");
  for (const q of GIFT_CARDS) await expect(gift.getByRole("list", { name: "Questions asked" })).toContainText(q);
  await expect(topics.first()).toContainText("3×"); // most asked first
  await expect(page.getByText("When are you open on Saturday?")).toHaveCount(0);
  await expect(gift.getByRole("link", { name: /Open the conversation/ })).toHaveCount(3);
  await screenshot(page, "unanswered-light");
  await expectNoViolations(page, "light");

  await gift.getByRole("button", { name: "Answer this" }).click();
  await expect(gift.getByRole("textbox", { name: "Question", exact: true })).toHaveValue("Do you sell gift cards?");
  await gift.getByRole("textbox", { name: "Answer", exact: true }).fill(ANSWER);
  await gift.getByRole("button", { name: "Save answer" }).click();
  const reasked = gift.getByTestId("reasked-question");
  await expect(reasked).toHaveCount(3, { timeout: 30_000 });
  for (const q of GIFT_CARDS) {
    const row = reasked.filter({ hasText: q });
    await expect(row.getByTestId("reasked-reply")).toContainText("$10 to $200");
    await expect(row).toContainText("Answered with your answer");
  }
  await expect(gift.getByRole("status")).toContainText("3 of 3 questions are now answered with it");
  await screenshot(page, "unanswered-answered");

  // Customers asking now get the answer, in each of the grouped wordings.
  for (const q of GIFT_CARDS) expect(await ask(q)).toContain("$10 to $200");

  await gift.getByRole("button", { name: "Done" }).click();
  await expect(topics).toHaveCount(2);
  await expectCount(page, "Answered", 1);

  const paris = topics.filter({ hasText: "Is there a shop in Paris?" });
  await paris.getByRole("button", { name: /Snooze/ }).click();
  await page.getByRole("menuitem", { name: "For a week" }).click();
  await expect(topics).toHaveCount(1);
  await expectCount(page, "Snoozed", 1);

  const kayaks = topics.filter({ hasText: "Do you rent kayaks?" });
  await kayaks.getByRole("button", { name: /Dismiss/ }).click();
  await expect(topics).toHaveCount(0);
  await expect(page.getByText("Nothing to answer right now.")).toBeVisible();
  await expectCount(page, "Dismissed", 1);

  await page.getByRole("link", { name: /^Answered/ }).click();
  await expect(topics).toHaveCount(1);
  await expect(topics.first()).toContainText("Answered with “Do you sell gift cards?”");

  // The entry is part of the bot's knowledge, where the owner sees and edits it.
  await page.goto(`/bots/${botId}`);
  const entry = page
    .getByRole("list", { name: "Knowledge sources" })
    .getByRole("listitem", { name: "Do you sell gift cards?" });
  await expect(entry).toContainText("Q&A");
  await expect(entry).toContainText(ANSWER);
  await expect(entry).toContainText("“Can I buy a gift card for my brother?”");
  await entry.getByRole("button", { name: "Actions for Do you sell gift cards?" }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Answer").fill("Yes: gift cards from $25, sent by email.");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(entry).toContainText("from $25, sent by email");
  expect(await ask("gift cards available??")).toContain("from $25, sent by email");
});

test("the page in dark mode and at phone width", async ({ browser }) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await signUp(page, newAccount("unanswered-look"));
  await createBotWithText(page, { name: "Look bot", title: "Shop", text: KNOWLEDGE });
  const { endpoint, apiKey } = await createCustomApiIntegration(page, { name: "Look app", bot: "Look bot" });
  for (const message of [
    ...GIFT_CARDS,
    "Is there a shop in Paris?",
    "Is there a shop in Paris?",
    "Do you rent kayaks?",
  ])
    await page.request.post(endpoint, { headers: { "x-api-key": apiKey }, data: { message } });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/unanswered");
  await expect(page.getByTestId("topic")).toHaveCount(3);
  await screenshot(page, "unanswered-dark");
  await expectNoViolations(page, "dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();
  await page.getByTestId("topic").first().getByRole("button", { name: "Answer this" }).click();
  await expect(page.getByLabel("Answer")).toBeFocused();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "unanswered-390");
  await expectNoViolations(page, "390 px, answer form open");
  await ctx.close();
});

async function expectCount(page: Page, list: string, n: number) {
  await expect(
    page.getByRole("navigation", { name: "Lists" }).getByRole("link", { name: new RegExp(`^${list}`) }),
  ).toContainText(String(n));
}
