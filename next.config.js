/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages load from node_modules at run time instead of being bundled,
  // so the custom server and the route handlers share one instance of each (see db/index.ts).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2", "pdfjs-dist", "ioredis"],
  poweredByHeader: false,
  devIndicators: false,
  typedRoutes: false,
};

export default nextConfig;
