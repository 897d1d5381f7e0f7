import type { MeterProvider, Span, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { z } from 'zod';
import type { Carrier } from './carriers/carrier.js';
import type { PayloadEncoding } from './carriers/payload.js';
import type { DiagnosticHook } from './diagnostics.js';
import { TracecarrierError } from './errors.js';
import type { ConsumerMode, EnvelopeFormat, ProducerMode } from './pipeline/modes.js';
import type { BaggagePolicy } from './propagation/context-limits.js';
import type { Relationship } from './spans/spans.js';

/**
 * Settings of the built-in envelopes that `mode` chooses. With `carriers`, configure each carrier
 * itself instead (`jsonEnvelope({ payloadEncoding })`, `cloudEventsStructured({ type })`).
 */
export interface EnvelopeOptions {
  /** The format producers write: `json` (default) or `cloudevents`. Consumers read both. */
  readonly format?: EnvelopeFormat;
  /** How payloads embed (see {@link PayloadEncoding}). Default `auto`. */
  readonly payloadEncoding?: PayloadEncoding;
  /** CloudEvents `source`. Default `/tracecarrier/kafka/<topic>`. */
  readonly cloudEventsSource?: string;
  /** CloudEvents `type`. Default `dev.tracecarrier.message`. */
  readonly cloudEventsType?: string;
}

/** Bounds on what is parsed from each incoming message (see `docs/security.md`). */
export interface LimitOptions {
  /** Largest propagation header value read, in bytes; larger ones are ignored and reported. Default 16 KiB. */
  readonly maxHeaderBytes?: number;
  /** Largest envelope parsed, in bytes; larger values pass through untouched. Default 16 MiB. */
  readonly maxEnvelopeBytes?: number;
  /** Largest span of envelope members before the payload, in bytes. Default 64 KiB. */
  readonly maxContextBytes?: number;
}



/** Options every wrapper accepts. */
export interface CommonOptions {
  /** Propagator to use. Default: the globally registered one (`propagation` API). */
  readonly propagator?: TextMapPropagator;
  /** Tracer provider for the SDK's spans. Default: the global one. */
  readonly tracerProvider?: TracerProvider;
  /**
   * Meter provider for the messaging metrics (`messaging.client.operation.duration`,
   * `messaging.client.sent.messages`, `messaging.client.consumed.messages`,
   * `messaging.process.duration`). Default: the global one, read when the client is created; with
   * none registered, no metric is measured and nothing is spent on them.
   */
  readonly meterProvider?: MeterProvider;
  /** Receives every diagnostic (malformed context, broken envelope, throwing hook). Default: none (still logged via `diag`). */
  readonly onDiagnostic?: DiagnosticHook;
  /** Envelope settings. */
  readonly envelope?: EnvelopeOptions;
  /** Parse limits. */
  readonly limits?: LimitOptions;
}

/** Producer-side options, generic over the binding's per-message hook info. */
export interface ProducerOptions<HookInfo> extends CommonOptions {
  /** Where the context travels, as a shorthand for `carriers`. Default `headers`. */
  readonly mode?: ProducerMode;
  /**
   * The carriers that write the context, in order (at most one may write the value). Replaces
   * `mode` and `envelope`. Default: what `mode` stands for (`[headersCarrier()]`).
   */
  readonly carriers?: readonly Carrier[];
  /** Called for each producer span before the message is sent, to add attributes. Throwing is reported, not propagated. */
  readonly producerHook?: (span: Span, info: HookInfo) => void;
}

/** Consumer-side options, generic over the binding's per-message hook info. */
export interface ConsumerOptions<HookInfo> extends CommonOptions {
  /** Where the context is looked for, as a shorthand for `carriers`. Default `auto`. */
  readonly mode?: ConsumerMode;
  /**
   * The carriers that read the context, in the order they are tried: the first that gives a valid
   * span context wins, the first that unwraps the value gives the handler's value. Replaces `mode`.
   * Default: what `mode` stands for (`auto`: headers, CloudEvents binary, JSON envelope, CloudEvents
   * structured).
   */
  readonly carriers?: readonly Carrier[];
  /** How the process span relates to the producer span. Default `parent`. */
  readonly relationship?: Relationship;
  /** Called for each process span before the handler runs, to add attributes. Throwing is reported, not propagated. */
  readonly consumerHook?: (span: Span, info: HookInfo) => void;
  /** What to keep of the message's baggage. Default `keep`. */
  readonly baggage?: BaggagePolicy;
}

const fn = (name: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', `${name} must be a function`);
const objectWith = (name: string, methods: readonly string[]) =>
  z.custom<object>(
    (value) => typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    `${name} must be an object with ${methods.join(', ')} methods`,
  );

const positiveInt = z.number({ error: 'expected a positive integer (bytes)' }).int({ error: 'expected a positive integer (bytes)' }).positive({ error: 'expected a positive integer (bytes)' });
const nonEmpty = z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });

/** Schema of {@link EnvelopeOptions}; unknown keys are rejected so typos fail loudly. */
export const envelopeOptionsSchema: z.ZodType = z.strictObject(
  {
    format: z.enum(['json', 'cloudevents']).optional(),
    payloadEncoding: z.enum(['auto', 'json', 'binary']).optional(),
    cloudEventsSource: nonEmpty.optional(),
    cloudEventsType: nonEmpty.optional(),
  },
  { error: 'expected an object { format?, payloadEncoding?, cloudEventsSource?, cloudEventsType? }' },
);

/** Schema of {@link LimitOptions}. */
export const limitOptionsSchema: z.ZodType = z.strictObject(
  {
    maxHeaderBytes: positiveInt.optional(),
    maxEnvelopeBytes: positiveInt.optional(),
    maxContextBytes: positiveInt.optional(),
  },
  { error: 'expected an object { maxHeaderBytes?, maxEnvelopeBytes?, maxContextBytes? } of byte counts' },
);

const commonShape = {
  propagator: objectWith('propagator', ['inject', 'extract', 'fields']).optional(),
  tracerProvider: objectWith('tracerProvider', ['getTracer']).optional(),
  meterProvider: objectWith('meterProvider', ['getMeter']).optional(),
  onDiagnostic: fn('onDiagnostic').optional(),
  envelope: envelopeOptionsSchema.optional(),
  limits: limitOptionsSchema.optional(),
};

const carrierSchema = z.custom<Carrier>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Carrier).name === 'string' &&
    (value as Carrier).name !== '' &&
    ['headers', 'value', 'headers+value'].includes((value as Carrier).placement) &&
    ['inject', 'detect', 'extract'].every((method) => typeof (value as unknown as Record<string, unknown>)[method] === 'function'),
  'a carrier must be an object with a non-empty name, a placement of "headers", "value" or "headers+value", and inject, detect and extract methods',
);

const carriersSchema = z
  .array(carrierSchema, { error: 'expected an array of carriers, e.g. [headersCarrier(), jsonEnvelope()]' })
  .min(1, 'carriers must name at least one carrier')
  .superRefine((carriers, ctx) => {
    const names = carriers.map((carrier) => carrier.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated !== undefined) ctx.addIssue({ code: 'custom', message: `carrier names must be unique; "${repeated}" appears twice` });
  });

/** Schema of {@link ProducerOptions} (each option alone; how they combine is checked by {@link checkProducerCombination}). */
export const producerOptionsSchema: z.ZodType = z.strictObject(
  {
    ...commonShape,
    mode: z.enum(['headers', 'envelope', 'both']).optional(),
    carriers: carriersSchema
      .refine((carriers) => carriers.filter((carrier) => carrier.placement !== 'headers').length <= 1, 'at most one carrier may write the value (two would nest envelopes)')
      .optional(),
    producerHook: fn('producerHook').optional(),
  },
  { error: 'expected an object of producer options' },
);

/** Schema of {@link ConsumerOptions} (each option alone; how they combine is checked by {@link checkConsumerCombination}). */
export const consumerOptionsSchema: z.ZodType = z.strictObject(
  {
    ...commonShape,
    mode: z.enum(['auto', 'headers', 'envelope']).optional(),
    carriers: carriersSchema.optional(),
    relationship: z.enum(['parent', 'link', 'ignore']).optional(),
    baggage: z.union([z.enum(['keep', 'drop']), z.strictObject({ allow: z.array(z.string()) })], { error: 'expected "keep", "drop" or { allow: string[] }' }).optional(),
    consumerHook: fn('consumerHook').optional(),
  },
  { error: 'expected an object of consumer options' },
);

/** Schema of options split by side, as `TracedKafka` and `createMessagePropagator` take them. */
export const sideOptionsSchema: z.ZodType = z.strictObject(
  { producer: producerOptionsSchema.optional(), consumer: consumerOptionsSchema.optional() },
  { error: 'expected an object { producer?, consumer? }' },
);

function contradiction(scope: string, path: string, message: string): never {
  throw new TracecarrierError('invalid-options', `Invalid tracecarrier options: ${scope}.${path}: ${message}`, { path: `${scope}.${path}` });
}

/**
 * Checks that a producer's options agree with each other (after defaults and overrides are merged):
 * `carriers` replaces `mode` and `envelope`; `envelope` settings need an envelope-writing `mode`.
 */
export function checkProducerCombination(options: { carriers?: unknown; mode?: unknown; envelope?: unknown }, scope: string): void {
  if (options.carriers !== undefined) {
    if (options.mode !== undefined) contradiction(scope, 'mode', 'give either mode or carriers, not both (carriers replaces mode)');
    if (options.envelope !== undefined) contradiction(scope, 'envelope', 'envelope settings configure the envelope that mode chooses; with carriers, configure each carrier instead (e.g. jsonEnvelope({ payloadEncoding }))');
  } else if (options.envelope !== undefined && (options.mode === undefined || options.mode === 'headers')) {
    contradiction(scope, 'envelope', `envelope settings apply only to a producer that writes an envelope, and mode is ${options.mode === undefined ? "'headers' (the default)" : "'headers'"}: set mode: 'envelope' (or 'both'), or remove envelope`);
  }
}

/**
 * The consumer twin of {@link checkProducerCombination}: `carriers` replaces `mode` and `envelope`,
 * and of the envelope settings only `cloudEventsType` means something to a consumer (consumers read
 * every envelope format, whatever producers chose).
 */
export function checkConsumerCombination(options: { carriers?: unknown; mode?: unknown; envelope?: Record<string, unknown> }, scope: string): void {
  if (options.carriers !== undefined) {
    if (options.mode !== undefined) contradiction(scope, 'mode', 'give either mode or carriers, not both (carriers replaces mode)');
    if (options.envelope !== undefined) contradiction(scope, 'envelope', 'envelope settings configure the envelopes that mode chooses; with carriers, configure each carrier instead (e.g. cloudEventsStructured({ type }))');
  }
  for (const key of ['format', 'payloadEncoding', 'cloudEventsSource']) {
    if (options.envelope?.[key] !== undefined) contradiction(scope, `envelope.${key}`, `consumers read every envelope format whatever producers write; envelope.${key} applies to producers only (only cloudEventsType means something to a consumer)`);
  }
}

/**
 * Validates `options` against `schema`, or throws a {@link TracecarrierError} (`invalid-options`)
 * naming each offending option (as `scope.path`), what was received, and what is allowed.
 */
export function validateOptions(schema: z.ZodType, options: unknown, scope: string): void {
  const result = schema.safeParse(options ?? {});
  if (result.success) return;
  const first = result.error.issues[0];
  const describe = (issue: z.core.$ZodIssue): string => {
    const path = [scope, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      return `${path}: unknown option(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`;
    }
    return `${path}: ${issue.message}, received ${received(valueAt(options, issue.path))}`;
  };
  const path = first === undefined ? scope : [scope, ...first.path.map(String)].join('.');
  throw new TracecarrierError('invalid-options', `Invalid tracecarrier options: ${result.error.issues.map(describe).join('; ')}`, {
    path,
    cause: result.error,
  });
}

function received(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}

/** The option names an object schema accepts at `path`, to list beside an unknown one. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of [...path, undefined]) {
    while (current instanceof z.ZodOptional) current = current.unwrap();
    if (!(current instanceof z.ZodObject)) return [];
    if (key === undefined) return Object.keys(current.shape);
    current = (current.shape as Record<string, unknown>)[String(key)];
  }
  return [];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}
