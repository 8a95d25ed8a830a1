# syntax=docker/dockerfile:1
# The base image is pinned to one Node release (a rebuild gets the same Node; bump it on
# purpose). A pipeline that wants the exact bytes pins it by digest as well: `FROM node:…@sha256:…`.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Build stage: full dependencies, compile TypeScript.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The kernel is an npm workspace (@seams/kernel): npm ci links it from packages/kernel.
COPY packages/kernel/package.json ./packages/kernel/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY packages/kernel/tsconfig.json ./packages/kernel/
COPY packages/kernel/src ./packages/kernel/src
COPY src ./src
COPY modules ./modules
COPY migrations ./migrations
RUN npm run build

# Production dependencies only, installed from the lockfile (no dev tools in the image).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/kernel/package.json ./packages/kernel/
RUN npm ci --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies and the compiled app only, as a non-root user. The
# code belongs to root and is read-only for the app; only /app/.data (the embedded PostgreSQL,
# used only without DATABASE_URL, and the development issuer's key) is writable. With
# DATABASE_URL and a real issuer the app writes nothing but to /tmp, so it runs with a
# read-only root filesystem (`docker run --read-only --tmpfs /tmp`; the generated Kubernetes
# manifests mount an emptyDir there). OS packages are patched at build time; rebuild the image
# to pick up new patches.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=3000
RUN apt-get update && apt-get upgrade -y --no-install-recommends && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The auth folder exists in the image, owned by the runtime user: a named volume mounted there
# (docker-compose.yml's seams-auth) starts as a copy of it, writable, instead of a root-owned
# mount point the app cannot write its development key to.
RUN mkdir -p /app/.data/auth && chown -R node:node /app/.data && chmod 700 /app/.data/auth
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages/kernel/package.json ./packages/kernel/
COPY --from=build /app/packages/kernel/dist ./packages/kernel/dist
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
