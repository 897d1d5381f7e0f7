#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests against a real Apache Kafka broker that
# this script fetches, starts and always stops (scripts/kafka.sh). With KAFKA_BROKERS already set,
# the integration tests use that cluster instead and no broker is started.
# Ends with one line: "N passed, N failed, N skipped" over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0

npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json" || status=1

if [ -n "${KAFKA_BROKERS:-}" ]; then
  npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json" || status=1
else
  bash scripts/kafka.sh run -- npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json" || status=1
fi

node scripts/summary.mjs "$reports"/*.json || status=1
exit $status
