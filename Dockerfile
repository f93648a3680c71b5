# syntax=docker/dockerfile:1
# Node 24: the active LTS (Node 20 left support in April 2026; package.json "engines" lists what is supported).
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
USER node
EXPOSE 3000
# Readiness (migrations applied, database reachable, not stopping); /health/live for a liveness probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains in-flight requests for up to SHUTDOWN_TIMEOUT_SECONDS (25): give it that long to stop.
STOPSIGNAL SIGTERM
# --disable-proto=delete: no __proto__ accessor, one prototype-pollution path fewer (docs/security.md)
CMD ["node", "--disable-proto=delete", "dist/main.js"]
