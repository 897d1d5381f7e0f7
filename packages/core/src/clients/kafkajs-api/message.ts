import { outgoingHeaderRecord } from '../../headers/outgoing-headers.js';
import type { OutgoingFacts } from '../../pipeline/message-path.js';
import type { OutgoingCarry } from '../../pipeline/outgoing.js';
import type { KjsHeaders, KjsMessage } from './types.js';

/** The facts the span helpers need about an outgoing KafkaJS-API message. */
export function outgoingFacts(topic: string, message: KjsMessage): OutgoingFacts<KjsMessage['value']> {
  return { topic, partition: message.partition, key: message.key, value: message.value, headers: message.headers };
}

/**
 * A copy of `message` carrying the context: new headers object, possibly a new value. The caller's
 * message and headers are never modified, so re-sending the same object stays correct.
 */
export function carriedMessage<M extends KjsMessage>(message: M, carry: OutgoingCarry<KjsMessage['value']>, owned: readonly string[]): M {
  const headers = outgoingHeaderRecord(message.headers, carry, owned);
  const out: M = { ...message, value: carry.value };
  if (headers === undefined) delete out.headers;
  // Only the caller's own values and strings are in the copy, so it is still the client's shape.
  else out.headers = headers as KjsHeaders;
  return out;
}
