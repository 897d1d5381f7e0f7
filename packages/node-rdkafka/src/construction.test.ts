import { describe, expect, it } from 'vitest';
import { TracecarrierError } from '@tracecarrier/core';
import { TracedKafkaConsumer } from './consumer.js';
import { BINDING } from './binding.js';
import { TracedHighLevelProducer } from './high-level-producer.js';
import { TracedProducer } from './producer.js';

const conf = { 'metadata.broker.list': '127.0.0.1:1' };

describe('construction', () => {
  it('refuses tracecarrier options given in node-rdkafka\'s topic-config slot, saying where they go', () => {
    expect(() => new TracedKafkaConsumer({ ...conf, 'group.id': 'g' }, { mode: 'envelope' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid-options', path: 'topicConf.mode', message: expect.stringContaining('pass tracecarrier options as the third argument') }),
    );
    expect(() => new TracedProducer(conf, { carriers: [] } as never)).toThrow(TracecarrierError);
    expect(() => new TracedHighLevelProducer(conf, { onDiagnostic: () => undefined } as never)).toThrow(/"onDiagnostic" is a tracecarrier option/);
  });

  it('accepts real topic properties there', () => {
    expect(() => new TracedKafkaConsumer({ ...conf, 'group.id': 'g' }, { 'auto.offset.reset': 'earliest' })).not.toThrow();
  });
});

describe("node-rdkafka's error.type", () => {
  const rdkafkaErrorType = BINDING.errorType;
  it("names librdkafka's error codes, broker and local, and the code a delivery report loses", () => {
    expect(rdkafkaErrorType({ code: -1, message: 'not enough in-sync replicas' })).toBe('NOT_ENOUGH_REPLICAS');
    expect(rdkafkaErrorType({ code: 3, message: 'Broker: Unknown topic or partition' })).toBe('UNKNOWN_TOPIC_OR_PART');
    expect(rdkafkaErrorType({ code: -192, message: 'Local: Message timed out' })).toBe('MSG_TIMED_OUT');
    expect(rdkafkaErrorType(new TypeError('Message must be a buffer or null'))).toBe('TypeError');
  });
});
