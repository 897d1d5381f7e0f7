import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { DEFAULT_LIMITS } from '@tracecarrier/core';
import {
  carryOutgoing,
  consumerCarriers,
  diagnosticSink,
  manualPropagation,
  outgoingHeaderRecord,
  producerCarriers,
  readIncoming,
  type IncomingCarrierConfig,
  type OutgoingCarrierConfig,
} from '@tracecarrier/core/binding';
import { compare, type Measured } from './harness.js';

/**
 * 1. Propagation without a broker: inject + extract of one message's context in headers mode with
 * the SDK's carriers (header copy, Buffer header values as a consumer receives them, diagnostics
 * armed) against the floor: the bare OpenTelemetry API on a plain object. Third, the same through
 * the manual API (`createMessagePropagator`'s core: options resolved once, diagnostics per call),
 * with a message's topic, partition and offset as a consumer passes them.
 */
export function benchPropagation(iterations: number): Measured[] {
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
  const outgoing: OutgoingCarrierConfig = { carriers: producerCarriers('headers', undefined), propagator: undefined, limits: DEFAULT_LIMITS };
  const incoming: IncomingCarrierConfig = { carriers: consumerCarriers('headers', undefined), propagator: undefined, limits: DEFAULT_LIMITS };
  const owned = propagation.fields();
  const appHeaders = { 'x-request-id': 'abc-123' };
  const value = Buffer.alloc(64);
  const sink = diagnosticSink(undefined, {});
  const message = { topic: 'orders', key: null, value, headers: appHeaders };
  // What a consumer receives for this context: Buffer values, made once (the client's work, not ours).
  const sent = outgoingHeaderRecord(appHeaders, carryOutgoing(context, message, outgoing, sink), owned)!;
  const received = Object.fromEntries(Object.entries(sent).map(([key, text]) => [key, Buffer.from(String(text))]));
  const manual = manualPropagation({ producer: { mode: 'headers' }, consumer: { mode: 'headers' } }, { name: 'bench', version: '0' });
  let keep: unknown;
  return compare(
    {
      'bare propagation.inject/extract': () => {
        const carrier: Record<string, string> = { 'x-request-id': 'abc-123' };
        propagation.inject(context, carrier);
        keep = propagation.extract(ROOT_CONTEXT, carrier);
      },
      'tracecarrier headers carrier': () => {
        keep = outgoingHeaderRecord(appHeaders, carryOutgoing(context, message, outgoing, sink), owned);
        keep = readIncoming({ topic: 'orders', key: null, value, headers: received }, incoming, sink).context;
      },
      'tracecarrier manual API carry + read': () => {
        keep = outgoingHeaderRecord(appHeaders, manual.carry(message, context).carry, owned);
        keep = manual.read({ topic: 'orders', partition: 0, offset: '42', key: null, value, headers: received }).context;
      },
    },
    iterations,
  );
  void keep;
}
