/**
 * @platformatic/kafka as tracecarrier uses it, structurally: a promise-or-callback `Producer` whose
 * serializers decide what form keys, values and headers take, and a `Consumer` whose `consume()`
 * gives a stream of messages (an object-mode `Readable`). The binding hands its client classes to the
 * class factories of this folder. Only what the wrappers read or call is declared.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- constructor and callback shapes of the client */

/** Headers as the client takes them: a `Map` (any key and value types its serializers accept) or a record. */
export type PltHeaders = Map<unknown, unknown> | Record<string, unknown>;

/** An outgoing message (`send`'s `messages[i]`). */
export interface PltMessageToProduce {
  topic: string;
  key?: unknown;
  value?: unknown;
  partition?: number;
  headers?: PltHeaders;
}

/** `send`'s argument. */
export interface PltSendOptions {
  messages: PltMessageToProduce[];
}

/** What a send resolves to: one offset per partition written. */
export interface PltProduceResult {
  offsets?: Array<{ topic: string; partition: number; offset: bigint }>;
}

/** A received message: headers as a `Map`, and every header in order (repeated keys kept) in `headerEntries`. */
export interface PltMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key?: unknown;
  value?: unknown;
  headers: Map<unknown, unknown>;
  headerEntries?: Array<[unknown, unknown]>;
}

/** A serializer (`serializers.value`, `.headerKey`, …): what it takes is the client's business. */
export type PltSerializer = (data?: any, ...rest: any[]) => Buffer | undefined;

/** The client options the wrappers read. */
export interface PltClientOptions {
  clientId?: string;
  /** `host:port` strings or `{ host, port }` objects. */
  bootstrapBrokers?: ReadonlyArray<string | { host: string; port: number }>;
  groupId?: string;
  transactionalId?: string;
  serializers?: Partial<Record<'key' | 'value' | 'headerKey' | 'headerValue', PltSerializer>>;
  /** A schema registry: its serializers replace `serializers`. */
  registry?: {
    /** The serializers the registry gives the producer. */
    getSerializers?: () => Partial<Record<'key' | 'value' | 'headerKey' | 'headerValue', PltSerializer>>;
  };
}

/** A producer transaction: sends (through the producer's `send`), then commit or abort. */
export interface PltTransaction {
  /** Commits the transaction. */
  commit(callback?: any): any;
  /** Aborts the transaction. */
  abort(callback?: any): any;
}

/** The members of the client's `Producer` the producer factory uses. */
export interface PltProducerBase {
  /** Sends messages (a promise without a callback). */
  send(options: any, callback?: any): any;
  /** Begins a transaction (a promise without a callback). */
  beginTransaction(options?: any, callback?: any): any;
  /** The transaction in progress, if any. */
  readonly transaction?: object | undefined;
}

/** The members of the client's `Consumer` the consumer factory uses. */
export interface PltConsumerBase {
  /** Starts a stream of messages (a promise without a callback). */
  consume(options: any, callback?: any): any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
