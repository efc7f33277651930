# The sample backend image (examples/sample-backend): a stateless HTTP service answering the
# gateway's $connect, $disconnect and message calls, run as the non-root `node` user. Build from the
# repository root:
#   docker build -f deploy/docker/backend.Dockerfile -t switchboard/sample-backend:0.1.0 .
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
# The workspaces the backend imports (protocol, session-store, …), built by tsc -b through its references.
COPY --from=build /src/packages ./packages
COPY --from=build /src/examples/sample-backend/package.json ./examples/sample-backend/package.json
COPY --from=build /src/examples/sample-backend/dist ./examples/sample-backend/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "examples/sample-backend/dist/main.js"]
CMD ["--port", "3000", "--host", "0.0.0.0"]
