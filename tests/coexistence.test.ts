import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, type KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { brokers, createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';

/**
 * tracecarrier next to @opentelemetry/instrumentation-kafkajs, as most services run it: NodeSDK +
 * getNodeAutoInstrumentations(), CommonJS, the built packages, the real broker
 * (tests/fixtures/coexistence-app.cjs). tracecarrier takes over the clients it wraps: exactly its
 * own spans, one context on the wire, in every mode; and the documented switch-off recipe gives the
 * same result.
 */
const suite = useKafkajsSuite();
const run = promisify(execFile);

interface AppSpan {
  readonly name: string;
  readonly kind: number;
  readonly scope: string;
  readonly scopeVersion: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly links: string[];
  readonly attributes: Record<string, unknown>;
}
interface AppResult {
  readonly patched: boolean;
  readonly spans: AppSpan[];
  readonly received: Array<{ group: string; key: string; value: string; headers: Record<string, string | string[]> }>;
}

const MODES = ['headers', 'envelope-json', 'envelope-cloudevents', 'both'] as const;
const RUNS = MODES.flatMap((mode) => [false, true].map((disabled) => ({ mode, disabled, state: disabled ? 'switched off by the recipe' : 'on', topic: randomTopic(`coexist-${mode}`) })));
const results = new Map<string, AppResult>();
const wire = new Map<string, KafkaMessage[]>();
const TRACECARRIER = '@tracecarrier/kafkajs';
const INSTRUMENTATION = '@opentelemetry/instrumentation-kafkajs';
/** The lane's own: 0.33 on SDK 3, 0.32 on SDK 2 (the version auto-instrumentations-node must load too). */
const INSTRUMENTATION_VERSION = (JSON.parse(readFileSync(new URL('../node_modules/@opentelemetry/instrumentation-kafkajs/package.json', import.meta.url), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  await createTopics(suite.admin(), RUNS.flatMap((r) => [r.topic, `${r.topic}-plain`]));
  for (const r of RUNS) {
    const { stdout } = await run(process.execPath, ['tests/fixtures/coexistence-app.cjs'], {
      env: { ...process.env, KAFKA_BROKERS: brokers().join(','), MODE: r.mode, TOPIC: r.topic, DISABLE: r.disabled ? '1' : '0', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    results.set(r.topic, JSON.parse(stdout.trim().split('\n').at(-1)!) as AppResult);
  }
  // What went on the wire in `both` mode, read here, where no instrumentation is loaded.
  for (const r of RUNS.filter((entry) => entry.mode === 'both')) {
    const reader = new Kafka(kafkaConfig('coexist-wire')).consumer({ groupId: `wire-${r.topic}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: r.topic, fromBeginning: true });
    const messages: KafkaMessage[] = [];
    await reader.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(() => messages.length === 3, 'the three messages on the wire');
    await reader.disconnect();
    wire.set(r.topic, messages);
  }
}, 600_000);

describe(`next to @opentelemetry/instrumentation-kafkajs ${INSTRUMENTATION_VERSION} (NodeSDK + auto-instrumentations, CJS)`, () => {
  it.each(RUNS)('$mode, instrumentation $state: exactly tracecarrier\'s spans per message, connected, one context on the wire', ({ mode, disabled, topic }) => {
    const result = results.get(topic)!;
    // The instrumentation is really there (its wrapper marks on kafkajs's clients) unless the recipe switched it off.
    expect(result.patched).toBe(!disabled);
    const onTopic = (span: AppSpan) => span.attributes['messaging.destination.name'] === topic;
    expect(result.spans.filter((span) => span.scope === INSTRUMENTATION && onTopic(span))).toEqual([]);
    // It still traces the clients tracecarrier does not wrap.
    const plainSpans = result.spans.filter((span) => span.scope === INSTRUMENTATION && span.attributes['messaging.destination.name'] === `${topic}-plain`);
    expect(plainSpans.length).toBe(disabled ? 0 : 1);
    for (const span of plainSpans) expect(span.scopeVersion).toBe(INSTRUMENTATION_VERSION);

    const ours = result.spans.filter((span) => span.scope === TRACECARRIER);
    const sends = ours.filter((span) => span.name === `send ${topic}`);
    expect(sends.map((span) => span.kind).sort()).toEqual([SpanKind.PRODUCER, SpanKind.CLIENT].sort());
    const single = sends.find((span) => span.kind === SpanKind.PRODUCER)!;
    const creates = ours.filter((span) => span.name === `create ${topic}`);
    expect(creates).toHaveLength(2);
    const injected: Record<string, AppSpan> = {
      single,
      m1: creates.find((span) => span.attributes['messaging.kafka.message.key'] === 'm1')!,
      m2: creates.find((span) => span.attributes['messaging.kafka.message.key'] === 'm2')!,
    };
    for (const group of ['each-message', 'each-batch']) {
      const processes = ours.filter(
        (span) => span.name === `process ${topic}` && span.attributes['messaging.consumer.group.name'] === `${topic}-${group}` && span.attributes['messaging.batch.message_count'] === undefined,
      );
      // One process span per message per consumer group, each the child of the span whose context was injected.
      expect(processes.map((span) => span.attributes['messaging.kafka.message.key']).sort()).toEqual(['m1', 'm2', 'single']);
      for (const span of processes) {
        const producer = injected[span.attributes['messaging.kafka.message.key'] as string]!;
        expect(span.traceId).toBe(producer.traceId);
        expect(span.parentSpanId).toBe(producer.spanId);
      }
      expect(result.received.filter((entry) => entry.group === group).map((entry) => entry.value).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    }
    for (const entry of result.received) {
      const producer = injected[entry.key]!;
      const expected = `00-${producer.traceId}-${producer.spanId}-01`;
      if (mode === 'headers' || mode === 'both') expect(entry.headers.traceparent).toBe(expected);
      else expect(entry.headers.traceparent).toBeUndefined();
    }
  });

  it.each(RUNS.filter((r) => r.mode === 'both'))('both, instrumentation $state: the header and the envelope carry the same context', ({ topic }) => {
    const messages = wire.get(topic)!;
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      expect(Array.isArray(message.headers!.traceparent)).toBe(false);
      expect(JSON.parse(message.value!.toString()).context.traceparent).toBe(String(message.headers!.traceparent));
    }
    expect(new Set(messages.map((message) => String(message.headers!.traceparent))).size).toBe(3);
  });
});
