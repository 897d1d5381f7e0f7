#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: the default Node.js line (scripts/node-line.sh),
# pnpm (the version in package.json) and the workspace's dependencies, the native clients built for
# that line. Safe to run again; it does nothing that is already done. Other lanes' workspaces are
# installed by scripts/lane.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/node-line.sh env default)"

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "[bootstrap] installing pnpm $want" >&2
  npm install -g "pnpm@$want" >/dev/null 2>&1 || COREPACK_INTEGRITY_KEYS=0 corepack prepare "pnpm@$want" --activate
fi

# node-gyp builds against the line's headers (npm_config_nodedir, set above); librdkafka's build
# breaks with parallel make.
# @confluentinc/kafka-javascript: its prebuilt binary and its default static build both download
# from outside the registries; a dynamic build links the bundled librdkafka to the system's libraries.
export CKJS_LINKING=${CKJS_LINKING:-dynamic}
unset MAKEFLAGS JOBS
stamp=node_modules/.tracecarrier-installed
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ] || [ package.json -nt "$stamp" ] || [ "$(cat "$stamp")" != "$(node --version)" ]; then
  echo "[bootstrap] installing dependencies for Node $(node --version)" >&2
  pnpm install --frozen-lockfile
  # A tree installed under another line keeps natives of the wrong ABI: pnpm does not rebuild them.
  if [ -f "$stamp" ] && [ "$(cut -d. -f1 "$stamp")" != "$(node --version | cut -d. -f1)" ]; then
    pnpm rebuild node-rdkafka @confluentinc/kafka-javascript
  fi
  node --version >"$stamp"
fi
