#!/usr/bin/env bash
# The whole test suite, on every lane: a Node.js line with an OpenTelemetry SDK line
# (scripts/lane.sh, scripts/node-line.sh), each fetched, installed and built by the scripts.
#
#   node24-sdk3  the default (what a new service runs): unit tests; integration tests against a
#                real Apache Kafka 3.9 broker (including the publish rehearsal into a fresh SDK 3
#                app); the client suites and the command line on secured listeners against Apache
#                Kafka 4.x; the fault suites on a 3-node
#                KRaft cluster (scripts/cluster.sh)
#   node22-sdk2  unit tests, the type check against api 1.9, the pairing matrix, coexistence with
#                instrumentation-kafkajs 0.32, the metrics, the Python peer, the publish rehearsal
#                into a fresh SDK 2 app
#   node26-sdk3  unit tests, the pairing matrix (a traced round trip for every pair of clients and
#                every carrier), the command line
#
# The lanes share one broker, fetched, started and always stopped here (scripts/kafka.sh), with
# its secured listeners for the command line's tests (KAFKA_SECURITY=1); with KAFKA_BROKERS already
# set the integration tests use that cluster instead (the secured tests are skipped unless
# KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_BROKERS and KAFKA_SECURITY_DIR are set too), and the Kafka 4 and
# cluster lanes are skipped. `--lane NAME` (repeatable) runs only those lanes. Ports: KAFKA_PORT
# (19092; its secured listeners the port + 2 and + 3), KAFKA4_PORT (19192, likewise),
# KAFKA_CLUSTER_PORT (29300), so a second run on the same machine can keep out of the first's way.
# Ends with one line per lane and one for all suites together: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
here=$PWD

# The integration test files each lane runs (the default lane: all of them).
suite_of() {
  case "$1" in
    node22-sdk2) echo tests/matrix.test.ts tests/coexistence.test.ts tests/metrics.test.ts tests/python-cloudevents.test.ts tests/publish-rehearsal.test.ts ;;
    node26-sdk3) echo tests/matrix.test.ts tests/cli.test.ts tests/cli-security.test.ts ;;
    *) echo "" ;;
  esac
}

# logged NAME CMD…: runs CMD, its output also kept in $reports/NAME.log; when a suite leaves no report
# (its broker never started, its run crashed), summary.mjs prints that log's last lines.
logged() {
  local name=$1
  shift
  "$@" 2>&1 | tee "$reports/$name.log"
}

vitest() { # vitest LANE REPORT ARGS…: one vitest run in the lane's workspace, its JSON report kept
  local lane=$1 report=$2
  shift 2
  bash scripts/lane.sh run "$lane" -- npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$reports/$lane.$report.json"
}

# Inside the broker started below: every selected lane's integration tests against it.
if [ "${1:-}" = --integration ]; then
  reports=$2
  shift 2
  status=0
  for lane in "$@"; do
    echo "== $lane: integration ==" >&2
    # shellcheck disable=SC2046
    logged "$lane.integration" vitest "$lane" integration --project integration $(suite_of "$lane") || status=1
  done
  exit $status
fi

lanes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --lane) lanes+=("$2"); shift 2 ;;
    --lane=*) lanes+=("${1#--lane=}"); shift ;;
    *) echo "usage: scripts/test.sh [--lane NAME]…" >&2; exit 2 ;;
  esac
done
[ ${#lanes[@]} -gt 0 ] || mapfile -t lanes < <(bash scripts/lane.sh list | awk '{print $1}')
default_lane=$(bash scripts/lane.sh list | awk 'NR == 1 {print $1}')

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0

# Install and build every lane first: the native builds need the cores the tests need later.
for lane in "${lanes[@]}"; do
  bash scripts/lane.sh prepare "$lane" || { echo "lane $lane: could not be installed or built" >&2; exit 1; }
  bash scripts/lane.sh describe "$lane" >"$reports/$lane.lane"
done

for lane in "${lanes[@]}"; do
  echo "== $lane ($(cat "$reports/$lane.lane")): unit ==" >&2
  logged "$lane.unit" vitest "$lane" unit --project unit || status=1
  if [ "$lane" = node22-sdk2 ]; then
    # The published types against api 1.9's: what an SDK 2 application compiles with.
    echo "== $lane: type check against @opentelemetry/api $(bash scripts/lane.sh run "$lane" -- node -p 'JSON.parse(require("node:fs").readFileSync("node_modules/@opentelemetry/api/package.json", "utf8")).version') ==" >&2
    if bash scripts/lane.sh run "$lane" -- pnpm typecheck; then echo '{"numPassedTests":1,"numFailedTests":0,"numPendingTests":0,"numTodoTests":0,"numFailedTestSuites":0}' >"$reports/$lane.typecheck.json"
    else echo '{"numPassedTests":0,"numFailedTests":1,"numPendingTests":0,"numTodoTests":0,"numFailedTestSuites":1}' >"$reports/$lane.typecheck.json"; status=1; fi
  fi
done

if [ -n "${KAFKA_BROKERS:-}" ]; then
  bash "$0" --integration "$reports" "${lanes[@]}" || status=1
else
  # With its secured listeners (SASL_SSL, SSL with client certificates) for the command line's tests.
  KAFKA_SECURITY=1 logged integration bash scripts/kafka.sh run -- bash "$0" --integration "$reports" "${lanes[@]}" || status=1
  if printf '%s\n' "${lanes[@]}" | grep -qx "$default_lane"; then
    echo "== $default_lane: Kafka ${KAFKA4_VERSION:-4.1.1} ==" >&2
    KAFKA_VERSION=${KAFKA4_VERSION:-4.1.1} KAFKA_PORT=${KAFKA4_PORT:-19192} KAFKA_CONTROLLER_PORT=$((${KAFKA4_PORT:-19192} + 1)) KAFKA_STATE="$here/.kafka-4" KAFKA_SECURITY=1 \
      logged "$default_lane.integration-kafka4" bash scripts/kafka.sh run -- bash -c "cd '$here' && $(declare -f vitest); reports='$reports'; vitest $default_lane integration-kafka4 --project integration tests/matrix.test.ts tests/cloudevents.test.ts tests/python-cloudevents.test.ts tests/w3c-headers.test.ts tests/kafkajs.test.ts tests/node-rdkafka.test.ts tests/confluent.test.ts tests/platformatic-kafka.test.ts tests/bad-input.test.ts tests/cli-security.test.ts" || status=1
    # Faults on a 3-node cluster: leader failover, consumer crash, exactly-once (tests/cluster/).
    # CI size by default; CLUSTER_MESSAGES=100000 for the full run.
    echo "== $default_lane: 3-node cluster ==" >&2
    logged "$default_lane.cluster" bash scripts/cluster.sh run -- bash -c "cd '$here' && $(declare -f vitest); reports='$reports'; vitest $default_lane cluster --project cluster" || status=1
  fi
fi

# A suite whose broker never started, or that crashed, leaves no report: summary.mjs counts it as a failure.
expected=()
for lane in "${lanes[@]}"; do
  expected+=("$reports/$lane.unit.json" "$reports/$lane.integration.json")
  [ "$lane" = node22-sdk2 ] && expected+=("$reports/$lane.typecheck.json")
  if [ "$lane" = "$default_lane" ] && [ -z "${KAFKA_BROKERS:-}" ]; then expected+=("$reports/$lane.integration-kafka4.json" "$reports/$lane.cluster.json"); fi
done
bash scripts/node-line.sh exec default -- node scripts/summary.mjs "${expected[@]}" || status=1
exit $status
