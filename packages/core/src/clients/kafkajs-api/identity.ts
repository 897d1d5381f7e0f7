import { clientIdentity } from '../../spans/identity.js';
import type { ClientIdentity } from '../../spans/spans.js';

/** Where a wrapped client talks to, for `messaging.client.id`, `server.address` and `server.port`. */
export interface ClientIdentityOptions {
  /** `messaging.client.id`; the bindings' `TracedKafka` fills it from the client's `clientId`. */
  readonly clientId?: string;
  /** Bootstrap brokers (`host:port`); the first gives `server.address`/`server.port`. */
  readonly brokers?: readonly string[];
}

/** Builds the span identity from the options a wrapper was given. */
export function identityOf(options: ClientIdentityOptions | undefined, groupId?: string): ClientIdentity {
  return clientIdentity({ clientId: options?.clientId, brokers: options?.brokers, groupId });
}

/** Splits binding-only identity options from the core options (core rejects unknown keys). */
export function splitIdentity<T extends ClientIdentityOptions>(options: T | undefined): { identity: ClientIdentityOptions; rest: Omit<T, 'clientId' | 'brokers'> | undefined } {
  if (options === undefined) return { identity: {}, rest: undefined };
  const { clientId, brokers, ...rest } = options;
  return {
    identity: { ...(clientId === undefined ? {} : { clientId }), ...(brokers === undefined ? {} : { brokers }) },
    rest,
  };
}
