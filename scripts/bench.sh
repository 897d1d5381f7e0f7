#!/usr/bin/env bash
# `pnpm bench [--lane NAME | --node N] [--smoke] [--out DIR] [--only PARTS] [--repeat N]`: builds the
# packages (the bench measures what users install), starts a real Kafka broker unless KAFKA_BROKERS
# is set, and runs bench/run.ts. It runs on a lane of scripts/lane.sh (a Node line with an SDK
# line): the default lane unless `--lane node22-sdk2` or `--node 22` (the lane of that Node line)
# says otherwise. Every other option goes to bench/run.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
lane=$(bash scripts/lane.sh list | awk 'NR == 1 {print $1}')
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --lane) lane=$2; shift 2 ;;
    --node) lane=$(bash scripts/lane.sh list | awk -v n="$2" '$2 == n {print $1; exit}'); [ -n "$lane" ] || { echo "bench: no lane runs Node $2" >&2; exit 2; }; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
bash scripts/lane.sh prepare "$lane"
bash scripts/lane.sh run "$lane" -- pnpm build >/dev/null
bash scripts/lane.sh run "$lane" -- node scripts/build-bench.mjs
echo "[bench] lane $lane: $(bash scripts/lane.sh describe "$lane")" >&2
# --out relative to the repository, wherever the lane's workspace is.
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = --out ] && [[ "${args[$((i + 1))]}" != /* ]]; then args[$((i + 1))]="$PWD/${args[$((i + 1))]}"; fi
done
[[ " ${args[*]-} " == *" --out "* ]] || args+=(--out "$PWD/docs")
if [ -n "${KAFKA_BROKERS:-}" ]; then
  exec bash scripts/lane.sh run "$lane" -- node bench/dist/run.js "${args[@]}"
fi
exec bash scripts/kafka.sh run -- bash scripts/lane.sh run "$lane" -- node bench/dist/run.js "${args[@]}"
