/** Runs once before all test files: nothing shared yet; each integration test opens its own database (tests/db.ts). */
export default function setup() {
  process.env.PARLEY_TEST = "1";
}
