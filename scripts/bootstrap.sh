#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: pnpm (the version in package.json) and the
# workspace's dependencies. Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "[bootstrap] installing pnpm $want" >&2
  npm install -g "pnpm@$want" >/dev/null 2>&1 || COREPACK_INTEGRITY_KEYS=0 corepack prepare "pnpm@$want" --activate
fi

# node-gyp under pnpm needs the installed headers; librdkafka's build breaks with parallel make.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
# @confluentinc/kafka-javascript: its prebuilt binary and its default static build both download
# from outside the registries; a dynamic build links the bundled librdkafka to the system's libraries.
export CKJS_LINKING=${CKJS_LINKING:-dynamic}
unset MAKEFLAGS JOBS
stamp=node_modules/.tracecarrier-installed
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "[bootstrap] installing dependencies" >&2
  pnpm install --frozen-lockfile
  touch "$stamp"
fi
