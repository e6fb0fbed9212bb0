import nextEnv from "@next/env";
import { openDb, defaultDataDir, type DbHandle } from "../index";
import { migrateDb } from "../migrate";

/** Opens and migrates the configured database for a command-line script, with a clear message when it cannot. */
export async function openForCli(): Promise<DbHandle> {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
  const url = process.env.DATABASE_URL || undefined;
  try {
    const handle = await openDb({ url, dataDir: url ? undefined : defaultDataDir() });
    await migrateDb(handle);
    return handle;
  } catch (error) {
    const where = url ? "the PostgreSQL server in DATABASE_URL" : `the embedded database in ${defaultDataDir()}`;
    console.error(
      `Could not open ${where}. ${url ? "" : "Is the Parley server running? Stop it first: an embedded database can be opened by one process at a time."}`,
    );
    throw error;
  }
}
