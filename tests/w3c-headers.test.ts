import { propagation } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Kafka, type IHeaders, type KafkaMessage } from 'kafkajs';
import type { Message } from 'node-rdkafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TracedKafka, type DiagnosticCode } from '@tracecarrier/kafkajs';
import { TracedKafkaConsumer } from '@tracecarrier/node-rdkafka';
import { TracedConsumer } from '@tracecarrier/platformatic-kafka';
import { useKafkajsSuite } from './helpers/kafkajs-suite.js';
import { createTopics, kafkaConfig, randomTopic, waitFor } from './helpers/kafka.js';
import { parentSpanId } from './helpers/otel.js';
import { CONSUMER_TOPIC_CONFIG, consumerConfig, disconnect, startFlowing } from './helpers/rdkafka.js';
import { closeAll, pltConsumerOptions } from './helpers/platformatic.js';

/**
 * W3C Trace Context and Baggage with several headers of one name, as Kafka allows, through both
 * consumers on the real broker (table-driven): tracestate and baggage headers combine in order,
 * disagreeing traceparents are not guessed between, whitespace is trimmed, empty tracestate is
 * neither used nor forwarded, and a tracestate that breaks the W3C rules (as the W3C test suite
 * has them) is discarded whole and not forwarded, the traceparent kept.
 */
const suite = useKafkajsSuite();
const topic = randomTopic('w3c');
const forwarded = randomTopic('w3c-fwd');
const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OTHER = '00-11111111111111111111111111111111-2222222222222222-01';
const members = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `bar${String(from + i).padStart(2, '0')}=${String(from + i).padStart(2, '0')}`).join(',');

interface Expect {
  readonly parent: string | null;
  readonly links: string[];
  readonly diagnostics: DiagnosticCode[];
  readonly tracestate?: string;
  readonly baggage?: string[];
}
const CASES: Array<{ name: string; headers: IHeaders; expect: Expect }> = [
  { name: 'two identical traceparent headers', headers: { traceparent: [TP, TP] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [] } },
  { name: 'two disagreeing traceparent headers', headers: { traceparent: [TP, OTHER] }, expect: { parent: null, links: ['00f067aa0ba902b7', '2222222222222222'], diagnostics: ['conflicting-header-values'] } },
  { name: 'tracestate in two headers, combined in order', headers: { traceparent: TP, tracestate: ['a=1', 'b=2'] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], tracestate: 'a=1,b=2' } },
  {
    name: 'tracestate within the limit per header, over it combined',
    headers: { traceparent: TP, tracestate: [Array.from({ length: 20 }, (_, i) => `a${i}=1`).join(','), Array.from({ length: 20 }, (_, i) => `b${i}=1`).join(',')] },
    expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' },
  },
  // The tracestate rules of the W3C test suite (test/test.py): a list is inherited whole or discarded whole.
  { name: 'tracestate keys with @ where the grammar allows it', headers: { traceparent: TP, tracestate: ['foo@=1,bar=2', 'foo@@bar=1', `t@${'v'.repeat(15)}=1`] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], tracestate: `foo@=1,bar=2,foo@@bar=1,t@${'v'.repeat(15)}=1` } },
  { name: 'a tracestate key starting with @', headers: { traceparent: TP, tracestate: '@foo=1,bar=2' }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' } },
  { name: '32 tracestate members over four headers', headers: { traceparent: TP, tracestate: [members(1, 10), members(11, 20), members(21, 30), members(31, 32)] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], tracestate: members(1, 32) } },
  { name: '33 tracestate members over four headers', headers: { traceparent: TP, tracestate: [members(1, 10), members(11, 20), members(21, 30), members(31, 33)] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' } },
  { name: 'a tracestate key of 256 characters', headers: { traceparent: TP, tracestate: ['foo=1', `${'z'.repeat(256)}=1`] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], tracestate: `foo=1,${'z'.repeat(256)}=1` } },
  { name: 'a tracestate key of 257 characters', headers: { traceparent: TP, tracestate: ['foo=1', `${'z'.repeat(257)}=1`] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' } },
  { name: 'a tracestate value with "="', headers: { traceparent: TP, tracestate: 'foo=bar=baz' }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' } },
  { name: 'an empty tracestate value beside a valid member', headers: { traceparent: TP, tracestate: 'foo=,bar=3' }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: ['context-dropped'], tracestate: '' } },
  { name: 'baggage in two headers, combined', headers: { traceparent: TP, baggage: ['tenant=acme', 'user=ada'] }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], baggage: ['tenant', 'user'] } },
  { name: 'a traceparent padded with tabs and spaces', headers: { traceparent: ` \t  ${TP}\t ` }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [] } },
  { name: 'an empty tracestate header', headers: { traceparent: TP, tracestate: '' }, expect: { parent: '00f067aa0ba902b7', links: [], diagnostics: [], tracestate: '' } },
];

const BINDINGS = ['kafkajs', 'node-rdkafka', 'platformatic'] as const;
type Binding = (typeof BINDINGS)[number];
const SCOPE: Record<Binding, string> = { kafkajs: '@tracecarrier/kafkajs', 'node-rdkafka': '@tracecarrier/node-rdkafka', platformatic: '@tracecarrier/platformatic-kafka' };
const seen: Record<Binding, Map<number, { baggage: string[]; diagnostics: DiagnosticCode[] }>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
const forwardedHeaders = new Map<string, IHeaders>();
const closers: Array<() => Promise<unknown>> = [];
const spans: ReadableSpan[] = [];

beforeAll(async () => {
  await createTopics(suite.admin(), [topic, forwarded]);
  const plain = await suite.plainProducer();
  await plain.send({ topic, messages: CASES.map((c, i) => ({ key: String(i), value: c.name, headers: c.headers })) });

  // Diagnostics are reported while a message is read, before its handler runs.
  const pending: Record<Binding, Map<number, DiagnosticCode[]>> = { kafkajs: new Map(), 'node-rdkafka': new Map(), platformatic: new Map() };
  const record = (binding: Binding, offset: number) => {
    const baggage = propagation.getActiveBaggage()?.getAllEntries().map(([key]) => key).sort() ?? [];
    seen[binding].set(offset, { baggage, diagnostics: pending[binding].get(offset) ?? [] });
  };

  // The kafkajs consumer also forwards each message through a traced producer: what it writes must follow the rules too.
  const kafka = new TracedKafka(kafkaConfig('w3c'), {
    consumer: { onDiagnostic: (d) => pending.kafkajs.set(Number(d.offset), [...(pending.kafkajs.get(Number(d.offset)) ?? []), d.code]) },
  });
  const forwarder = kafka.producer();
  await forwarder.connect();
  closers.push(() => forwarder.disconnect());
  const kj = kafka.consumer({ groupId: `w3c-kj-${topic}`, maxWaitTimeInMs: 100 });
  await kj.connect();
  closers.push(() => kj.disconnect());
  await kj.subscribe({ topic, fromBeginning: true });
  await kj.run({
    eachMessage: async ({ message }: { message: KafkaMessage }) => {
      record('kafkajs', Number(message.offset));
      await forwarder.send({ topic: forwarded, messages: [{ key: message.key, value: message.value }] });
    },
  });
  const rd = new TracedKafkaConsumer(consumerConfig('w3c', `w3c-rd-${topic}`), CONSUMER_TOPIC_CONFIG, {
    onDiagnostic: (d) => pending['node-rdkafka'].set(Number(d.offset), [...(pending['node-rdkafka'].get(Number(d.offset)) ?? []), d.code]),
  });
  closers.push(() => disconnect(rd));
  await startFlowing(rd, [topic], (message: Message) => record('node-rdkafka', message.offset));
  // @platformatic/kafka's stream: repeated headers come from its headerEntries (its headers Map keeps only the last).
  const pk = new TracedConsumer(pltConsumerOptions('w3c', `w3c-pk-${topic}`), {
    onDiagnostic: (d) => pending.platformatic.set(Number(d.offset), [...(pending.platformatic.get(Number(d.offset)) ?? []), d.code]),
  });
  const pkStream = await pk.consume({ topics: [topic], mode: 'earliest' });
  closers.push(() => closeAll(pkStream, pk));
  pkStream.on('data', (message) => record('platformatic', Number(message.offset)));
  const reader = new Kafka(kafkaConfig('w3c-reader')).consumer({ groupId: `w3c-read-${forwarded}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  closers.push(() => reader.disconnect());
  await reader.subscribe({ topic: forwarded, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void forwardedHeaders.set(message.value!.toString(), message.headers ?? {}) });

  await waitFor(() => BINDINGS.every((binding) => seen[binding].size === CASES.length) && forwardedHeaders.size === CASES.length, 'every case through every consumer', 90_000);
  await waitFor(() => suite.tracing.named(`process ${topic}`).length === BINDINGS.length * CASES.length, 'every process span', 10_000);
  spans.push(...suite.tracing.spans());
}, 180_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('several headers of one name, through every consumer', () => {
  const rows = CASES.flatMap((c, offset) => BINDINGS.map((binding) => ({ ...c, offset, binding, title: `${c.name} (${binding})` })));

  it.each(rows)('$title', ({ offset, binding, expect: expected }) => {
    const process = spans.find((span) => span.name === `process ${topic}` && span.instrumentationScope.name === SCOPE[binding] && span.attributes['messaging.kafka.offset'] === offset)!;
    expect(process).toBeDefined();
    expect(parentSpanId(process) ?? null).toBe(expected.parent);
    const candidates = process.links.filter((link) => link.attributes?.['tracecarrier.link.reason'] === 'candidate').map((link) => link.context.spanId);
    expect(candidates).toEqual(expected.links);
    if (expected.parent === null) expect(process.spanContext().traceId).not.toBe(TP.slice(3, 35));
    expect(seen[binding].get(offset)!.diagnostics).toEqual(expected.diagnostics);
    if (expected.tracestate !== undefined) expect(process.spanContext().traceState?.serialize() ?? '').toBe(expected.tracestate);
    if (expected.baggage !== undefined) expect(seen[binding].get(offset)!.baggage).toEqual(expected.baggage);
  });

  it.each(CASES)('what a traced producer forwards after "$name" follows the rules: no empty tracestate, one traceparent', (c) => {
    const headers = forwardedHeaders.get(c.name)!;
    expect(Array.isArray(headers.traceparent)).toBe(false);
    expect(String(headers.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    if (headers.tracestate !== undefined) expect(String(headers.tracestate)).not.toBe('');
    if (c.expect.tracestate) expect(String(headers.tracestate)).toBe(c.expect.tracestate);
    if (c.expect.tracestate === '') expect(headers.tracestate).toBeUndefined();
  });
});
