import { createRequire } from 'node:module';
import RdKafka from 'node-rdkafka';
import { describe, expect, it } from 'vitest';
import { librdkafkaErrorType } from './errors.js';

// node-rdkafka's error class gives librdkafka's text for a code, as the binding passes it.
const LibrdKafkaError = createRequire(import.meta.url)('node-rdkafka/lib/error.js') as new (code: number) => { message: string };
const rdkafkaErrorType = librdkafkaErrorType({ codes: RdKafka.CODES.ERRORS as Record<string, number>, text: (code) => new LibrdKafkaError(code).message });

describe('librdkafkaErrorType', () => {
  it("names librdkafka's code", () => {
    expect(rdkafkaErrorType({ code: 3, message: 'Broker: Unknown topic or partition' })).toBe('UNKNOWN_TOPIC_OR_PART');
    expect(rdkafkaErrorType({ code: -192, message: 'Local: Message timed out' })).toBe('MSG_TIMED_OUT');
  });

  it('recovers the code node-rdkafka drops from a delivery report error (code -1, lower-cased text)', () => {
    expect(rdkafkaErrorType({ code: -1, message: 'not enough in-sync replicas' })).toBe('NOT_ENOUGH_REPLICAS');
    expect(rdkafkaErrorType({ code: -1, message: 'message size too large' })).toBe('MSG_SIZE_TOO_LARGE');
  });

  it('falls back to ERR_UNKNOWN, then to the error class', () => {
    expect(rdkafkaErrorType({ code: -1, message: 'something else' })).toBe('UNKNOWN');
    expect(rdkafkaErrorType(new TypeError('x'))).toBe('TypeError');
    expect(librdkafkaErrorType({ codes: { ERR_UNKNOWN: -1 } })({ code: -1, message: 'not enough in-sync replicas' })).toBe('UNKNOWN');
  });
});
