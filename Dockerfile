# syntax=docker/dockerfile:1.19
#
# One image for the kit's processes on EKS; the command chooses which:
#   devops-agent serve                      (the default)
#   prometheus-mcp --transport http
#   node dist/workload/main.js --role ROLE  (or ROLE=...; the pet-adoption workload)
# Production runs the compiled JavaScript with production dependencies only. The runtime stage writes
# nothing outside /data (XDG_STATE_HOME: the agent's store) and /tmp, so the root filesystem can be
# mounted read-only; it runs as the node user (uid 1000). test/image.test.ts rebuilds this stage's
# file set from the COPY and RUN lines below and starts every command from it.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary, or compiles when none fits: the compiler is here for that case.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied below; the one install script the
# production dependencies need (better-sqlite3's native module) runs on its own.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    XDG_STATE_HOME=/data \
    HEALTHCHECK_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (no TypeScript, no tsx). --ignore-scripts skips `prepare`, whose build
# needs the dev dependencies, and install scripts: the native module comes compiled from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node ./node_modules/better-sqlite3/build/Release/
COPY --from=build --exclude=**/*.map --exclude=.tsbuildinfo /app/dist ./dist
# Data the kit reads at run time from its package root (lib/platform/package-root.ts).
COPY --exclude=**/*.ts bin ./bin
COPY --exclude=**/*.ts agent/playbooks ./agent/playbooks
COPY agent/workflow/general-investigation.yaml ./agent/workflow/
COPY agent/analysis/calibration.json ./agent/analysis/
COPY runner/report/report.html.hbs ./runner/report/
COPY --exclude=**/*.ts scenarios ./scenarios
RUN ln -s /app/bin/devops-agent.js /usr/local/bin/devops-agent \
 && ln -s /app/bin/prometheus-mcp.js /usr/local/bin/prometheus-mcp \
 && ln -s /app/bin/run-scenario.js /usr/local/bin/run-scenario \
 && ln -s /app/bin/local-cluster.js /usr/local/bin/local-cluster \
 && mkdir -p /data \
 && chown node:node /data
USER node
VOLUME ["/data", "/tmp"]
EXPOSE 8080
# Every command serves GET /healthz; HEALTHCHECK_PORT says where (the agent: 18080, the MCP server: its --port).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTHCHECK_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["devops-agent", "serve"]
