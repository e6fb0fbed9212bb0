import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDb, PREPARE_MAX_PARAMETERS, queryRows, type DbHandle } from "@/db";

/**
 * On PostgreSQL the app's statements run as named prepared statements (db/index.ts): parsed once per
 * connection and planned once PostgreSQL keeps a generic plan; and without JIT. Read back from the server's
 * own list of a session's prepared statements and its settings, on a pool of one connection.
 */
describe.skipIf(!process.env.DATABASE_URL)("the app's PostgreSQL connections", () => {
  async function preparedLike(h: DbHandle, marker: string): Promise<number> {
    // No parameter: sent as a simple query, so it is not in the list it reads.
    const [row] = await queryRows<{ n: number }>(
      h.db,
      sql.raw(`select count(*)::int as n from pg_prepared_statements where statement like '%${marker}%'`),
    );
    return Number(row!.n);
  }

  it("prepares a statement once per connection; one with more parameters than the bound is not prepared", async () => {
    const h = await openDb({ url: process.env.DATABASE_URL, poolMax: 1 });
    try {
      for (let i = 0; i < 3; i++) await queryRows(h.db, sql`select ${i}::int as probe_small`);
      expect(await preparedLike(h, "probe_small")).toBe(1);
      const many = Array.from({ length: PREPARE_MAX_PARAMETERS + 1 }, (_, i) => sql`${i}::int`);
      const [row] = await queryRows<{ n: number }>(
        h.db,
        sql`select cardinality(array[${sql.join(many, sql`, `)}]) as n, 'probe_many'`,
      );
      expect(Number(row!.n)).toBe(PREPARE_MAX_PARAMETERS + 1);
      expect(await preparedLike(h, "probe_many")).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("runs without JIT compilation (short statements whose estimates can cross jit_above_cost)", async () => {
    const h = await openDb({ url: process.env.DATABASE_URL, poolMax: 1 });
    try {
      const [row] = await queryRows<{ jit: string }>(h.db, sql`select current_setting('jit') as jit`);
      expect(row!.jit).toBe("off");
    } finally {
      await h.close();
    }
  });

  it("DATABASE_PREPARE=0 leaves every statement unnamed", async () => {
    process.env.DATABASE_PREPARE = "0";
    const h = await openDb({ url: process.env.DATABASE_URL, poolMax: 1 });
    try {
      for (let i = 0; i < 3; i++) await queryRows(h.db, sql`select ${i}::int as probe_off`);
      expect(await preparedLike(h, "probe_off")).toBe(0);
    } finally {
      delete process.env.DATABASE_PREPARE;
      await h.close();
    }
  });
});
