# Parley's image: `docker build -t parley .` (compose.yaml runs it with PostgreSQL).
# Stage 1 installs and builds; the runtime stage holds only the production bundle (`npm run bundle`:
# Next's standalone output, with only the node_modules it needs, and Parley's server and worker),
# runs as the unprivileged `node` user and is healthy when /readyz says so.

FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build && node deploy/bundle.mjs /app

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    PGLITE_DATA_DIR=/app/.data/pglite
WORKDIR /app
COPY --from=build --chown=node:node /app ./
# The embedded database and the generated AUTH_SECRET live here when DATABASE_URL is unset.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME /app/.data
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `node worker.mjs` runs the background work instead; `node migrate.mjs` and `node seed.mjs` as in the README.
CMD ["node", "server.mjs"]
