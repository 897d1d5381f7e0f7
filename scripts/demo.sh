#!/usr/bin/env bash
# The demo: Hacker News stories through Kafka, one connected trace per story, drawn in the terminal.
# Installs what it needs; runs on librdkafka's embedded mock cluster unless KAFKA_BROKERS is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec bash scripts/node-line.sh exec default -- npx tsx --conditions=tracecarrier-source demo/main.ts
