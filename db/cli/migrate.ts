import { openForCli } from "./open";

const handle = await openForCli();
console.log(`Migrations applied (${handle.kind}: ${handle.location}).`);
await handle.close();
