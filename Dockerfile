# Stampflow: one image for the API and the worker (STAMPFLOW_ROLE=api|worker|all).
# In a container Temporal is external: set TEMPORAL_ADDRESS (see docker-compose.yml); the
# image carries no Temporal CLI, so `all` without TEMPORAL_ADDRESS would fail to start one.
FROM node:22-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, for layer caching. tsx is a runtime dependency (the engine runs from source).
COPY package.json package-lock.json ./
RUN npm install --omit=dev && npm cache clean --force

# Only the source the engine runs from: never `COPY . .`, which would bake ./secrets (pass
# key, service account, mTLS key) or an .env into a layer. Secrets are mounted at run time.
COPY tsconfig.json ./
COPY engine ./engine
COPY activities ./activities
COPY workflows ./workflows
COPY editor ./editor
COPY scripts ./scripts
# The editor (served at / by the API role) is built into editor/dist once, in the image.
RUN npx tsx scripts/build-editor.ts
RUN mkdir -p /app/.data && chown node:node /app/.data

ENV STAMPFLOW_ROLE=all \
    PORT=3000 \
    STAMPFLOW_DATA_DIR=/app/.data

USER node
EXPOSE 3000
CMD ["npx", "tsx", "server/main.ts"]
