import { ROOT_CONTEXT, type Attributes } from '@opentelemetry/api';
import { AlwaysOffSampler, TracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { spanStart } from './creation-attributes.js';
import { setMessagingSemconvModeForTesting } from './semconv-stability.js';
import { startProducerSpan } from './spans.js';

const identity = { clientId: 'c', serverAddress: '127.0.0.1', serverPort: 9092, groupId: 'g' };
const facts = { topic: 'orders', partition: 3, offset: '42', key: Buffer.from('k'), value: Buffer.from('xyz') };

describe('spanStart', () => {
  it('holds the sampling-relevant attributes of the messaging conventions and the client id, once per client, operation, topic and partition', () => {
    const start = spanStart('process', 'orders', 3, identity);
    expect(start).toBe(spanStart('process', 'orders', 3, identity));
    expect(start).not.toBe(spanStart('process', 'orders', 4, identity));
    expect(start).not.toBe(spanStart('process', 'orders', 3, { ...identity }));
    expect(Object.isFrozen(start.attributes)).toBe(true);
    expect(start).toEqual({
      name: 'process orders',
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'orders',
        'messaging.destination.partition.id': '3',
        'messaging.consumer.group.name': 'g',
        'messaging.client.id': 'c',
        'server.address': '127.0.0.1',
        'server.port': 9092,
      },
    });
    // No partition chosen (the partitioner's), no consumer group on a producer span.
    expect(spanStart('send', 'orders', null, identity).attributes).not.toHaveProperty('messaging.destination.partition.id');
    expect(spanStart('send', 'orders', null, identity).attributes).not.toHaveProperty('messaging.consumer.group.name');
    expect(spanStart('create', 'orders', undefined, identity).attributes['messaging.operation.type']).toBe('create');
  });

  it('a sampler sees them at creation; a recording span also gets the per-message attributes, a sampled-out one is not given them', () => {
    const seen: Attributes[] = [];
    const sampler: Sampler = { shouldSample: (_c, _t, _n, _k, attributes) => (seen.push(attributes), { decision: SamplingDecision.RECORD_AND_SAMPLED }), toString: () => 'recording' };
    const exporter = new InMemorySpanExporter();
    const tracer = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('t');
    startProducerSpan(tracer, 'send', facts, identity, ROOT_CONTEXT).end();
    expect(seen[0]).toMatchObject({ 'messaging.destination.name': 'orders', 'messaging.destination.partition.id': '3', 'messaging.operation.name': 'send' });
    expect(exporter.getFinishedSpans()[0]!.attributes).toMatchObject({ 'messaging.kafka.offset': 42, 'messaging.kafka.message.key': 'k', 'messaging.message.body.size': 3 });
    const off = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('t');
    const span = startProducerSpan(off, 'send', facts, identity, ROOT_CONTEXT);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(0);
  });
});

describe('spanStart in each messaging mode (OTEL_SEMCONV_STABILITY_OPT_IN)', () => {
  afterEach(() => setMessagingSemconvModeForTesting(undefined));
  const common = ['messaging.client.id', 'messaging.consumer.group.name', 'messaging.destination.name', 'messaging.destination.partition.id', 'messaging.operation.name', 'messaging.operation.type', 'server.address', 'server.port'];

  it.each([
    ['old', ['messaging.system']],
    ['new', ['messaging.system.name']],
    ['dup', ['messaging.system', 'messaging.system.name']],
  ] as const)('%s: the system under %j, in the set built for the mode', (mode, system) => {
    // The same client, topic and partition as the tests above, under the default mode: the set cached then is not reused.
    setMessagingSemconvModeForTesting(mode);
    const start = spanStart('process', 'orders', 3, identity);
    expect(Object.keys(start.attributes).sort()).toEqual([...common, ...system].sort());
    for (const name of system) expect(start.attributes[name]).toBe('kafka');
    expect(spanStart('process', 'orders', 3, identity)).toBe(start);
  });
});
