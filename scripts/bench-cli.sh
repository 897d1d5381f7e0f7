#!/usr/bin/env bash
# `pnpm bench:cli [--messages N] [--repeat N] [--smoke] [--out DIR]`: `tracecarrier inspect` (text
# and --json) against a plain node-rdkafka reader of the same topic, with and without the same
# extraction, each in processes of its own, interleaved (bench/cli-inspect.ts). Builds the packages
# (it times the built command line, as users install it) and the bench, starts a real Kafka broker
# unless KAFKA_BROKERS is set. Writes DIR/benchmarks.cli.json (default docs/).
# `pnpm bench:cli --pool A.json,B.json,C.json [--out DIR]` runs nothing: it reports earlier runs together.
# Time it alone: `flock /tmp/tracecarrier-bench.lock pnpm bench:cli` where others share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
pool=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) args+=(--out "$(cd "$2" && pwd)"); shift 2 ;;
    --pool) pool=$2; args+=(--pool "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ " ${args[*]-} " == *" --out "* ]] || args+=(--out "$PWD/docs")
bash scripts/node-line.sh exec default -- node scripts/build-bench.mjs
run=(bash scripts/node-line.sh exec default -- node bench/dist/cli-inspect.js "${args[@]}")
if [ -n "$pool" ]; then exec "${run[@]}"; fi
bash scripts/node-line.sh exec default -- pnpm build >/dev/null
echo "[bench:cli] Node $(bash scripts/node-line.sh exec default -- node --version)" >&2
if [ -n "${KAFKA_BROKERS:-}" ]; then exec "${run[@]}"; fi
exec bash scripts/kafka.sh run -- "${run[@]}"
