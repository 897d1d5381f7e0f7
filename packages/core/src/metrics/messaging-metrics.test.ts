import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { Attributes, Meter } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { setMessagingSemconvModeForTesting } from '../spans/semconv-stability.js';
import { MessagingMetrics } from './messaging-metrics.js';

const identity = { clientId: 'c', serverAddress: '127.0.0.1', serverPort: 9092, groupId: 'g' };

/** One collection: each metric's points by name. */
async function collect(reader: MetricReader): Promise<(name: string) => Array<{ value: number; attributes: Attributes }>> {
  const { resourceMetrics } = await reader.collect();
  const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  return (name) => (all.find((entry) => entry.descriptor.name === name)?.dataPoints ?? []).map((point) => ({ value: point.value as number, attributes: point.attributes }));
}

describe('MessagingMetrics', () => {
  it.each([AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA])('counts sent and consumed messages exactly, per attribute set, at every collection (temporality %s)', async (temporality) => {
    const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(temporality), exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = new MessagingMetrics(provider.getMeter('test'));
    for (let i = 0; i < 1000; i++) metrics.consumed({ topic: 'a', partition: i % 2, identity }, 1);
    metrics.send({ topic: 'a', identity }, 10, 0.001);
    metrics.send({ topic: 'a', identity }, 5, 0.001, 'KafkaJSError');
    const first = await collect(reader);
    const consumed = first('messaging.client.consumed.messages');
    expect(consumed.map((point) => [point.attributes['messaging.destination.partition.id'], point.value])).toEqual([['0', 500], ['1', 500]]);
    expect(consumed[0]!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'a',
      'messaging.destination.partition.id': '0',
      'messaging.consumer.group.name': 'g',
      'server.address': '127.0.0.1',
      'server.port': 9092,
    });
    const sent = first('messaging.client.sent.messages');
    expect(sent.map((point) => [point.attributes['error.type'], point.value])).toEqual([[undefined, 10], ['KafkaJSError', 5]]);
    // A second collection: cumulative totals, or the deltas since the first.
    metrics.consumed({ topic: 'a', partition: 0, identity }, 1);
    const again = (await collect(reader))('messaging.client.consumed.messages');
    const expected = temporality === AggregationTemporality.CUMULATIVE ? [['0', 501], ['1', 500]] : [['0', 1], ['1', 0]];
    expect(again.map((point) => [point.attributes['messaging.destination.partition.id'], point.value])).toEqual(expected);
    await provider.shutdown();
  });

  it('builds each attribute set once: every record of one series passes the same object', () => {
    const recorded: Attributes[] = [];
    const histogram = { record: (_: number, attributes: Attributes) => void recorded.push(attributes) };
    const meter = { createHistogram: () => histogram, createObservableCounter: () => ({ addCallback: () => undefined }) } as unknown as Meter;
    const metrics = new MessagingMetrics(meter);
    for (let i = 0; i < 3; i++) metrics.processed({ topic: 't', partition: 0, identity }, 0.001);
    metrics.processed({ topic: 't', partition: 0, identity }, 0.001, 'Error');
    expect(recorded[0]).toBe(recorded[1]);
    expect(recorded[1]).toBe(recorded[2]);
    expect(recorded[3]).not.toBe(recorded[0]);
    expect(recorded[3]!['error.type']).toBe('Error');
    expect(Object.isFrozen(recorded[0])).toBe(true);
  });
});

describe('MessagingMetrics in each messaging mode (OTEL_SEMCONV_STABILITY_OPT_IN)', () => {
  afterEach(() => setMessagingSemconvModeForTesting(undefined));

  it.each([
    ['old', ['messaging.system']],
    ['new', ['messaging.system.name']],
    ['dup', ['messaging.system', 'messaging.system.name']],
  ] as const)('%s: every metric has the system under %j only', async (mode, system) => {
    setMessagingSemconvModeForTesting(mode);
    const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = new MessagingMetrics(provider.getMeter('test'));
    metrics.send({ topic: 'a', partition: 0, identity }, 1, 0.001);
    metrics.consumed({ topic: 'a', partition: 0, identity }, 1);
    metrics.processed({ topic: 'a', partition: 0, identity }, 0.001, 'Error');
    // A mode set after the metrics were created does not change them: they keep theirs.
    setMessagingSemconvModeForTesting(mode === 'old' ? 'new' : 'old');
    metrics.send({ topic: 'b', identity }, 1, 0.001);
    const points = await collect(reader);
    const producer = ['messaging.operation.name', 'messaging.operation.type', 'messaging.destination.name', 'server.address', 'server.port'];
    const expected: Record<string, string[][]> = {
      'messaging.client.operation.duration': [[...producer, 'messaging.destination.partition.id'], producer],
      'messaging.client.sent.messages': [[...producer, 'messaging.destination.partition.id'], producer],
      'messaging.client.consumed.messages': [[...producer, 'messaging.destination.partition.id', 'messaging.consumer.group.name']],
      'messaging.process.duration': [[...producer, 'messaging.destination.partition.id', 'messaging.consumer.group.name', 'error.type']],
    };
    for (const [name, sets] of Object.entries(expected)) {
      const got = points(name);
      expect(got.map((point) => Object.keys(point.attributes).sort()), name).toEqual(sets.map((set) => [...set, ...system].sort()));
      for (const point of got) for (const key of system) expect(point.attributes[key]).toBe('kafka');
    }
    await provider.shutdown();
  });
});
