// Entry of the worker thread that reads one knowledge source (see read-in-thread.ts). The app's
// TypeScript is loaded through tsx, as server.ts and worker.ts are.
import { register } from "tsx/esm/api";

register();
await import("./read-thread-main.ts");
