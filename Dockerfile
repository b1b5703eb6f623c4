# The app as a container image (docs/deploy.md). Three stages: the production dependencies (better-sqlite3's binary
# comes in its npm package), the build (TypeScript to dist/),
# and a slim runtime with only what the built app reads: dist/, the production node_modules, migrations/ (applied
# at start), migrations-pg/ (applied by `npm run migrate-to-postgres`), manifest.json (the doctor and
# `npm run manifest` read it) and package.json ("type": "module").
#
#   docker build -t cosell-handoff .
#   docker run -d --env-file .env -p 3000:3000 -v handoff-data:/data cosell-handoff
#
# BASE_IMAGE: a Node.js 24 image on Debian (the default, or a local stand-in where no registry is reachable: see
# deploy/local-base.sh). NODE_EXTRA_CA_CERTS: a CA file for a proxy that intercepts TLS, used by npm while building
# (the file must be in the build's view, e.g. `buildah bud -v /etc/ssl/certs:/etc/ssl/certs:ro`); unset: none.
ARG BASE_IMAGE=node:24-bookworm-slim

# 1. Production dependencies only. better-sqlite3 13 ships its Node-API binaries inside the npm package (no download,
#    no compiler); the check below fails the build if the one for this platform does not load.
FROM ${BASE_IMAGE} AS deps
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" \
 && npm cache clean --force

# 2. The build: every dependency without install scripts (tsc needs no native module), then tsc.
FROM ${BASE_IMAGE} AS build
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build

# 3. The runtime: no compiler, no TypeScript, no sources; the files belong to root and the app runs as `handoff`.
FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_PATH=/data/handoff.db
RUN groupadd --system --gid 10001 handoff \
 && useradd --system --uid 10001 --gid handoff --home-dir /app --no-create-home --shell /usr/sbin/nologin handoff \
 && mkdir -p /data \
 && chown handoff:handoff /data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json manifest.json ./
COPY migrations migrations
COPY migrations-pg migrations-pg
COPY scripts/build-if-needed.mjs scripts/node-version.mjs scripts/
USER handoff
# The SQLite file, its -wal and its lock live here; back up from here (docs/deploy.md).
VOLUME /data
EXPOSE 3000
# node is PID 1 and gets the signal itself: it stops taking work, finishes what is in flight and exits
# (SHUTDOWN_TIMEOUT_MS, default 10 s; give the runtime's stop timeout more, e.g. 30 s).
STOPSIGNAL SIGTERM
# No curl in a slim image: node asks /healthz (200 while the app takes requests, its database accepts a write and
# Slack accepts its token).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# As `npm start` runs it, without npm in between (npm would take the signal, not the app).
CMD ["node", "--enable-source-maps", "--max-old-space-size=384", "--max-semi-space-size=32", "dist/main.js"]
