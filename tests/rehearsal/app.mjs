// The ESM side of the publish rehearsal: the packages' ESM builds, as an application imports them.
import * as api from '@opentelemetry/api';
import * as hooks from '@opentelemetry/context-async-hooks';
import * as core from '@opentelemetry/core';
import * as sdk from '@opentelemetry/sdk-trace';
import * as kafkajs from '@tracecarrier/kafkajs';
import * as rdkafka from '@tracecarrier/node-rdkafka';
import * as confluent from '@tracecarrier/confluent-kafka-javascript';
import * as platformatic from '@tracecarrier/platformatic-kafka';
import { Kafka } from 'kafkajs';
import cases from './cases.cjs';

const { results, propagatorExtracts } = await cases.run({ tc: { kafkajs, rdkafka, confluent, platformatic }, clients: { Kafka }, otel: { api, sdk, hooks, core }, brokers: process.env.KAFKA_BROKERS.split(','), format: 'esm' });
console.log(JSON.stringify({ format: 'esm', resolved: import.meta.resolve('@tracecarrier/core'), results, propagatorExtracts }));
process.exit(0);
