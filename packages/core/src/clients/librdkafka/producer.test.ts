import { EventEmitter } from 'node:events';
import { AlwaysOffSampler, AlwaysOnSampler, TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { setMessagingSemconvModeForTesting } from '../../spans/semconv-stability.js';
import { tracedProducerClass } from './producer.js';

/** A librdkafka-style producer that records what it was asked to produce. */
class StubProducer extends EventEmitter {
  readonly produced: unknown[][] = [];
  produce(...args: unknown[]): boolean {
    this.produced.push(args);
    return true;
  }
  beginTransaction(): void {}
  commitTransaction(): void {}
  abortTransaction(): void {}
}

const Traced = tracedProducerClass(StubProducer as never, { scope: { name: 'test', version: '0' }, library: 'stub', errorType: () => 'x' }) as unknown as new (conf: object, topicConf: object, options: object) => StubProducer & { pendingDeliveries: number };

describe('librdkafka producer: what waits for the delivery report', () => {
  it('a sampled-out send with metrics off takes no token: the caller\'s opaque goes to the client, nothing is outstanding', () => {
    const producer = new Traced({ dr_cb: true }, {}, { tracerProvider: new TracerProvider({ sampler: new AlwaysOffSampler() }) });
    const opaque = { mine: true };
    producer.produce('t', null, Buffer.from('v'), null, undefined, opaque, undefined);
    expect(producer.produced[0]![5]).toBe(opaque);
    expect(producer.pendingDeliveries).toBe(0);
    // The context still travels (sampled flag 00).
    expect(producer.produced[0]![6]).toEqual([{ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/) }]);
  });

  it('a recording send waits for its report, which ends the span and hands the caller\'s opaque back', () => {
    const exporter = new InMemorySpanExporter();
    const producer = new Traced({ dr_cb: true }, {}, { tracerProvider: new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] }) });
    const opaque = { mine: true };
    producer.produce('t', null, Buffer.from('v'), null, undefined, opaque, undefined);
    expect(producer.pendingDeliveries).toBe(1);
    const token = producer.produced[0]![5];
    const seen: unknown[] = [];
    producer.on('delivery-report', (_err: unknown, report: { opaque: unknown }) => seen.push(report.opaque));
    producer.emit('delivery-report', null, { topic: 't', partition: 0, offset: 7, opaque: token });
    expect(seen).toEqual([opaque]);
    expect(producer.pendingDeliveries).toBe(0);
    expect(exporter.getFinishedSpans()[0]!.attributes['messaging.kafka.offset']).toBe(7);
  });

  it('a sampled-out send with metrics on still waits: the duration runs to the report', () => {
    const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
    const producer = new Traced({ dr_cb: true }, {}, { tracerProvider: new TracerProvider({ sampler: new AlwaysOffSampler() }), meterProvider: new MeterProvider({ readers: [reader] }) });
    producer.produce('t', null, Buffer.from('v'), null, undefined, undefined, undefined);
    expect(producer.pendingDeliveries).toBe(1);
  });
});

describe('librdkafka producer: the delivered offset in each messaging mode (OTEL_SEMCONV_STABILITY_OPT_IN)', () => {
  afterEach(() => setMessagingSemconvModeForTesting(undefined));

  it.each([
    ['old', ['messaging.kafka.offset']],
    ['new', ['kafka.offset']],
    ['dup', ['messaging.kafka.offset', 'kafka.offset']],
  ] as const)('%s: the report\'s offset under %j only', (mode, offset) => {
    setMessagingSemconvModeForTesting(mode);
    const exporter = new InMemorySpanExporter();
    const producer = new Traced({ dr_cb: true }, {}, { tracerProvider: new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] }) });
    producer.produce('t', null, Buffer.from('v'), null, undefined, undefined, undefined);
    producer.emit('delivery-report', null, { topic: 't', partition: 0, offset: 7, opaque: producer.produced[0]![5] });
    const attributes = exporter.getFinishedSpans()[0]!.attributes;
    const renamed = ['messaging.kafka.offset', 'kafka.offset'];
    expect(renamed.filter((name) => name in attributes)).toEqual(offset);
    for (const name of offset) expect(attributes[name]).toBe(7);
  });
});
