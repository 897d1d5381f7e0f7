import { ROOT_CONTEXT, type Context, type SpanContext, type TextMapPropagator } from '@opentelemetry/api';
import type { Carrier, CarrierContext, CarrierRead, IncomingMessage, MessageValue } from '../carriers/carrier.js';
import { report, reportedCount, type Reporter } from '../diagnostics.js';
import type { ReadLimits } from '../limits.js';
import { applyBaggagePolicy, reportDroppedBaggage, type BaggagePolicy } from '../propagation/context-limits.js';
import { missingContextField, validSpanContextOf } from '../propagation/propagation.js';
import { carrierCall, extractFields, fieldNames, fieldOf } from './carrier-call.js';
import { readProblem } from './carrier-results.js';
import { describe } from './outgoing.js';
import { asBuffer } from '../carriers/payload.js';

/** A consumer's carriers (in reading order) and what they need, resolved from options. */
export interface IncomingCarrierConfig {
  readonly carriers: readonly Carrier[];
  readonly propagator: TextMapPropagator | undefined;
  readonly limits: ReadLimits;
  /** What to keep of incoming baggage. Default `keep`. */
  readonly baggage?: BaggagePolicy;
}

/** What was read from one incoming message. */
export interface IncomingRead<V> {
  /** The extracted context (based on the root context): a remote span context and/or baggage. */
  readonly context: Context;
  /** True when `context` holds a valid span context from the producer. */
  readonly hasRemoteParent: boolean;
  /** That span context, when there is one (so span code need not look it up again). */
  readonly remoteParent?: SpanContext | undefined;
  /** The value to hand to the application: the unwrapped payload, or the original value. */
  readonly value: V | Buffer;
  /** The name of the carrier that gave the context, or `none`. */
  readonly carrier: string;
  /** True when a carrier unwrapped the value. */
  readonly unwrapped: boolean;
  /** What a carrier read beside the context (a CloudEvent's attributes), with that carrier's name. */
  readonly attributes: CarriedAttributes | undefined;
  /** Span contexts a carrier offered without choosing (disagreeing `traceparent` headers): linked, never parents. */
  readonly candidates: readonly SpanContext[] | undefined;
  /** The message that was read. */
  readonly message: IncomingMessage;
  /** Where its problems were reported. */
  readonly reporter: Reporter;
}

/** The attributes a carrier read from a message, and which carrier read them. */
export interface CarriedAttributes {
  readonly carrier: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Reads one incoming message with the consumer's carriers, in order. The first carrier whose fields
 * give a valid span context gives the context; the first that unwraps the value gives the value
 * (whichever carrier gave the context). Total: malformed input and throwing carriers are reported
 * through `sink`, and the message comes back untouched under a fresh (root) context.
 */
export function readIncoming<V extends MessageValue>(
  message: IncomingMessage & { readonly value: V },
  config: IncomingCarrierConfig,
  sink: Reporter,
): IncomingRead<V> {
  let context: Context = ROOT_CONTEXT;
  let carrier = 'none';
  let value: V | Buffer = message.value;
  let unwrapped = false;
  let attributes: CarriedAttributes | undefined;
  let call: CarrierContext | undefined;
  let candidates: SpanContext[] | undefined;
  let remoteParent: SpanContext | undefined;
  // Fields that held no valid context, reported once the loop knows what the message ran under.
  let invalid: Array<{ readonly field: string; readonly carrier: string }> | undefined;
  for (const candidate of config.carriers) {
    let read: CarrierRead | undefined;
    let before: number | undefined;
    try {
      if (!candidate.detect(message)) continue;
      // What extracting reports (a bad header) is not reported again as a missing context.
      before = reportedCount(sink);
      read = candidate.extract(message, (call ??= carrierCall(sink, config.limits, config.propagator)));
    } catch (error) {
      report(sink, 'carrier-error', `carrier "${candidate.name}" threw while reading the context: ${describe(error)}; handed over untouched`, { cause: error });
      continue;
    }
    if (read === undefined || read === null) continue;
    const problem = readProblem(read);
    if (problem !== undefined) {
      report(sink, 'carrier-error', `carrier "${candidate.name}" returned ${problem}; its read is ignored`);
      continue;
    }
    if (read.value !== undefined && !unwrapped) {
      value = asBuffer(read.value);
      unwrapped = true;
    }
    if (read.attributes !== undefined && attributes === undefined) attributes = { carrier: candidate.name, attributes: read.attributes };
    if (read.candidates !== undefined && carrier === 'none') {
      for (const fields of read.candidates) {
        const extracted = extractFields(ROOT_CONTEXT, fields, config.propagator, sink);
        const found = validSpanContextOf(extracted);
        if (found !== undefined) (candidates ??= []).push(found);
      }
    }
    if (carrier !== 'none' || read.fields === undefined) continue;
    const fields = read.fields;
    const extracted = extractFields(context, fields, config.propagator, sink);
    remoteParent = validSpanContextOf(extracted);
    if (remoteParent !== undefined) carrier = candidate.name;
    // A field already reported (not UTF-8, conflicting, too large) is not reported again as invalid-context.
    else if (before === undefined || reportedCount(sink) === before) {
      const field = missingContextField(extracted, fieldNames(fields), config.propagator);
      if (field !== undefined) (invalid ??= []).push({ field, carrier: candidate.name });
    }
    reportDroppedBaggage(fieldOf(fields, 'baggage'), config.propagator, sink);
    // Baggage found without a span context is kept, and a later carrier may still give the span context.
    context = extracted;
  }
  if (invalid !== undefined) reportInvalidFields(invalid, carrier, sink);
  return {
    context: applyBaggagePolicy(context, config.baggage, sink),
    hasRemoteParent: carrier !== 'none',
    remoteParent,
    value,
    carrier,
    unwrapped,
    attributes,
    // A carrier that gave a context wins; candidates are kept only when nothing did.
    candidates: carrier === 'none' ? candidates : undefined,
    message,
    reporter: sink,
  };
}

/** Reports each field that held no valid context, saying what the message was processed under instead. */
function reportInvalidFields(invalid: ReadonlyArray<{ readonly field: string; readonly carrier: string }>, used: string, sink: Reporter): void {
  for (const { field, carrier } of invalid) {
    const outcome = used === 'none' ? 'a new trace is started' : `the context carried by "${used}" is used instead`;
    report(sink, 'invalid-context', `"${field}" (carrier "${carrier}") is present but holds no valid trace context; ${outcome}`, { field });
  }
}
