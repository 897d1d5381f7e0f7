import type { DiagnosticCode } from '../diagnostics.js';
import type { KafkaHeaders } from '../headers/kafka-headers.js';
import type { ReadLimits } from '../limits.js';

/** A message value or key as Kafka clients hand it over: bytes, text, or absent (a tombstone's value). */
export type MessageValue = Buffer | Uint8Array | string | null | undefined;

/**
 * Where a carrier puts the context of an outgoing message.
 * - `headers`: Kafka record headers only; the value is never touched.
 * - `value`: inside the value (an envelope around the application's payload).
 * - `headers+value`: both (e.g. an envelope announced by a `content-type` header).
 *
 * A producer accepts at most one carrier that writes the value.
 */
export type CarrierPlacement = 'headers' | 'value' | 'headers+value';

/** An outgoing message as a carrier sees it. Read it; never change it: return a {@link CarrierWrite}. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: MessageValue;
  /** The value as the application gave it (`null`/`undefined` for a tombstone). */
  readonly value: MessageValue;
  /** The application's headers, in either client's shape. */
  readonly headers: KafkaHeaders | undefined;
}

/** What a carrier writes into an outgoing message. */
export interface CarrierWrite {
  /** Headers to set. A header of the same name among the application's headers is replaced. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The new value (the application's payload wrapped). Absent: the value goes out unchanged. */
  readonly value?: Uint8Array;
}

/** A received message as a carrier sees it. */
export interface IncomingMessage {
  readonly topic: string;
  readonly partition?: number | undefined;
  /** The offset as the client reports it. */
  readonly offset?: string | undefined;
  readonly key: MessageValue;
  readonly value: MessageValue;
  readonly headers: KafkaHeaders | undefined;
}

/**
 * Propagation fields found by a carrier, read by the propagator: a plain record
 * (`{ traceparent: '00-…' }`), or a getter over wherever they lie (the headers carrier reads headers
 * in place, without copying them).
 */
export type CarrierFields =
  | Readonly<Record<string, string>>
  | {
      /** The value of one field, or `undefined` when the message does not carry it. */
      readonly get: (name: string) => string | undefined;
      /** The names of the fields the message carries. */
      readonly keys: () => string[];
    };

/** What a carrier found in a received message. Every member is optional. */
export interface CarrierRead {
  /** The propagation fields (`traceparent`, `tracestate`, `baggage`, or the registered propagator's). */
  readonly fields?: CarrierFields;
  /**
   * The value to hand to the application instead of the received one: the payload taken out of an
   * envelope, byte for byte. Absent: the application gets the value as received.
   */
  readonly value?: Uint8Array;
  /**
   * What else the carrier read of the message, for the application (a CloudEvent's attributes, for
   * example); reachable with `carriedAttributes(message)` in the handler.
   */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /**
   * When the message carries several contexts that disagree (two different `traceparent` headers),
   * the carrier leaves them out of `fields` and lists each here: tracecarrier does not guess between
   * them, it starts a new trace linked to every candidate that holds a valid span context.
   */
  readonly candidates?: readonly CarrierFields[];
}

/** What tracecarrier gives a carrier with each call. */
export interface CarrierContext {
  /**
   * Reports a problem with this message (once per code and field) to the application's
   * `onDiagnostic` hook and OpenTelemetry's `diag` logger. Never throws.
   */
  readonly report: (code: DiagnosticCode, message: string, detail?: { readonly field?: string; readonly cause?: unknown }) => void;
  /** The configured parse limits: check sizes against them before parsing. */
  readonly limits: ReadLimits;
  /** The header names the propagator reads and writes (e.g. `traceparent`, `tracestate`, `baggage`). */
  readonly propagationFields: readonly string[];
}

/**
 * The plug-in point of tracecarrier: one way of carrying trace context through a Kafka message.
 * Headers, the JSON envelope and CloudEvents (structured and binary) are carriers, and so is any
 * object a user writes against this interface.
 *
 * A carrier never sees a context or a span: tracecarrier serialises the context with the registered
 * propagator into text fields (`traceparent`, …) and hands them to {@link Carrier.inject}; on the way
 * in it takes the fields from {@link Carrier.extract} back to the propagator. So every carrier works
 * with every propagator (W3C, B3, Jaeger).
 *
 * Carriers must be total on the consumer side: bad input gives `undefined` (and a report), never an
 * exception. A carrier that throws anyway is reported as `carrier-error`, and the message goes on
 * (sent with its context in headers, or handed over untouched).
 *
 * @example
 * A carrier for legacy readers that take the context from `meta.trace` in their JSON payloads
 * (the full example, with its reader, is in `docs/carriers.md`):
 * ```ts
 * import type { Carrier } from '@tracecarrier/core';
 *
 * const metaTrace: Carrier = {
 *   name: 'meta-trace',
 *   placement: 'value',
 *   inject(message, fields) {
 *     if (message.value === null || message.value === undefined) return undefined; // tombstone: headers instead
 *     const payload = Buffer.from(message.value);
 *     const meta = JSON.stringify({ trace: fields.traceparent ?? null });
 *     return { value: Buffer.concat([Buffer.from(`{"meta":${meta},"payload":`), payload, Buffer.from('}')]) };
 *   },
 *   detect: (message) => message.value != null && Buffer.from(message.value).subarray(0, 8).toString() === '{"meta":',
 *   extract(message, { report }) {
 *     const value = Buffer.from(message.value!);
 *     const start = value.indexOf('},"payload":');
 *     if (start < 0 || value.at(-1) !== 0x7d) return void report('invalid-envelope', 'not a meta.trace payload');
 *     const meta = JSON.parse(value.subarray(8, start + 1).toString()) as { trace?: unknown };
 *     return {
 *       fields: typeof meta.trace === 'string' ? { traceparent: meta.trace } : {},
 *       value: value.subarray(start + 12, value.length - 1),
 *     };
 *   },
 * };
 * ```
 */
export interface Carrier {
  /**
   * The carrier's name: what `tracecarrier.carrier` says on a process span whose context it
   * carried, and what diagnostics name. Lower case, unique among the carriers of one client.
   */
  readonly name: string;
  /** Where {@link Carrier.inject} writes. */
  readonly placement: CarrierPlacement;
  /**
   * Writes the propagation `fields` into an outgoing message. Return what to change, or `undefined`
   * to decline (a tombstone, a value the carrier must not wrap): when no carrier of a producer
   * writes, the context goes in headers, so it always travels.
   */
  inject(message: OutgoingMessage, fields: Readonly<Record<string, string>>, context: CarrierContext): CarrierWrite | undefined;
  /**
   * Whether the message claims to carry context in this carrier. Called for every received message,
   * so it must be cheap: a header lookup, a few leading bytes.
   */
  detect(message: IncomingMessage): boolean;
  /**
   * Reads a message that {@link Carrier.detect} accepted. Total: a message that cannot be read gives
   * `undefined` after a `report`, and is then handed to the application untouched.
   */
  extract(message: IncomingMessage, context: CarrierContext): CarrierRead | undefined;
}
