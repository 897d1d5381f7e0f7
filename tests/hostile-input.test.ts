import { readFileSync } from 'node:fs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, type IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, type Diagnostic, type DiagnosticCode } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import { TracedConsumer } from '@tracecarrier/platformatic-kafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { CONSUMER_TOPIC_CONFIG, consumerConfig, disconnect, startFlowing } from './helpers/rdkafka.js';
import { closeAll, pltConsumerOptions } from './helpers/platformatic.js';

/** A value as the corpus file describes it (see its `$comment`). */
type ValueSpec =
  | { text: string; nest?: number }
  | { base64: string }
  | { null: true }
  | { repeat: string; bytes: number; json_string?: boolean }
  | { envelope: Record<string, string>; repeat: string; bytes: number };

interface HostileCase {
  readonly name: string;
  readonly value: ValueSpec;
  readonly headers: Array<[string, ValueSpec]>;
  readonly expect: { readonly diagnostics: DiagnosticCode[]; readonly parent: string | null; readonly value: 'same' | ValueSpec };
}

const corpus = JSON.parse(readFileSync(new URL('./fixtures/hostile-input.json', import.meta.url), 'utf8')) as { cases: HostileCase[] };
const cases = corpus.cases;

function materialise(spec: ValueSpec): Buffer | null {
  if ('null' in spec) return null;
  if ('base64' in spec) return Buffer.from(spec.base64, 'base64');
  if ('text' in spec) return Buffer.from(spec.nest === undefined ? spec.text : spec.text.replace('{{NEST}}', '['.repeat(spec.nest) + ']'.repeat(spec.nest)));
  if ('envelope' in spec) {
    const data = `"${spec.repeat.repeat(spec.bytes)}"`;
    return Buffer.from(`{"tracecarrier":1,"context":${JSON.stringify(spec.envelope)},"datalength":${data.length},"data":${data}}`);
  }
  const run = spec.repeat.repeat(spec.bytes);
  return Buffer.from(spec.json_string === true ? `"${run}"` : run);
}

function headersOf(entries: Array<[string, ValueSpec]>): IHeaders {
  const headers: IHeaders = {};
  for (const [key, spec] of entries) {
    const value = 'text' in spec ? materialise(spec)!.toString() : materialise(spec)!;
    const existing = headers[key];
    headers[key] = existing === undefined ? value : ([] as Array<string | Buffer>).concat(existing, value);
  }
  return headers;
}

const suite = useKafkajsSuite();
const topic = randomTopic('hostile');
const BINDINGS = ['kafkajs', 'node-rdkafka', 'platformatic'] as const;
type Binding = (typeof BINDINGS)[number];
const SCOPE: Record<Binding, string> = { kafkajs: '@tracecarrier/kafkajs', 'node-rdkafka': '@tracecarrier/node-rdkafka', platformatic: '@tracecarrier/platformatic-kafka' };
const received: Record<Binding, Map<number, Buffer | null>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
const diagnostics: Record<Binding, Map<number, DiagnosticCode[]>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
const offsets: number[] = [];
const spans: ReadableSpan[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const closers: Array<() => Promise<unknown>> = [];
const record = (binding: Binding) => (diagnostic: Diagnostic) => {
  const offset = Number(diagnostic.offset);
  diagnostics[binding].set(offset, [...(diagnostics[binding].get(offset) ?? []), diagnostic.code]);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  await createTopics(suite.admin(), [topic]);
  const producer = new Kafka(kafkaConfig('hostile-producer')).producer({ maxInFlightRequests: 1 });
  await producer.connect();
  for (const [index, hostile] of cases.entries()) {
    const [metadata] = await producer.send({ topic, messages: [{ key: String(index), value: materialise(hostile.value), headers: headersOf(hostile.headers) }] });
    offsets.push(Number(metadata!.baseOffset));
  }
  await producer.disconnect();

  const kafkajs = new TracedKafka(kafkaConfig('hostile-consumer'), { consumer: { onDiagnostic: record('kafkajs') } }).consumer({
    groupId: `${topic}-kj`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 16 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  await kafkajs.connect();
  closers.push(() => kafkajs.disconnect());
  await kafkajs.subscribe({ topic, fromBeginning: true });
  await kafkajs.run({ eachMessage: async ({ message }) => void received.kafkajs.set(Number(message.offset), message.value) });

  const rdkafka = new TracedKafkaConsumer(
    { ...consumerConfig('hostile-consumer', `${topic}-rd`), 'fetch.message.max.bytes': 16 * 1024 * 1024, 'fetch.max.bytes': 32 * 1024 * 1024, 'receive.message.max.bytes': 48 * 1024 * 1024 },
    CONSUMER_TOPIC_CONFIG,
    { onDiagnostic: record('node-rdkafka') },
  );
  closers.push(() => disconnect(rdkafka));
  await startFlowing(rdkafka, [topic], (message) => received['node-rdkafka'].set(message.offset, message.value));

  const platformatic = new TracedConsumer(pltConsumerOptions('hostile-consumer', `${topic}-pk`, { maxBytes: 32 * 1024 * 1024, maxBytesPerPartition: 16 * 1024 * 1024 }), { onDiagnostic: record('platformatic') });
  const stream = await platformatic.consume({ topics: [topic], mode: 'earliest' });
  closers.push(() => closeAll(stream, platformatic));
  // A tombstone's value is undefined with the client's default deserializer.
  stream.on('data', (message) => void received.platformatic.set(Number(message.offset), message.value ?? null));

  await waitFor(() => BINDINGS.every((binding) => received[binding].size === cases.length), 'every case through every consumer', 90_000);
  await waitFor(() => suite.tracing.named(`process ${topic}`).length === BINDINGS.length * cases.length, 'every process span', 10_000);
  spans.push(...suite.tracing.named(`process ${topic}`));
}, 150_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  process.off('unhandledRejection', onUnhandled);
  const lost = BINDINGS.map((binding) => cases.length - received[binding].size);
  console.log(
    `hostile input: ${cases.length} cases tried through ${BINDINGS.length} consumers; messages sent ${cases.length}, ` +
      `received ${BINDINGS.map((binding) => `${binding} ${received[binding].size}`).join(', ')}; messages lost ${lost.reduce((a, b) => a + b, 0)}; ` +
      `spans left open ${suite.tracing.openSpans()}; unhandled rejections ${unhandled.length}`,
  );
});

describe(`hostile input (${cases.length} cases from tests/fixtures/hostile-input.json), through every consumer`, () => {
  it.each(cases.map((hostile, index) => ({ ...hostile, index })))('$name', (hostile) => {
    const offset = offsets[hostile.index]!;
    const expected = hostile.expect.value === 'same' ? materialise(hostile.value) : materialise(hostile.expect.value);
    for (const binding of BINDINGS) {
      const got = received[binding].get(offset);
      if (expected === null) expect(got, binding).toBeNull();
      else expect(got?.equals(expected), `${binding}: the handler's value`).toBe(true);
      expect(diagnostics[binding].get(offset) ?? [], `${binding}: diagnostics`).toEqual(hostile.expect.diagnostics);
      const process = spans.filter((span) => span.instrumentationScope.name === SCOPE[binding] && span.attributes['messaging.kafka.offset'] === offset);
      expect(process, `${binding}: one process span`).toHaveLength(1);
      expect(parentSpanId(process[0]!) ?? null, `${binding}: parent`).toBe(hostile.expect.parent);
    }
  });

  it('left no prototype polluted, no rejection unhandled, no span open, no message lost', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(unhandled).toEqual([]);
    expect(suite.tracing.openSpans()).toBe(0);
    for (const binding of BINDINGS) expect(received[binding].size).toBe(cases.length);
  });
});
