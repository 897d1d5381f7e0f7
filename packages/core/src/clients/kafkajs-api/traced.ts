import { TracecarrierError } from '../../errors.js';

/** Marks the producers and consumers tracecarrier returns, so they are never wrapped twice (the kafkajs binding's name, kept). */
export const TRACED: unique symbol = Symbol.for('tracecarrier.kafkajs.traced') as never;

function isTraced(client: object): boolean {
  return (client as { [TRACED]?: unknown })[TRACED] === true;
}

/**
 * Checks what was passed to `traceProducer`/`traceConsumer` before anything is wrapped: a missing
 * client, another library's object, or a client that is already traced (every message would get two
 * spans) fail here, with what to do, instead of later in the message path.
 */
export function checkClient<C extends object>(client: C | undefined, fn: 'traceProducer' | 'traceConsumer', methods: readonly string[], library: string): C {
  const kind = fn === 'traceProducer' ? 'Producer (kafka.producer())' : 'Consumer (kafka.consumer({ groupId }))';
  if (typeof client !== 'object' || client === null || methods.some((method) => typeof (client as Record<string, unknown>)[method] !== 'function')) {
    throw new TracecarrierError('invalid-client', `${fn}: expected a ${library} ${kind}, got ${client === null ? 'null' : typeof client === 'object' ? 'an object without ' + methods.join('/') : typeof client}`);
  }
  if (isTraced(client)) {
    throw new TracecarrierError(
      'invalid-client',
      `${fn}: this ${fn === 'traceProducer' ? 'producer' : 'consumer'} is already traced (it comes from TracedKafka or ${fn}); wrapping it again would give every message two spans. Use it as it is, or wrap a plain ${library} client.`,
    );
  }
  return client;
}
