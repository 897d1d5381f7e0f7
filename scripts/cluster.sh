#!/usr/bin/env bash
# A real 3-node Apache Kafka cluster on loopback for the fault tests: three KRaft nodes (each broker
# and controller), the jars of scripts/kafka.sh, distinct ports and data dirs, replication factor 3
# and min.insync.replicas 2 by default. Each node is one scripts/kafka.sh instance.
#
#   scripts/cluster.sh start            format and start the three nodes, wait until all serve
#   scripts/cluster.sh stop             stop every node (idempotent)
#   scripts/cluster.sh kill N           SIGKILL node N (1-3): a crash, not a shutdown
#   scripts/cluster.sh restart N        start node N again with its data, wait until it serves
#   scripts/cluster.sh run -- CMD...    start, run CMD with KAFKA_BROKERS (all three) and
#                                       KAFKA_CLUSTER (this script) set, always stop
#
# Environment: KAFKA_VERSION as for kafka.sh; KAFKA_CLUSTER_STATE (default .kafka-cluster);
# KAFKA_CLUSTER_PORT (default 29300: node N serves on 29300+N, its controller on 29310+N; below
# Linux's ephemeral range 32768-60999, so a client socket of an earlier lane cannot hold one).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
root=${KAFKA_CLUSTER_STATE:-$here/.kafka-cluster}
base=${KAFKA_CLUSTER_PORT:-29300}
NODES=(1 2 3)
quorum=$(for i in "${NODES[@]}"; do printf '%s@127.0.0.1:%s,' "$i" "$((base + 10 + i))"; done)
quorum=${quorum%,}
brokers=$(for i in "${NODES[@]}"; do printf '127.0.0.1:%s,' "$((base + i))"; done)
brokers=${brokers%,}

log() { echo "[cluster] $*" >&2; }

# Runs scripts/kafka.sh as node $1 (not named `node`: it would shadow Node.js in `run -- node …`).
on_node() {
  local i=$1; shift
  KAFKA_PORT=$((base + i)) KAFKA_CONTROLLER_PORT=$((base + 10 + i)) KAFKA_STATE="$root/node-$i" KAFKA_SECURITY=0 \
    KAFKA_NODE_ID=$i KAFKA_QUORUM=$quorum KAFKA_REPLICATION=3 KAFKA_HEAP=${KAFKA_HEAP:-512m} \
    KAFKA_CLUSTER_ID=$(cat "$root/cluster.id" 2>/dev/null || true) bash "$here/scripts/kafka.sh" "$@"
}

start() {
  bash "$here/scripts/kafka.sh" fetch
  stop
  rm -rf "$root"; mkdir -p "$root"
  # One cluster id for every node's storage.
  local version=${KAFKA_VERSION:-3.9.1}
  java -cp "${TRACECARRIER_CACHE:-$HOME/.cache/tracecarrier}/kafka-$version/libs/*" kafka.tools.StorageTool random-uuid >"$root/cluster.id"
  for i in "${NODES[@]}"; do on_node "$i" start --no-wait; done
  for i in "${NODES[@]}"; do on_node "$i" wait; done
  log "3 nodes serving on $brokers"
}

stop() {
  for i in "${NODES[@]}"; do [ -d "$root/node-$i" ] && on_node "$i" stop; done
  return 0
}

check_node() { case "${1:-}" in 1|2|3) ;; *) echo "usage: $0 kill|restart N (N = 1, 2 or 3)" >&2; exit 2 ;; esac; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) check_node "${2:-}"; on_node "$2" kill ;;
  restart) check_node "${2:-}"; on_node "$2" restart ;;
  run)
    shift; [ "${1:-}" = "--" ] && shift
    trap stop EXIT INT TERM
    start
    set +e
    KAFKA_BROKERS=$brokers KAFKA_CLUSTER="$here/scripts/cluster.sh" "$@"
    exit $?
    ;;
  *) echo "usage: $0 start|stop|kill N|restart N|run -- CMD..." >&2; exit 2 ;;
esac
