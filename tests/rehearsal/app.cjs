// The CJS side of the publish rehearsal: the packages' CJS builds, as an application requires them.
'use strict';
const api = require('@opentelemetry/api');
const hooks = require('@opentelemetry/context-async-hooks');
const core = require('@opentelemetry/core');
const sdk = require('@opentelemetry/sdk-trace');
const kafkajs = require('@tracecarrier/kafkajs');
const rdkafka = require('@tracecarrier/node-rdkafka');
const confluent = require('@tracecarrier/confluent-kafka-javascript');
const platformatic = require('@tracecarrier/platformatic-kafka');
const { Kafka } = require('kafkajs');
const cases = require('./cases.cjs');

cases.run({ tc: { kafkajs, rdkafka, confluent, platformatic }, clients: { Kafka }, otel: { api, sdk, hooks, core }, brokers: process.env.KAFKA_BROKERS.split(','), format: 'cjs' }).then(({ results, propagatorExtracts }) => {
  console.log(JSON.stringify({ format: 'cjs', resolved: require.resolve('@tracecarrier/core'), results, propagatorExtracts }));
  process.exit(0);
});
