import type { IHeaders, Message } from 'kafkajs';
import { outgoingHeaderRecord, type OutgoingCarry, type OutgoingFacts } from '@tracecarrier/core/binding';

/** The facts the span helpers need about an outgoing kafkajs message. */
export function outgoingFacts(topic: string, message: Message): OutgoingFacts<Message['value']> {
  return { topic, partition: message.partition, key: message.key, value: message.value, headers: message.headers };
}

/**
 * A copy of `message` carrying the context: new headers object, possibly a new value. The caller's
 * message and headers are never modified, so re-sending the same object stays correct.
 */
export function carriedMessage(message: Message, carry: OutgoingCarry<Message['value']>, owned: readonly string[]): Message {
  const headers = outgoingHeaderRecord(message.headers, carry, owned);
  const out: Message = { ...message, value: carry.value };
  if (headers === undefined) delete out.headers;
  // Only the caller's own values and strings are in the copy, so it is still kafkajs's shape.
  else out.headers = headers as IHeaders;
  return out;
}
