#!/usr/bin/env bash
# `pnpm bench [--smoke] [--out DIR]`: builds the packages (the bench measures what users install),
# starts a real Kafka broker unless KAFKA_BROKERS is set, and runs bench/run.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm build >/dev/null
if [ -n "${KAFKA_BROKERS:-}" ]; then
  exec node --import tsx bench/run.ts "$@"
fi
exec bash scripts/kafka.sh run -- node --import tsx bench/run.ts "$@"
