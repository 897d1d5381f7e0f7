#!/usr/bin/env bash
# `pnpm bench:lines [--lanes A,B] [--messages N] [--repeat N] [--smoke] [--out DIR]`: bench part 8
# (what a service runs, every client) on several lanes side by side, interleaved, through one
# broker (bench/lines.ts); default lanes: every lane of scripts/lane.sh. Prepares and builds each
# lane, starts a broker unless KAFKA_BROKERS is set. Writes DIR/benchmarks.lines.json (default docs/).
# `pnpm bench:lines --pool A.json,B.json [--out DIR]` runs nothing: it reports earlier runs together.
set -euo pipefail
cd "$(dirname "$0")/.."
lanes=$(bash scripts/lane.sh list | awk '{print $1}' | paste -sd, -)
args=()
pool=
while [ $# -gt 0 ]; do
  case "$1" in
    --lanes) lanes=$2; shift 2 ;;
    --out) args+=(--out "$(cd "$2" && pwd)"); shift 2 ;;
    --pool) pool=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ " ${args[*]-} " == *" --out "* ]] || args+=(--out "$PWD/docs")
if [ -n "${pool:-}" ]; then
  bash scripts/node-line.sh exec default -- node scripts/build-bench.mjs
  exec bash scripts/node-line.sh exec default -- node bench/dist/lines.js --pool "$pool" "${args[@]}"
fi
runners=()
for lane in ${lanes//,/ }; do
  bash scripts/lane.sh prepare "$lane"
  bash scripts/lane.sh run "$lane" -- node scripts/build-bench.mjs
  node_dir=$(bash scripts/node-line.sh dir "$(bash scripts/lane.sh list | awk -v n="$lane" '$1 == n {print $2}')")
  runners+=(--lane "$lane=$node_dir/bin/node:$(bash scripts/lane.sh dir "$lane")")
done
run=(bash scripts/node-line.sh exec default -- node bench/dist/lines.js "${runners[@]}" "${args[@]}")
if [ -n "${KAFKA_BROKERS:-}" ]; then exec "${run[@]}"; fi
exec bash scripts/kafka.sh run -- "${run[@]}"
