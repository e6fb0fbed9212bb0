import { expect, test, type Page } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { expectNoViolations, newAccount, screenshot, signUp } from "./helpers";

/**
 * A dashboard part whose code cannot be fetched (offline, or a deploy replaced the chunks) shows the
 * dashboard's error boundary, app/(dashboard)/error.tsx, inside the dashboard's frame, and both of its
 * ways out work. The part made to fail: the integration page's code examples, a lazily loaded chunk
 * (components/integrations/lazy-code-examples.tsx), recognised by its content, not by its hashed name.
 */
async function blockExamplesChunk(page: Page) {
  const state = { blocked: true, aborted: 0 };
  await page.route("**/_next/static/chunks/**/*.js", async (route) => {
    let response, body: string;
    try {
      response = await route.fetch();
      body = await response.text();
    } catch {
      return; // the page moved on (a navigation, the end of the test): this request is gone
    }
    if (state.blocked && body.includes("Save as chat.mjs")) {
      state.aborted++;
      return route.abort("internetdisconnected");
    }
    return route.fulfill({ response, body });
  });
  return state;
}

test("a dashboard part that cannot load shows the error boundary in the frame; Try again and Reload recover", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, newAccount("boundary"));
  await createBotWithText(page, { name: "Boundary bot", title: "Plans", text: "# Plans\nThe Pro plan costs $149." });
  const { integrationId } = await createCustomApiIntegration(page, { name: "Boundary API", bot: "Boundary bot" });
  const url = `/integrations/${integrationId}`;

  const chunk = await blockExamplesChunk(page);
  await page.goto(url);
  const boundary = page.getByTestId("dashboard-error");
  await expect(boundary).toBeVisible();
  expect(chunk.aborted).toBeGreaterThan(0);
  const heading = page.getByRole("heading", { name: "This part of the page could not be shown" });
  await expect(heading).toBeFocused();
  await expect(boundary.getByRole("button", { name: "Try again" })).toBeVisible();
  await expect(boundary.getByRole("button", { name: "Reload the page" })).toBeVisible();
  // A client-side failure has no server digest to quote.
  await expect(page.getByTestId("error-digest")).toHaveCount(0);
  // The frame stays: navigation and header work around the message.
  await expect(page.getByRole("link", { name: "Integrations", exact: true }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Account menu" })).toBeVisible();
  await expect(page.getByTestId("endpoint")).toHaveCount(0);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoViolations(page, `error boundary, ${colorScheme}`);
    await screenshot(page, `error-boundary-${colorScheme}`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoViolations(page, "error boundary, dark 390 px");
  await screenshot(page, "error-boundary-dark-390");
  await page.emulateMedia({ colorScheme: "light" });
  await screenshot(page, "error-boundary-light-390");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Back online: Try again renders the page, code examples included, without a reload.
  chunk.blocked = false;
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await boundary.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("example-curl")).toContainText("YOUR_API_KEY");
  await expect(boundary).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // Reload the page loads it afresh (what fixes code from an older deploy).
  chunk.blocked = true;
  await page.goto(url);
  await expect(boundary).toBeVisible();
  chunk.blocked = false;
  await Promise.all([page.waitForEvent("load"), boundary.getByRole("button", { name: "Reload the page" }).click()]);
  await expect(page.getByTestId("example-curl")).toContainText("YOUR_API_KEY");
  await expect(page.getByRole("tab", { name: "Python" })).toBeVisible();
  await expect(boundary).toHaveCount(0);
  await page.unrouteAll({ behavior: "ignoreErrors" });
});
