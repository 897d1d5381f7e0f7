#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests against a real Apache Kafka broker that
# this script fetches, starts and always stops (scripts/kafka.sh). With KAFKA_BROKERS already set,
# the integration tests use that cluster instead and no broker is started.
# A second lane runs the client suites (the matrix, CloudEvents with the Python SDK as a peer, W3C
# header rules, both bindings, bad input) against
# Apache Kafka 4.x as well, and a third lane runs the fault suites on a 3-node KRaft cluster
# (scripts/cluster.sh). Ends with one line: "N passed, N failed, N skipped" over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
# The packaging tests load the built packages as users do.
pnpm build >/dev/null || exit 1

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0

npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json" || status=1

if [ -n "${KAFKA_BROKERS:-}" ]; then
  npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json" || status=1
else
  bash scripts/kafka.sh run -- npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json" || status=1
  echo "== Kafka ${KAFKA4_VERSION:-4.1.1} lane ==" >&2
  KAFKA_VERSION=${KAFKA4_VERSION:-4.1.1} KAFKA_PORT=39192 KAFKA_CONTROLLER_PORT=39193 KAFKA_STATE="$PWD/.kafka-4" \
    bash scripts/kafka.sh run -- npx vitest run --project integration tests/matrix.test.ts tests/cloudevents.test.ts tests/python-cloudevents.test.ts tests/w3c-headers.test.ts tests/kafkajs.test.ts tests/node-rdkafka.test.ts tests/confluent.test.ts tests/bad-input.test.ts \
    --reporter=default --reporter=json --outputFile.json="$reports/integration-kafka4.json" || status=1
  # Faults on a 3-node cluster: leader failover, consumer crash, exactly-once (tests/cluster/).
  # CI size by default; CLUSTER_MESSAGES=100000 for the full run.
  echo "== 3-node cluster lane ==" >&2
  bash scripts/cluster.sh run -- npx vitest run --project cluster --reporter=default --reporter=json --outputFile.json="$reports/cluster.json" || status=1
fi

# A lane whose broker never started leaves no report: say so, the counts below would not show it.
for lane in unit integration integration-kafka4 cluster; do
  if [ -z "${KAFKA_BROKERS:-}" ] || [ "$lane" = unit ] || [ "$lane" = integration ]; then
    [ -f "$reports/$lane.json" ] || echo "lane $lane: no results (its broker or cluster did not start, see above)" >&2
  fi
done
node scripts/summary.mjs "$reports"/*.json || status=1
exit $status
