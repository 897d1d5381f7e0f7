import type { Span, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { z } from 'zod';
import type { BaggagePolicy } from './context-limits.js';
import type { DiagnosticHook } from './diagnostics.js';
import type { EnvelopeFormat, PayloadEncoding } from './envelope.js';
import { TracecarrierError } from './errors.js';
import type { ConsumerMode, ProducerMode } from './modes.js';
import type { Relationship } from './spans.js';

/** Envelope settings shared by producers and consumers. */
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
  /** Receives every diagnostic (malformed context, broken envelope, throwing hook). Default: none (still logged via `diag`). */
  readonly onDiagnostic?: DiagnosticHook;
  /** Envelope settings. */
  readonly envelope?: EnvelopeOptions;
  /** Parse limits. */
  readonly limits?: LimitOptions;
}

/** Producer-side options, generic over the binding's per-message hook info. */
export interface ProducerOptions<HookInfo> extends CommonOptions {
  /** Where the context travels. Default `headers`. */
  readonly mode?: ProducerMode;
  /** Called for each producer span before the message is sent, to add attributes. Throwing is reported, not propagated. */
  readonly producerHook?: (span: Span, info: HookInfo) => void;
}

/** Consumer-side options, generic over the binding's per-message hook info. */
export interface ConsumerOptions<HookInfo> extends CommonOptions {
  /** Where the context is looked for. Default `auto`. */
  readonly mode?: ConsumerMode;
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

const positiveInt = z.number().int().positive();

/** Schema of {@link EnvelopeOptions}; unknown keys are rejected so typos fail loudly. */
export const envelopeOptionsSchema: z.ZodType = z.strictObject({
  format: z.enum(['json', 'cloudevents']).optional(),
  payloadEncoding: z.enum(['auto', 'json', 'binary']).optional(),
  cloudEventsSource: z.string().min(1).optional(),
  cloudEventsType: z.string().min(1).optional(),
});

/** Schema of {@link LimitOptions}. */
export const limitOptionsSchema: z.ZodType = z.strictObject({
  maxHeaderBytes: positiveInt.optional(),
  maxEnvelopeBytes: positiveInt.optional(),
  maxContextBytes: positiveInt.optional(),
});

const commonShape = {
  propagator: objectWith('propagator', ['inject', 'extract', 'fields']).optional(),
  tracerProvider: objectWith('tracerProvider', ['getTracer']).optional(),
  onDiagnostic: fn('onDiagnostic').optional(),
  envelope: envelopeOptionsSchema.optional(),
  limits: limitOptionsSchema.optional(),
};

/** Schema of {@link ProducerOptions}. */
export const producerOptionsSchema: z.ZodType = z.strictObject({
  ...commonShape,
  mode: z.enum(['headers', 'envelope', 'both']).optional(),
  producerHook: fn('producerHook').optional(),
});

/** Schema of {@link ConsumerOptions}. */
export const consumerOptionsSchema: z.ZodType = z.strictObject({
  ...commonShape,
  mode: z.enum(['auto', 'headers', 'envelope']).optional(),
  relationship: z.enum(['parent', 'link', 'ignore']).optional(),
  baggage: z.union([z.enum(['keep', 'drop']), z.strictObject({ allow: z.array(z.string()) })]).optional(),
  consumerHook: fn('consumerHook').optional(),
});

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
    if (issue.code === 'unrecognized_keys') return `${scope}${issue.path.length ? `.${issue.path.join('.')}` : ''}: unknown option(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    return `${path}: ${issue.message}${issue.code === 'invalid_value' ? `, received ${JSON.stringify(valueAt(options, issue.path))}` : ''}`;
  };
  const path = first === undefined ? scope : [scope, ...first.path.map(String)].join('.');
  throw new TracecarrierError('invalid-options', `Invalid tracecarrier options: ${result.error.issues.map(describe).join('; ')}`, {
    path,
    cause: result.error,
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}
