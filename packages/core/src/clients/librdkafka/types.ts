/**
 * The librdkafka-based callback API as tracecarrier uses it, structurally: node-rdkafka and the
 * node-rdkafka-compatible API of @confluentinc/kafka-javascript (its fork) both have this shape, and
 * each binding hands its client classes to the class factories of this folder.
 */
import type { InstrumentationScope } from '../../pipeline/runtime.js';

/** One header of an outgoing or received message (`MessageHeader`). */
export type RdHeader = { [key: string]: string | Buffer };

/** A received message (`Message`). */
export interface RdMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Buffer | string | null | undefined;
  value: Buffer | null;
  headers?: RdHeader[] | undefined;
}

/** A delivery report (`DeliveryReport`): where the message went, and the caller's opaque. */
export interface RdDeliveryReport {
  partition?: number;
  offset?: number | null;
  opaque?: unknown;
}

/** What a binding tells the class factories about its client library. */
export interface LibrdkafkaBinding {
  /** The instrumentation scope of the binding's spans. */
  readonly scope: InstrumentationScope;
  /** The client library's name, for error messages (`node-rdkafka`, …). */
  readonly library: string;
  /** The `error.type` of one of the library's errors (librdkafka's error code name). */
  errorType(error: unknown): string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- constructor and callback shapes of the clients */
export type { Constructor, Traced } from '../traced-class.js';

/** The members of a librdkafka `Producer` the producer factory uses. */
export interface RdProducerBase {
  /** Produces one message. */
  produce(topic: string, partition: any, message: any, key?: any, timestamp?: any, opaque?: any, headers?: any): any;
  /** Emits an event. */
  emit(event: string | symbol, ...args: any[]): boolean;
  /** Adds a listener. */
  on(event: any, listener: (...args: any[]) => void): any;
  /** Begins a transaction. */
  beginTransaction(cb: (err: any) => void): void;
  /** Commits the transaction. */
  commitTransaction(timeout: any, cb?: any): void;
  /** Aborts the transaction. */
  abortTransaction(timeout: any, cb?: any): void;
}

/** The members of a librdkafka `HighLevelProducer` the high-level factory uses. */
export interface RdHighLevelProducerBase {
  /** Sets the value serializer. */
  setValueSerializer(serializer: any): void;
}

/** The members of a librdkafka `KafkaConsumer` the consumer factory uses. */
export interface RdConsumerBase {
  /** Emits an event. */
  emit(event: string | symbol, ...args: any[]): boolean;
  /** Counts an event's listeners. */
  listenerCount(event: string | symbol): number;
  /** Starts consuming (flowing) or takes up to `number` messages. */
  consume(number?: any, cb?: any): void;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
