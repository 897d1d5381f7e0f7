import type { OutgoingCarry } from '../pipeline/outgoing.js';
import { withHeaderListFields, withHeaderRecordFields, type HeaderList, type HeaderRecord } from './kafka-headers.js';

const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

function isEmpty(fields: Readonly<Record<string, string>>): boolean {
  for (const _key in fields) return false;
  return true;
}

/**
 * The headers (record shape) to send with a carried message: the caller's headers copied, stale
 * propagation headers removed (also when the context went in the value, so a forwarded message
 * cannot carry an old context beside its new envelope), the carriers' headers set. `undefined`
 * when there is nothing to send.
 */
export function outgoingHeaderRecord(headers: HeaderRecord | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderRecord | undefined {
  const fields = carry.headerFields ?? NO_FIELDS;
  if (headers === undefined && isEmpty(fields)) return undefined;
  return withHeaderRecordFields(headers, fields, owned);
}

/** The list-shape twin of {@link outgoingHeaderRecord} (node-rdkafka). */
export function outgoingHeaderList(headers: HeaderList | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderList | undefined {
  const fields = carry.headerFields ?? NO_FIELDS;
  if (headers === undefined && isEmpty(fields)) return undefined;
  return withHeaderListFields(headers, fields, owned);
}
