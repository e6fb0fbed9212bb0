import fs from "node:fs";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3100);
// Debian's Chromium where it is installed (CI installs it); Playwright's own browser elsewhere.
const executablePath =
  process.env.CHROMIUM_PATH || (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1, // one embedded database, one server: specs run in order
  // One retry on CI, reported as "flaky" by the list reporter: a red run lands nothing, a flaky test stays visible.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    // localhost, not 127.0.0.1: Auth.js checks the origin, and the server prints localhost.
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // A production build on its own, fresh embedded database.
    command: `rm -rf .data/e2e && ${process.env.E2E_SKIP_BUILD ? "" : "npx next build && "}npx tsx server.ts`,
    url: `http://localhost:${PORT}/sign-in`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "localhost",
      PGLITE_DATA_DIR: ".data/e2e/pglite",
      DATABASE_URL: "",
      PUBLIC_BASE_URL: "",
      PARLEY_SEED: "0",
      KNOWLEDGE_ALLOW_LOOPBACK: "1",
      PARLEY_LOG: "silent",
      // Every spec signs in from this one address; the suite makes more than the default 30 per 15 minutes.
      SIGN_IN_LIMIT_PER_ADDRESS: "1000",
      AUTH_SECRET: "e2e-secret-not-for-production-0123456789",
    },
  },
});
