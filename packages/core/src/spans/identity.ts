import type { ClientIdentity } from './spans.js';

/** What a wrapper knows of its client's configuration, in either client's terms. */
export interface IdentitySource {
  readonly clientId?: string | undefined;
  /** Bootstrap brokers: a list, or a comma-separated string (librdkafka's `metadata.broker.list`). */
  readonly brokers?: readonly string[] | string | undefined;
  readonly groupId?: string | undefined;
}

/**
 * Builds the span identity (`messaging.client.id`, `messaging.consumer.group.name`, and
 * `server.address`/`server.port` from the first bootstrap broker, as the conventions ask).
 */
export function clientIdentity(source: IdentitySource): ClientIdentity {
  const list = typeof source.brokers === 'string' ? source.brokers.split(',') : (source.brokers ?? []);
  const first = list[0]?.trim().replace(/^[a-z]+:\/\//i, '');
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (first !== undefined && first !== '') {
    const colon = first.lastIndexOf(':');
    const port = colon > 0 ? Number(first.slice(colon + 1)) : Number.NaN;
    serverAddress = Number.isInteger(port) ? first.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : first;
    serverPort = Number.isInteger(port) ? port : undefined;
  }
  return { clientId: source.clientId, serverAddress, serverPort, groupId: source.groupId };
}
