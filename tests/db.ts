import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDb, setDbHandle, type DbHandle } from "@/db";
import { migrateDb } from "@/db/migrate";

/**
 * A fresh, migrated database for one test file, installed as the app's database: an in-memory
 * PGlite, or, when DATABASE_URL is set, a new database on that server (dropped on close), so a
 * developer's data is never touched.
 */
export async function openTestDb(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openDb({ memory: true });
    await migrateDb(handle);
    setDbHandle(handle);
    return handle;
  }
  const name = `parley_test_${randomBytes(6).toString("hex")}`;
  const admin = await openDb({ url, poolMax: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDb({ url: testUrl.toString(), poolMax: 20 });
  await migrateDb(handle);
  setDbHandle(handle);
  return {
    ...handle,
    close: async () => {
      setDbHandle(undefined);
      await handle.close();
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    },
  };
}

/** Freezes the database clock used by limits (app_now()); `null` lets it run again. */
export async function setDbClock(handle: DbHandle, at: Date | null): Promise<void> {
  if (at === null) await handle.db.execute(sql`delete from app_clock`);
  else
    await handle.db.execute(
      sql`insert into app_clock (id, now) values (1, ${at.toISOString()}) on conflict (id) do update set now = excluded.now`,
    );
}
