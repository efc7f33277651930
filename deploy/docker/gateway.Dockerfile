# The Switchboard gateway image: builds the workspaces, then runs `switchboard gateway` as the
# non-root `node` user. Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t switchboard/gateway:0.1.0 .
# Not built in this repository's CI: the CI machine has no Docker engine (see docs/kubernetes.md).

# The full image has python3, make and g++ for native addons (better-sqlite3 for the SQLite session store).
FROM node:20.20-bookworm AS build
WORKDIR /src
COPY . .
RUN npm ci && npx tsc -b && npm prune --omit=dev

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
COPY --from=build /src/examples/sample-backend/package.json ./examples/sample-backend/package.json
COPY --from=build /src/examples/sample-backend/dist ./examples/sample-backend/dist
COPY --from=build /src/examples/sample-backend/switchboard.yml /etc/switchboard/switchboard.yml
USER node
# 8080 client WebSockets, 8081 admin (management API, /healthz, /readyz, /metrics), 6000 KEDA external scaler (gRPC).
EXPOSE 8080 8081 6000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["gateway", "--config", "/etc/switchboard/switchboard.yml"]
