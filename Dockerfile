# syntax=docker/dockerfile:1.7
# onboarder: build with the full toolchain, run on a slim Node 24 LTS image
# as a non-root user with only production dependencies.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ONBOARDER_LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root desired-state ./desired-state
COPY --chown=root:root schema ./schema
# The `node` user (uid 1000) of the base image; the code is root-owned and read-only to it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/cli.js"]
# In Kubernetes the args are `run /git/desired-state` next to a git-sync sidecar (deploy/).
CMD ["demo"]
