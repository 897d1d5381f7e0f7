import { withHeaderListFields, withHeaderRecordFields, type HeaderList, type HeaderRecord } from './headers-carrier.js';
import type { OutgoingCarry } from './modes.js';

/** The header a CloudEvents structured-mode value is announced with (CloudEvents Kafka binding). */
export const CONTENT_TYPE_HEADER = 'content-type';

const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze(Object.create(null));

function fieldsOf(carry: OutgoingCarry<unknown>): Readonly<Record<string, string>> {
  // The common case (no content type) reuses the propagation fields as they are.
  if (carry.contentType === undefined) return carry.headerFields ?? NO_FIELDS;
  return { ...carry.headerFields, [CONTENT_TYPE_HEADER]: carry.contentType };
}

function isEmpty(fields: Readonly<Record<string, string>>): boolean {
  for (const _key in fields) return false;
  return true;
}

/**
 * The headers (record shape) to send with a carried message: the caller's headers copied, stale
 * propagation headers removed (also in `envelope` mode, so a forwarded message cannot carry an old
 * context beside its new envelope), the new fields set. `undefined` when there is nothing to send.
 */
export function outgoingHeaderRecord(headers: HeaderRecord | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderRecord | undefined {
  const fields = fieldsOf(carry);
  if (headers === undefined && isEmpty(fields)) return undefined;
  return withHeaderRecordFields(headers, fields, owned);
}

/** The list-shape twin of {@link outgoingHeaderRecord} (node-rdkafka). */
export function outgoingHeaderList(headers: HeaderList | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderList | undefined {
  const fields = fieldsOf(carry);
  if (headers === undefined && isEmpty(fields)) return undefined;
  return withHeaderListFields(headers, fields, owned);
}
