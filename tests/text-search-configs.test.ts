import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows, type DbHandle } from "@/db";
import { TEXT_SEARCH_CONFIGS } from "@/lib/language";
import { openTestDb } from "./db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h.close();
});

it("every text search configuration lib/language.ts names exists in this database", async () => {
  const rows = await queryRows<{ cfgname: string }>(h.db, sql`select cfgname from pg_ts_config`);
  const present = new Set(rows.map((r) => r.cfgname));
  expect(TEXT_SEARCH_CONFIGS.filter((c) => !present.has(c))).toEqual([]);
});
