#!/usr/bin/env bash
# `pnpm bench [--smoke] [--out DIR]`: builds the packages (the bench measures what users install),
# starts a real Kafka broker unless KAFKA_BROKERS is set, and runs bench/run.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm build >/dev/null
node scripts/build-bench.mjs
if [ -n "${KAFKA_BROKERS:-}" ]; then
  exec node bench/dist/run.js "$@"
fi
exec bash scripts/kafka.sh run -- node bench/dist/run.js "$@"
