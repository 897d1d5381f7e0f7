import { ROOT_CONTEXT, SpanKind, propagation, trace } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRead } from '../pipeline/incoming.js';
import { setSpanOffset } from './renamed-attributes.js';
import { setMessagingSemconvModeForTesting, type MessagingSemconvMode } from './semconv-stability.js';
import { endSpanWithError, errorType, messageLink, startBatchProcessSpan, startBatchSendSpan, startProcessSpan, startProducerSpan, type Relationship } from './spans.js';

const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');
const producer = { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1, isRemote: true };
const ambient = { traceId: 'cccccccccccccccccccccccccccccccc', spanId: 'dddddddddddddddd', traceFlags: 1 };
const extracted = propagation.setBaggage(trace.setSpanContext(ROOT_CONTEXT, producer), propagation.createBaggage({ k: { value: 'v' } }));
const read: IncomingRead<Buffer> = { context: extracted, hasRemoteParent: true, value: Buffer.from('x'), carrier: 'headers', unwrapped: false, attributes: undefined, candidates: undefined,
  message: { topic: 'orders', key: null, value: Buffer.from('x'), headers: undefined }, reporter: () => undefined };
const facts = { topic: 'orders', partition: 3, offset: '42', key: Buffer.from('k'), value: Buffer.from('x') };

function process(relationship: Relationship, active = ROOT_CONTEXT) {
  exporter.reset();
  const started = startProcessSpan(tracer, read, facts, { groupId: 'g', clientId: 'c' }, relationship, active);
  started.span.end();
  return { span: exporter.getFinishedSpans()[0]!, context: started.context };
}

describe('startProcessSpan', () => {
  it('parent: child of the producer span, linked to it, baggage kept', () => {
    const { span, context } = process('parent');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.name).toBe('process orders');
    expect(span.spanContext().traceId).toBe(producer.traceId);
    expect(span.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(span.links.map((link) => link.context.spanId)).toEqual([producer.spanId]);
    expect(propagation.getBaggage(context)?.getEntry('k')?.value).toBe('v');
    expect(span.attributes).toMatchObject({
      'messaging.destination.partition.id': '3',
      'messaging.kafka.offset': 42,
      'messaging.kafka.message.key': 'k',
      'messaging.consumer.group.name': 'g',
      'messaging.client.id': 'c',
      'messaging.message.body.size': 1,
    });
  });

  it('link: a new trace whose root links to the producer span', () => {
    const { span } = process('link');
    expect(span.spanContext().traceId).not.toBe(producer.traceId);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.links.map((link) => link.context.spanId)).toEqual([producer.spanId]);
  });

  it('ignore: a new trace, no link, no baggage from the message', () => {
    const { span, context } = process('ignore');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.links).toEqual([]);
    expect(propagation.getBaggage(context)).toBeUndefined();
  });

  it('links an ambient span instead of adopting it as parent', () => {
    const { span } = process('parent', trace.setSpanContext(ROOT_CONTEXT, ambient));
    expect(span.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(span.links.map((link) => [link.context.spanId, link.attributes?.['tracecarrier.link.reason']])).toEqual([
      [producer.spanId, 'producer'],
      [ambient.spanId, 'ambient'],
    ]);
  });
});

describe('span attributes in each messaging mode (OTEL_SEMCONV_STABILITY_OPT_IN)', () => {
  // The names semantic conventions 1.45 renamed, as each mode emits them.
  const RENAMED: Record<MessagingSemconvMode, { system: string[]; offset: string[]; key: string[]; tombstone: string[] }> = {
    old: { system: ['messaging.system'], offset: ['messaging.kafka.offset'], key: ['messaging.kafka.message.key'], tombstone: ['messaging.kafka.message.tombstone'] },
    new: { system: ['messaging.system.name'], offset: ['kafka.offset'], key: ['kafka.message.key'], tombstone: ['kafka.message.tombstone'] },
    dup: {
      system: ['messaging.system', 'messaging.system.name'],
      offset: ['messaging.kafka.offset', 'kafka.offset'],
      key: ['messaging.kafka.message.key', 'kafka.message.key'],
      tombstone: ['messaging.kafka.message.tombstone', 'kafka.message.tombstone'],
    },
  };
  const identity = { groupId: 'g', clientId: 'c', serverAddress: 'broker', serverPort: 9092 };
  const keys = (attributes: object | undefined) => Object.keys(attributes ?? {}).sort();
  const only = (...names: string[][]) => names.flat().sort();
  afterEach(() => setMessagingSemconvModeForTesting(undefined));

  describe.each(['old', 'new', 'dup'] as const)('%s', (mode) => {
    const names = RENAMED[mode];
    beforeEach(() => {
      exporter.reset();
      setMessagingSemconvModeForTesting(mode);
    });

    it('send span of a tombstone: system, offset, key and tombstone under the mode\'s names only', () => {
      startProducerSpan(tracer, 'send', { topic: 'orders', partition: 3, offset: 42, key: 'k', value: null }, identity, ROOT_CONTEXT).end();
      const span = exporter.getFinishedSpans()[0]!;
      expect(keys(span.attributes)).toEqual(
        only(names.system, names.offset, names.key, names.tombstone, [
          'messaging.operation.name',
          'messaging.operation.type',
          'messaging.destination.name',
          'messaging.destination.partition.id',
          'messaging.client.id',
          'server.address',
          'server.port',
          'messaging.message.body.size',
        ]),
      );
      for (const name of names.system) expect(span.attributes[name]).toBe('kafka');
      for (const name of names.offset) expect(span.attributes[name]).toBe(42);
      for (const name of names.key) expect(span.attributes[name]).toBe('k');
      for (const name of names.tombstone) expect(span.attributes[name]).toBe(true);
    });

    it('process span: system, offset and key under the mode\'s names only', () => {
      const started = startProcessSpan(tracer, read, facts, identity, 'parent', ROOT_CONTEXT);
      started.span.end();
      const span = exporter.getFinishedSpans()[0]!;
      expect(keys(span.attributes)).toEqual(
        only(names.system, names.offset, names.key, [
          'messaging.operation.name',
          'messaging.operation.type',
          'messaging.destination.name',
          'messaging.destination.partition.id',
          'messaging.consumer.group.name',
          'messaging.client.id',
          'server.address',
          'server.port',
          'messaging.message.body.size',
          'tracecarrier.carrier',
        ]),
      );
      for (const name of names.offset) expect(span.attributes[name]).toBe(42);
      for (const name of names.key) expect(span.attributes[name]).toBe('k');
    });

    it('batch send and batch process spans, and the links of a batch span: the mode\'s names only', () => {
      startBatchSendSpan(tracer, ['orders', 'orders'], [], identity, ROOT_CONTEXT).end();
      const link = messageLink(read, facts)!;
      startBatchProcessSpan(tracer, { topic: 'orders', partition: 3, count: 1 }, [link], identity, ROOT_CONTEXT).span.end();
      const [send, process] = exporter.getFinishedSpans();
      const batch = ['messaging.operation.name', 'messaging.operation.type', 'messaging.destination.name', 'messaging.batch.message_count', 'messaging.client.id', 'server.address', 'server.port'];
      expect(keys(send!.attributes)).toEqual(only(names.system, batch));
      expect(keys(process!.attributes)).toEqual(only(names.system, batch, ['messaging.destination.partition.id', 'messaging.consumer.group.name']));
      expect(keys(process!.links[0]!.attributes)).toEqual(only(names.offset, ['messaging.destination.name', 'messaging.destination.partition.id']));
      for (const name of names.offset) expect(process!.links[0]!.attributes![name]).toBe(42);
    });

    it('the offset set once the broker answered: under the mode\'s names only', () => {
      const span = tracer.startSpan('send orders');
      setSpanOffset(span, 7);
      span.end();
      expect(exporter.getFinishedSpans()[0]!.attributes).toEqual(Object.fromEntries(names.offset.map((name) => [name, 7])));
    });
  });
});

describe('endSpanWithError', () => {
  it('records the exception, ERROR status and error.type', () => {
    exporter.reset();
    class BrokerDown extends Error {
      override name = 'BrokerDown';
    }
    endSpanWithError(tracer.startSpan('s'), new BrokerDown('gone'));
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.status).toEqual({ code: 2, message: 'gone' });
    expect(span.attributes['error.type']).toBe('BrokerDown');
    expect(span.events[0]?.name).toBe('exception');
    expect(errorType('not an error')).toBe('_OTHER');
  });

  it('names the broker error code through retry wrappers, as semantic conventions v1.44 ask', () => {
    const protocol = Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const retries = new Error('retries exceeded', { cause: protocol });
    retries.name = 'KafkaJSNumberOfRetriesExceeded';
    expect(errorType(protocol)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorType(retries)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const connection = new Error('closed');
    connection.name = 'KafkaJSConnectionError';
    expect(errorType(new Error('wrapped', { cause: connection }))).toBe('Error');
    expect(errorType(connection)).toBe('KafkaJSConnectionError');
  });

  it("gives librdkafka's code names without their ERR_ prefix (the confluent client's KafkaJS errors)", () => {
    expect(errorType(Object.assign(new Error('too large'), { type: 'ERR_MSG_SIZE_TOO_LARGE' }))).toBe('MSG_SIZE_TOO_LARGE');
    expect(errorType(Object.assign(new Error('timed out'), { type: 'ERR__MSG_TIMED_OUT' }))).toBe('MSG_TIMED_OUT');
  });
});

describe('runInSpan', async () => {
  const { runInSpan } = await import('./run-in-span.js');
  const { context } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const started = () => {
    const span = tracer.startSpan('work');
    return { span, context: trace.setSpan(ROOT_CONTEXT, span) };
  };

  it('activates the span, ends it after a sync result or a settled promise', async () => {
    exporter.reset();
    const sync = started();
    expect(runInSpan(sync, () => trace.getSpan(context.active()) === sync.span)).toBe(true);
    const async = started();
    const pending = runInSpan(async, async () => 42);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(await pending).toBe(42);
    expect(exporter.getFinishedSpans()).toHaveLength(2);
  });

  it('records a thrown or rejected error and hands the same error back', async () => {
    exporter.reset();
    const failure = new Error('no');
    expect(() => runInSpan(started(), () => { throw failure; })).toThrow(failure);
    await expect(runInSpan(started(), async () => { throw failure; })).rejects.toBe(failure);
    expect(exporter.getFinishedSpans().map((span) => span.status.code)).toEqual([2, 2]);
  });
});
