import { describe, expect, it } from 'vitest';
import { headersCarrier } from './carriers/headers.js';
import { jsonEnvelope } from './carriers/json-envelope.js';
import { TracecarrierError } from './errors.js';
import { consumerOptionsSchema, producerOptionsSchema, validateOptions } from './options.js';
import { resolveConsumerOptions, resolveProducerOptions } from './pipeline/runtime.js';

const scope = { name: 'test', version: '0' };

function errorOf(run: () => unknown): TracecarrierError {
  try {
    run();
  } catch (error) {
    if (error instanceof TracecarrierError) return error;
    throw error;
  }
  throw new Error('expected a TracecarrierError');
}

describe('option validation', () => {
  it('accepts no options and applies the documented defaults', () => {
    const producer = resolveProducerOptions(undefined, scope);
    expect(producer.outgoing.carriers.map((carrier) => carrier.name)).toEqual(['headers']);
    const consumer = resolveConsumerOptions({}, scope);
    expect(consumer.incoming.carriers.map((carrier) => carrier.name)).toEqual(['headers', 'cloudevents-binary', 'json-envelope', 'cloudevents-structured']);
    expect(consumer.relationship).toBe('parent');
    expect(consumer.incoming.limits).toEqual({ maxHeaderBytes: 16 * 1024, maxEnvelopeBytes: 16 * 1024 * 1024, maxContextBytes: 64 * 1024 });
    expect(consumer.incoming.baggage).toBe('keep');
  });

  it('names the option, the value received and the allowed values', () => {
    const error = errorOf(() => validateOptions(consumerOptionsSchema, { mode: 'header' }, 'consumer'));
    expect(error.code).toBe('invalid-options');
    expect(error.path).toBe('consumer.mode');
    expect(error.message).toContain('consumer.mode');
    expect(error.message).toContain('"header"');
    expect(error.message).toMatch(/auto.*headers.*envelope/);
  });

  it('names nested options', () => {
    const error = errorOf(() => validateOptions(producerOptionsSchema, { envelope: { format: 'xml' } }, 'producer'));
    expect(error.path).toBe('producer.envelope.format');
    expect(error.message).toMatch(/json.*cloudevents/);
    expect(errorOf(() => validateOptions(producerOptionsSchema, { limits: { maxEnvelopeBytes: -1 } }, 'producer')).path).toBe('producer.limits.maxEnvelopeBytes');
    expect(errorOf(() => validateOptions(consumerOptionsSchema, { baggage: { allow: 'tenant' } }, 'consumer')).path).toBe('consumer.baggage');
  });

  it('rejects unknown options so a typo fails loudly', () => {
    const error = errorOf(() => validateOptions(producerOptionsSchema, { mdoe: 'envelope' }, 'producer'));
    expect(error.message).toContain('"mdoe"');
  });

  it('checks hooks and propagators by shape', () => {
    expect(errorOf(() => validateOptions(producerOptionsSchema, { producerHook: 'x' }, 'producer')).message).toContain('producerHook must be a function');
    expect(errorOf(() => validateOptions(consumerOptionsSchema, { propagator: {} }, 'consumer')).path).toBe('consumer.propagator');
    expect(errorOf(() => resolveConsumerOptions({ relationship: 'child' } as never, scope)).path).toBe('consumer.relationship');
  });

  it('turns modes into carriers', () => {
    const names = (options: object) => resolveProducerOptions(options, scope).outgoing.carriers.map((carrier) => carrier.name);
    expect(names({ mode: 'envelope' })).toEqual(['json-envelope']);
    expect(names({ mode: 'both', envelope: { format: 'cloudevents' } })).toEqual(['headers', 'cloudevents-structured']);
    expect(resolveConsumerOptions({ mode: 'envelope' }, scope).incoming.carriers.map((carrier) => carrier.name)).toEqual(['json-envelope', 'cloudevents-structured']);
  });

  it('takes user carriers, and refuses malformed ones, duplicates, two value writers and contradictions with mode', () => {
    const custom = { name: 'meta-trace', placement: 'value', inject: () => undefined, detect: () => false, extract: () => undefined } as const;
    expect(resolveProducerOptions({ carriers: [headersCarrier(), custom] }, scope).outgoing.carriers).toHaveLength(2);
    expect(errorOf(() => resolveProducerOptions({ carriers: [{ name: 'x' }] } as never, scope)).message).toMatch(/producer\.carriers\.0: a carrier must be an object/);
    expect(errorOf(() => resolveProducerOptions({ carriers: [] }, scope)).message).toContain('at least one carrier');
    expect(errorOf(() => resolveConsumerOptions({ carriers: [custom, custom] }, scope)).message).toContain('"meta-trace" appears twice');
    expect(errorOf(() => resolveProducerOptions({ carriers: [jsonEnvelope(), custom] }, scope)).message).toContain('at most one carrier may write the value');
    const both = errorOf(() => resolveProducerOptions({ mode: 'envelope', carriers: [custom] }, scope));
    expect(both.path).toBe('producer.mode');
    expect(both.message).toContain('either mode or carriers');
    expect(errorOf(() => resolveConsumerOptions({ carriers: [custom], envelope: { format: 'json' } }, scope)).message).toContain('configure each carrier instead');
  });
});
