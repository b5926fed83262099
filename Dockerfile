# One image for every service of the federation: the police subgraph, the three council subgraphs,
# the gateway and the one-shot key generator. docker-compose.yml picks the entry point per service
# (`npx tsx <entry>`), so the code that runs in each container is the code that was reviewed and
# tested, run as TypeScript through tsx with no separate build step.
FROM node:20-bookworm-slim

WORKDIR /app

# NODE_ENV=production for the libraries that read it (the services set introspection and the
# landing page explicitly, so it changes no behaviour of ours); the npm settings silence update and
# funding notices that `npx` would otherwise print into every service's log.
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

# Manifests first so the dependency layer is cached until package.json / package-lock.json change.
# `npm ci` installs exactly the lock file; --omit=dev leaves out jest, typescript and the type
# packages: tsx, the only thing the services need to run TypeScript, is a runtime dependency.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The source the services run, copied directory by directory rather than `COPY . .`: that keeps
# the host's node_modules, local keys (.keys), embedded databases (.data), .git and scratch files
# out of the image without relying on a .dockerignore.
COPY tsconfig.json ./
COPY schema ./schema
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY scripts ./scripts

# Mount point of the shared key volume. Created here and owned by the unprivileged user because
# Docker initialises an empty named volume from the image directory it is mounted on (contents and
# ownership): the `keys` service, running as that user, can then write the key pairs into it.
RUN mkdir -p /keys && chown node:node /keys

# Never run as root: `node` (uid 1000) ships with the official image. The application files above
# stay owned by root, so a compromised service cannot rewrite its own code.
USER node

# The gateway's port; subgraphs listen on 4001-4005 inside the compose network only.
EXPOSE 4000

# Default: the gateway. docker-compose.yml sets the command of every service explicitly.
CMD ["npx", "tsx", "gateway/index.ts"]
