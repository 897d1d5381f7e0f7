import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setMessagingSemconvModeForTesting } from './semconv-stability.js';
import { TRANSACTION_ATTRIBUTES, TransactionSpans } from './transaction.js';

const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');
const identity = { clientId: 'c', serverAddress: 'broker', serverPort: 9092 };

const message = () => {
  const span = tracer.startSpan('send t');
  span.end();
  return span;
};
const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

describe('TransactionSpans', () => {
  beforeEach(() => exporter.reset());

  it('a commit: CLIENT span under the active context, linked to each message, outcome once confirmed', () => {
    const transaction = new TransactionSpans(tracer, identity, 'tx-1');
    const sent = [message(), message()];
    for (const span of sent) transaction.add(span);
    const parent = tracer.startSpan('process in');
    transaction.end('commit', trace.setSpan(ROOT_CONTEXT, parent))();
    const [commit] = named('commit_transaction');
    expect(commit!.kind).toBe(SpanKind.CLIENT);
    expect(commit!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(commit!.links.map((link) => link.context.spanId)).toEqual(sent.map((span) => span.spanContext().spanId));
    expect(commit!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'commit_transaction',
      'messaging.batch.message_count': 2,
      'messaging.client.id': 'c',
      'server.address': 'broker',
      'server.port': 9092,
      [TRANSACTION_ATTRIBUTES.id]: 'tx-1',
      [TRANSACTION_ATTRIBUTES.outcome]: 'committed',
    });
    expect(transaction.messageCount).toBe(0);
  });

  it('a failed commit is an ERROR span without outcome, and the abort that follows still links the messages', () => {
    const transaction = new TransactionSpans(tracer, identity);
    const sent = message();
    transaction.add(sent);
    transaction.end('commit', ROOT_CONTEXT)(Object.assign(new Error('fenced'), { type: 'PRODUCER_FENCED' }));
    const [commit] = named('commit_transaction');
    expect(commit!.status.code).toBe(SpanStatusCode.ERROR);
    expect(commit!.attributes['error.type']).toBe('PRODUCER_FENCED');
    expect(commit!.attributes[TRANSACTION_ATTRIBUTES.outcome]).toBeUndefined();
    transaction.end('abort', ROOT_CONTEXT)();
    const [abort] = named('abort_transaction');
    expect(abort!.links.map((link) => link.context.spanId)).toEqual([sent.spanContext().spanId]);
    expect(abort!.attributes[TRANSACTION_ATTRIBUTES.outcome]).toBe('aborted');
    expect(abort!.attributes[TRANSACTION_ATTRIBUTES.id]).toBeUndefined();
    // The next transaction starts empty.
    transaction.end('commit', ROOT_CONTEXT)();
    expect(named('commit_transaction')[1]!.links).toEqual([]);
  });

  it('counts every message but keeps at most 128 links, and none to spans that are not sampled', () => {
    const transaction = new TransactionSpans(tracer, identity);
    for (let i = 0; i < 200; i++) transaction.add(message());
    const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('off').startSpan('send t');
    transaction.add(unsampled);
    transaction.end('commit', ROOT_CONTEXT)();
    const [commit] = named('commit_transaction');
    expect(commit!.links).toHaveLength(128);
    expect(commit!.attributes['messaging.batch.message_count']).toBe(201);
  });
});

describe('TransactionSpans in each messaging mode (OTEL_SEMCONV_STABILITY_OPT_IN)', () => {
  beforeEach(() => exporter.reset());
  afterEach(() => setMessagingSemconvModeForTesting(undefined));

  it.each([
    ['old', ['messaging.system']],
    ['new', ['messaging.system.name']],
    ['dup', ['messaging.system', 'messaging.system.name']],
  ] as const)('%s: the system under %j only', (mode, system) => {
    setMessagingSemconvModeForTesting(mode);
    new TransactionSpans(tracer, identity, 'tx-1').end('abort', ROOT_CONTEXT)();
    const [abort] = named('abort_transaction');
    const common = ['messaging.operation.name', 'messaging.batch.message_count', 'messaging.client.id', 'server.address', 'server.port', TRANSACTION_ATTRIBUTES.id, TRANSACTION_ATTRIBUTES.outcome];
    expect(Object.keys(abort!.attributes).sort()).toEqual([...common, ...system].sort());
    for (const name of system) expect(abort!.attributes[name]).toBe('kafka');
  });
});
