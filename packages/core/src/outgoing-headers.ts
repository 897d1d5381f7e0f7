import { withHeaderListFields, withHeaderRecordFields, type HeaderList, type HeaderRecord } from './headers-carrier.js';
import type { OutgoingCarry } from './modes.js';

/** The header a CloudEvents structured-mode value is announced with (CloudEvents Kafka binding). */
export const CONTENT_TYPE_HEADER = 'content-type';

function fieldsOf(carry: OutgoingCarry<unknown>): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  if (carry.headerFields !== undefined) Object.assign(fields, carry.headerFields);
  if (carry.contentType !== undefined) fields[CONTENT_TYPE_HEADER] = carry.contentType;
  return fields;
}

/**
 * The headers (record shape) to send with a carried message: the caller's headers copied, stale
 * propagation headers removed (also in `envelope` mode, so a forwarded message cannot carry an old
 * context beside its new envelope), the new fields set. `undefined` when there is nothing to send.
 */
export function outgoingHeaderRecord(headers: HeaderRecord | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderRecord | undefined {
  const fields = fieldsOf(carry);
  if (headers === undefined && Object.keys(fields).length === 0) return undefined;
  return withHeaderRecordFields(headers, fields, owned);
}

/** The list-shape twin of {@link outgoingHeaderRecord} (node-rdkafka). */
export function outgoingHeaderList(headers: HeaderList | undefined, carry: OutgoingCarry<unknown>, owned: readonly string[]): HeaderList | undefined {
  const fields = fieldsOf(carry);
  if (headers === undefined && Object.keys(fields).length === 0) return undefined;
  return withHeaderListFields(headers, fields, owned);
}
