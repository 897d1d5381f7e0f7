import { clientIdentity } from '../../spans/identity.js';
import type { ClientIdentity } from '../../spans/spans.js';

/** The librdkafka settings the span identity is read from. */
export interface IdentityConfig {
  readonly 'client.id'?: string;
  readonly 'metadata.broker.list'?: string;
  readonly 'bootstrap.servers'?: string;
  readonly 'group.id'?: string;
}

/** `messaging.client.id`, `messaging.consumer.group.name` and `server.*` from a librdkafka config. */
export function identityFromConfig(conf: IdentityConfig): ClientIdentity {
  return clientIdentity({
    clientId: conf['client.id'],
    brokers: conf['metadata.broker.list'] ?? conf['bootstrap.servers'],
    groupId: conf['group.id'],
  });
}
