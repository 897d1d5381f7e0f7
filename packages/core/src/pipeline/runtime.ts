import { metrics as otelMetrics, trace, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { messagingMetrics, type MessagingMetrics } from '../metrics/messaging-metrics.js';
import { diagnosticSink, report, type DiagnosticHook, type DiagnosticOrigin, type DiagnosticSink, type Reporter } from '../diagnostics.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../limits.js';
import {
  checkConsumerCombination,
  checkProducerCombination,
  consumerOptionsSchema,
  producerOptionsSchema,
  validateOptions,
  type CommonOptions,
  type ConsumerOptions,
  type LimitOptions,
  type ProducerOptions,
} from '../options.js';
import { propagatorFields } from '../propagation/propagation.js';
import type { Relationship } from '../spans/spans.js';
import type { IncomingCarrierConfig } from './incoming.js';
import { MessageCall } from './carrier-call.js';
import { consumerCarriers, producerCarriers } from './modes.js';
import type { OutgoingCarrierConfig } from './outgoing.js';

/** Names the instrumentation scope of the spans a binding creates. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
}

interface RuntimeBase {
  readonly tracer: Tracer;
  /** The messaging metrics, or `undefined` when no meter provider is registered (nothing to record). */
  readonly metrics: MessagingMetrics | undefined;
  readonly onDiagnostic: DiagnosticHook | undefined;
  /** A fresh per-message diagnostic sink. */
  sink(origin: DiagnosticOrigin): DiagnosticSink;
  /**
   * A message's diagnostics (also its carriers' context), allocating nothing more until something is
   * reported. `origin` may be the message.
   */
  diagnostics(origin: DiagnosticOrigin): MessageCall;
}

/** A producer wrapper's resolved settings. */
export interface ProducerRuntime<HookInfo> extends RuntimeBase {
  /** The carriers that write each message's context, and what they need. */
  readonly outgoing: OutgoingCarrierConfig;
  /** The header keys an injection owns (replaced, never duplicated, on re-send). */
  readonly ownedHeaders: () => string[];
  /** The application's per-span hook (`producerHook` / `consumerHook`), if any. */
  readonly hook: ((span: Span, info: HookInfo) => void) | undefined;
}

/** A consumer wrapper's resolved settings. */
export interface ConsumerRuntime<HookInfo> extends RuntimeBase {
  /** The carriers that read each message's context, in order, and what they need. */
  readonly incoming: IncomingCarrierConfig;
  readonly relationship: Relationship;
  /** The application's per-span hook (`producerHook` / `consumerHook`), if any. */
  readonly hook: ((span: Span, info: HookInfo) => void) | undefined;
}

function limitsOf(limits: LimitOptions | undefined): ReadLimits {
  return {
    maxHeaderBytes: limits?.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes,
    maxEnvelopeBytes: limits?.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxEnvelopeBytes,
    maxContextBytes: limits?.maxContextBytes ?? DEFAULT_LIMITS.maxContextBytes,
  };
}

function base(options: CommonOptions, scope: InstrumentationScope, carriers: { readonly limits: ReadLimits; readonly propagator: TextMapPropagator | undefined }): RuntimeBase {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(scope.name, scope.version);
  const metrics = messagingMetrics((options.meterProvider ?? otelMetrics.getMeterProvider()).getMeter(scope.name, scope.version));
  const onDiagnostic = options.onDiagnostic;
  const { limits, propagator } = carriers;
  return {
    tracer,
    metrics,
    onDiagnostic,
    sink: (origin) => diagnosticSink(onDiagnostic, origin),
    diagnostics: (origin) => new MessageCall(onDiagnostic, origin, limits, propagator),
  };
}

/**
 * Validates producer options (throwing a `TracecarrierError` naming the bad option) and resolves
 * them into what a binding needs per message.
 */
export function resolveProducerOptions<HookInfo>(
  options: ProducerOptions<HookInfo> | undefined,
  scope: InstrumentationScope,
  optionScope = 'producer',
): ProducerRuntime<HookInfo> {
  validateOptions(producerOptionsSchema, options, optionScope);
  const opts = options ?? {};
  checkProducerCombination(opts, optionScope);
  const propagator = opts.propagator;
  const carriers = opts.carriers ?? producerCarriers(opts.mode ?? 'headers', opts.envelope);
  const outgoing: OutgoingCarrierConfig = { carriers, propagator, limits: limitsOf(opts.limits) };
  return {
    ...base(opts, scope, outgoing),
    outgoing,
    ownedHeaders: () => propagatorFields(propagator),
    hook: opts.producerHook,
  };
}

/** The consumer twin of {@link resolveProducerOptions}. */
export function resolveConsumerOptions<HookInfo>(
  options: ConsumerOptions<HookInfo> | undefined,
  scope: InstrumentationScope,
  optionScope = 'consumer',
): ConsumerRuntime<HookInfo> {
  validateOptions(consumerOptionsSchema, options, optionScope);
  const opts = options ?? {};
  checkConsumerCombination(opts as { envelope?: Record<string, unknown> }, optionScope);
  const carriers = opts.carriers ?? consumerCarriers(opts.mode ?? 'auto', opts.envelope);
  const incoming: IncomingCarrierConfig = { carriers, propagator: opts.propagator, limits: limitsOf(opts.limits), baggage: opts.baggage ?? 'keep' };
  return {
    ...base(opts, scope, incoming),
    incoming,
    relationship: opts.relationship ?? 'parent',
    hook: opts.consumerHook,
  };
}

/**
 * Runs a user hook; a throwing hook is reported as `hook-error` and never breaks the message path.
 * Bindings build `info` only when there is a hook (it is `undefined` otherwise).
 */
export function runHook<HookInfo>(
  hook: ((span: Span, info: HookInfo) => void) | undefined,
  span: Span,
  info: HookInfo | undefined,
  sink: Reporter,
): void {
  if (hook === undefined) return;
  try {
    hook(span, info as HookInfo);
  } catch (error) {
    report(sink, 'hook-error', `a hook threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
