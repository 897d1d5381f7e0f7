import type { CloudEventAttributes } from '../carriers/cloudevents.js';
import { builtAttributes } from '../carriers/lazy-attributes.js';
import type { CarriedAttributes, IncomingRead } from './incoming.js';

// Keyed by the message object the application is handed: nothing is held once it is dropped, and
// only messages whose carrier read attributes (CloudEvents) get an entry.
const carried = new WeakMap<object, CarriedAttributes>();

/**
 * The message the application is handed: the received one, or a copy with the unwrapped value.
 * What the carrier read beside the context is remembered for {@link carriedAttributes}.
 */
export function handOver<M extends { readonly value?: unknown }>(message: M, read: IncomingRead<unknown>): M {
  const handed = read.value === message.value ? message : ({ ...message, value: read.value } as M);
  if (read.attributes !== undefined) carried.set(handed, read.attributes);
  return handed;
}

/**
 * What the carrier of a received message read beside the context, and which carrier it was: for a
 * CloudEvent, its attributes. Pass the message object your handler was given; `undefined` when its
 * carrier read nothing more (plain headers, the JSON envelope).
 */
export function carriedAttributes(message: object): CarriedAttributes | undefined {
  const entry = carried.get(message);
  if (entry === undefined) return undefined;
  // Built on first use (see lazy-attributes.ts), then kept.
  const attributes = builtAttributes(entry.attributes);
  if (attributes === entry.attributes) return entry;
  const built = { carrier: entry.carrier, attributes };
  carried.set(message, built);
  return built;
}

/**
 * The attributes of the CloudEvent a received message holds (binary or structured mode, someone
 * else's or one tracecarrier created), or `undefined` when it holds none. For an event tracecarrier
 * unwrapped, the handler has the original payload and this gives the event around it; for anyone
 * else's event, the handler has the whole event and this gives its parsed attributes.
 *
 * @example
 * ```ts
 * const event = cloudEventOf(message);
 * if (event !== undefined) log.warn(event.type, event.id, event.partitionkey);
 * ```
 */
export function cloudEventOf(message: object): CloudEventAttributes | undefined {
  const entry = carriedAttributes(message);
  if (entry === undefined || (entry.carrier !== 'cloudevents-structured' && entry.carrier !== 'cloudevents-binary')) return undefined;
  return entry.attributes as CloudEventAttributes;
}
