import { describe, expect, it } from 'vitest';
import { TracecarrierError } from './errors.js';
import { consumerOptionsSchema, producerOptionsSchema, validateOptions } from './options.js';
import { resolveConsumerOptions, resolveProducerOptions } from './runtime.js';

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
    expect(producer.carrier.mode).toBe('headers');
    expect(producer.carrier.codec.format).toBe('json');
    const consumer = resolveConsumerOptions({}, scope);
    expect(consumer.carrier.mode).toBe('auto');
    expect(consumer.relationship).toBe('parent');
    expect(consumer.carrier.limits).toEqual({ maxHeaderBytes: 16 * 1024, maxEnvelopeBytes: 16 * 1024 * 1024, maxContextBytes: 64 * 1024 });
    expect(consumer.carrier.baggage).toBe('keep');
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
});
