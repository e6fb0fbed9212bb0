import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { createBotWithText, createCustomApiIntegration } from "./flows";
import { newAccount, screenshot, signUp } from "./helpers";

/** Issue 18: what a new user trips on in the first hour, each checked where it can fail. */

const run = promisify(execFile);
const PHONE = { width: 390, height: 844 };
const LONG_URL_TITLE =
  "https://help.example.com/articles/shipping-and-returns/how-long-does-delivery-take-to-canada-and-the-united-states";

/** The page does not scroll sideways: nothing is wider than the viewport. The message names the
 * outermost elements that stick out, so a failure says where to look. */
async function expectNoSidewaysScroll(page: Page) {
  const { scroll, client, culprits } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      if (el.getBoundingClientRect().right <= width + 0.5) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
      const cls = typeof el.className === "string" ? el.className.split(/\s+/).slice(0, 4).join(".") : "";
      out.push(`<${el.tagName.toLowerCase()}${cls ? ` .${cls}` : ""}> "${(el.textContent ?? "").trim().slice(0, 40)}"`);
    }
    return { scroll: document.documentElement.scrollWidth, client: width, culprits: out.slice(0, 3) };
  });
  expect(
    scroll,
    `${new URL(page.url()).pathname} is ${scroll - client}px wider than the screen: ${culprits.join(", ")}`,
  ).toBeLessThanOrEqual(client);
}

/** An element shows all of its content: it neither scrolls nor clips sideways. */
async function expectWhole(page: Page, testId: string) {
  const el = page.getByTestId(testId);
  const { scroll, client } = await el.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
  expect(scroll, `${testId} is cut off`).toBeLessThanOrEqual(client);
}

/**
 * No filter bar leaves one field alone on a row (a field meant to take a whole row is exempt), and no
 * field's placeholder is cut off.
 */
async function expectFilterRowsBalanced(page: Page) {
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLFormElement>("form[role=search]")].map((form) => {
      const inner = form.clientWidth - parseFloat(getComputedStyle(form).paddingLeft) * 2;
      const fields = [...form.children].filter(
        (el): el is HTMLElement =>
          el instanceof HTMLElement && el.querySelector("input:not([type=hidden]), select") !== null,
      );
      const byRow = new Map<number, number>();
      for (const el of fields)
        if (el.offsetWidth < inner - 1) byRow.set(el.offsetTop, (byRow.get(el.offsetTop) ?? 0) + 1);
      const cut = [...form.querySelectorAll<HTMLInputElement>("input[placeholder]")]
        .filter((input) => {
          const probe = document.createElement("span");
          probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${getComputedStyle(input).font}`;
          probe.textContent = input.placeholder;
          document.body.append(probe);
          const width = probe.offsetWidth;
          probe.remove();
          const style = getComputedStyle(input);
          return width > input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        })
        .map((input) => input.placeholder);
      return { label: form.getAttribute("aria-label"), fields: fields.length, counts: [...byRow.values()], cut };
    }),
  );
  for (const row of rows) {
    if (row.fields > 1) expect(row.counts, `${row.label}: a field alone on a row`).not.toContain(1);
    expect(row.cut, `${row.label}: placeholder cut off`).toEqual([]);
  }
}

function inside(box: { x: number; width: number }, width: number) {
  return box.x >= 0 && box.x + box.width <= width + 0.5;
}

function overlap(a: { x: number; y: number; width: number; height: number }, b: typeof a) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test("the key shown after Roll key fits a phone, and closing it before copying asks first", async ({ browser }) => {
  test.setTimeout(120_000);
  for (const colorScheme of ["light", "dark"] as const) {
    const context = await browser.newContext({ viewport: PHONE, colorScheme });
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await context.newPage();
    await signUp(page, newAccount("roller"));
    await createBotWithText(page, { name: "Phone bot", title: "Hours", text: "We are open 9 to 5." });
    await createCustomApiIntegration(page, { name: "Phone app" });
    await page.reload(); // the first key is gone; roll a new one

    await page.getByRole("button", { name: "Roll key" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Roll key" }).click();
    await expect(dialog.getByTestId("api-key")).toBeVisible();
    await expect(dialog.getByText("Copy this key now: it cannot be recovered.")).toBeVisible();
    await screenshot(page, `first-hour-roll-key-390-${colorScheme}`);

    // Nothing runs off the screen, the title is clear of the close button, the whole key shows.
    const { scroll, client } = await dialog.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    expect(inside((await dialog.boundingBox())!, PHONE.width)).toBe(true);
    for (const name of ["Copy key", "I have copied the key"])
      expect(inside((await dialog.getByRole("button", { name }).boundingBox())!, PHONE.width), name).toBe(true);
    const title = (await dialog.getByRole("heading", { name: "New key created" }).boundingBox())!;
    const close = (await dialog.getByRole("button", { name: "Close", exact: true }).boundingBox())!;
    expect(overlap(title, close)).toBe(false);
    await expectWhole(page, "api-key");

    // Esc before copying asks; keeping it open keeps the key.
    await page.keyboard.press("Escape");
    const ask = dialog.getByRole("alert");
    await expect(ask).toContainText("You have not copied the new key.");
    await screenshot(page, `first-hour-roll-key-confirm-390-${colorScheme}`);
    await ask.getByRole("button", { name: "Keep the key open" }).click();
    await expect(ask).toHaveCount(0);
    await expect(dialog.getByTestId("api-key")).toBeVisible();

    // Once copied, Esc closes at once.
    await dialog.getByRole("button", { name: "Copy key" }).click();
    await expect(dialog.getByRole("button", { name: "Copy key" })).toHaveText(/Copied/); // the clipboard write is async
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await context.close();
  }
});

test("an uncopied key can still be discarded on purpose", async ({ page }) => {
  await signUp(page, newAccount("discard"));
  await createBotWithText(page, { name: "Discard bot", title: "Hours", text: "We are open 9 to 5." });
  await createCustomApiIntegration(page, { name: "Discard app" });
  await page.reload();
  await page.getByRole("button", { name: "Roll key" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll key" }).click();
  await expect(page.getByRole("dialog").getByTestId("api-key")).toBeVisible();
  await page.getByRole("button", { name: "Close", exact: true }).click();
  await page.getByRole("button", { name: "Close without copying" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("sign-up and sign-in work as plain HTML form posts, without JavaScript", async ({ browser }) => {
  const account = newAccount("nojs");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Work email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Company or workspace name").fill(account.workspace);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/integrations$/);
  await expect(page.getByRole("heading", { name: "Integrations", exact: true })).toBeVisible();
  await context.clearCookies();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(account.email);

  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/integrations$/);
  await context.close();
});

test("every code example on the integration page runs as pasted against the live server", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, newAccount("examples"));
  await createBotWithText(page, {
    name: "Plans bot",
    title: "Plans",
    text: "# Plans\nWe offer two plans. The Pro plan costs $149 per month. The Starter plan costs $19 per month.",
  });
  await createCustomApiIntegration(page, { name: "Examples", bot: "Plans bot" });

  // At 1280 px the endpoint shows whole, and no example runs under its Copy button.
  await expectWhole(page, "endpoint");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-examples-"));
  const examples: Record<string, string> = {};
  for (const [tab, id] of [
    ["cURL", "curl"],
    ["JavaScript", "javascript"],
    ["TypeScript", "typescript"],
    ["Python", "python"],
  ] as const) {
    await page.getByRole("tab", { name: tab, exact: true }).click();
    const pre = page.getByTestId(`example-${id}`);
    const copy = page.getByRole("button", { name: `Copy ${tab}` });
    expect(overlap((await pre.boundingBox())!, (await copy.boundingBox())!), `${tab} example under Copy`).toBe(false);
    examples[id] = (await pre.textContent())!;
  }
  expect(examples.javascript).not.toMatch(/: string|as Promise|\?: /); // JavaScript, not TypeScript

  const curl = await run("bash", ["-c", examples.curl!], { timeout: 60_000 });
  expect(JSON.parse(curl.stdout).reply).toBeTruthy();

  fs.writeFileSync(path.join(dir, "chat.mjs"), examples.javascript!);
  const js = await run(process.execPath, [path.join(dir, "chat.mjs")], { timeout: 60_000 });
  expect(js.stdout).toMatch(/\S/); // the second reply, printed

  fs.writeFileSync(path.join(dir, "chat.mts"), examples.typescript!);
  const tsx = path.resolve("node_modules/.bin/tsx");
  const ts = await run(tsx, [path.join(dir, "chat.mts")], { timeout: 60_000, cwd: dir });
  expect(ts.stdout).toMatch(/\S/); // the second reply, printed

  fs.writeFileSync(path.join(dir, "chat.py"), examples.python!);
  const py = await run("python3", [path.join(dir, "chat.py")], { timeout: 60_000 });
  expect(py.stdout).toMatch(/\S/); // the second reply, printed
  fs.rmSync(dir, { recursive: true, force: true });
});

test("no dashboard page scrolls sideways at 390 px", async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await signUp(page, newAccount("narrow"));
  const botId = await createBotWithText(page, {
    name: "Narrow bot",
    title: LONG_URL_TITLE,
    text: "We ship to Canada and the United States within 3 to 5 business days.",
  });
  const { integrationId, endpoint, apiKey } = await createCustomApiIntegration(page, {
    name: "Narrow app",
    bot: "Narrow bot",
  });
  for (const route of [
    "/integrations",
    "/integrations/new",
    "/integrations/new/custom-api",
    `/integrations/${integrationId}`,
    "/bots",
    `/bots/${botId}`,
    "/conversations",
    "/leads",
    "/settings",
    "/settings/members",
    "/settings/plan",
    "/settings/usage",
    "/settings/webhooks",
    "/settings/audit",
  ]) {
    await page.goto(route);
    await expectNoSidewaysScroll(page);
  }
  // Filter bars: no field alone on a row, no placeholder cut, on a phone and on a laptop screen.
  for (const viewport of [PHONE, { width: 1280, height: 800 }]) {
    await page.setViewportSize(viewport);
    // A customer conversation (so Analytics has its filters), and a filter in the URL so the bars show
    // on pages that would otherwise show their empty state.
    if (viewport === PHONE) {
      const sent = await page.request.post(endpoint, {
        headers: { "x-api-key": apiKey },
        data: { message: "Do you ship to Canada?", user_id: "narrow-customer" },
      });
      expect(sent.status()).toBe(200);
    }
    for (const route of [`/conversations?bot=${botId}`, `/leads?q=nobody`, `/analytics?bot=${botId}`]) {
      await page.goto(route);
      await expectNoSidewaysScroll(page);
      await expect(page.getByRole("search")).toBeVisible();
      await expectFilterRowsBalanced(page);
      await screenshot(page, `filters${new URL(page.url()).pathname.replace("/", "-")}-${viewport.width}`);
    }
  }
  await context.close();
});
