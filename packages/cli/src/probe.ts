import { randomBytes, randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { createMessagePropagator } from '@tracecarrier/node-rdkafka';
import type { MessageHeader } from 'node-rdkafka';
import type { ProbeArgs } from './args.js';
import { RecordAnalyser, type RecordReport } from './analyse.js';
import { resolveCarriers } from './carriers.js';
import { resolvePropagator } from './propagators.js';
import { ProbeProducer, TopicReader } from './kafka.js';

/** What `probe` found. */
export interface ProbeResult {
  readonly probeId: string;
  readonly to: string;
  readonly from: string;
  readonly mode: ProbeArgs['mode'];
  readonly timeoutSeconds: number;
  /** The context the probe was sent with. */
  readonly sentTraceId: string;
  readonly sentSpanId: string;
  readonly arrived: boolean;
  /**
   * True when the record arrived in the probe's trace (same trace id), with the probe or a traced
   * hop as parent: the trace continues, and `probe` exits 0.
   */
  readonly continued: boolean;
  /**
   * Whose span is the record's parent, when the trace continues: `probe` (the probe's own span: the
   * context came through untouched, e.g. MirrorMaker 2) or `hop` (another span of the trace: a traced
   * forwarder, a Kafka Connect task or stream processor with tracing consumed the probe and produced
   * the record in its own span, `parentSpanId`).
   */
  readonly parent?: 'probe' | 'hop';
  /** True when the record arrived with the probe's context unchanged (same trace, the probe as parent). */
  readonly intact: boolean;
  readonly latencyMs?: number;
  readonly carrier?: string;
  readonly traceId?: string;
  readonly parentSpanId?: string;
  readonly headersSent: readonly string[];
  readonly headersDropped: readonly string[];
  readonly diagnostics: RecordReport['diagnostics'];
}

/** The header that names the probe (so the probe is found whatever happened to its key). */
export const PROBE_HEADER = 'tracecarrier-probe';

function headerNames(headers: readonly MessageHeader[] | undefined): string[] {
  return [...new Set((headers ?? []).flatMap((header) => Object.keys(header)))];
}

/**
 * `tracecarrier probe`: sends one record carrying a fresh sampled context to `to`, in the chosen
 * mode, and waits for it on `from` (from the high watermarks taken before sending), then says
 * whether the trace continues (the probe's context intact, or a traced hop's span as the new
 * parent in the same trace) and what the pipeline did to it. When `signal` is aborted
 * before the probe arrives (Ctrl-C: `main` aborts with an `Interrupted`), it rejects with the
 * signal's reason, after closing its clients: there is no answer, not a broken trace.
 */
export async function probe(args: ProbeArgs, signal: AbortSignal): Promise<ProbeResult> {
  const propagation = await resolvePropagator(args.propagator);
  const analyser = new RecordAnalyser(await resolveCarriers(['auto']), propagation);
  const reader = await TopicReader.connect(args.fromBrokers, args.fromClient);
  let producer: ProbeProducer | undefined;
  let checker: TopicReader | undefined;
  try {
    // T1's cluster is read through T2's reader when they are one cluster with one set of settings.
    checker = args.brokers === args.fromBrokers && args.client === args.fromClient ? reader : await TopicReader.connect(args.brokers, args.client);
    await checker.partitions(args.to);
    const partitions = await reader.partitions(args.from);
    const ranges = await Promise.all(partitions.map(async (partition) => ({ partition, start: (await reader.watermarks(args.from, partition)).high, end: Number.MAX_SAFE_INTEGER })));
    reader.assign(args.from, ranges);

    const probeId = randomUUID();
    const spanContext = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED };
    const propagator = createMessagePropagator({ producer: { mode: args.mode, propagator: propagation.propagator } });
    const value = Buffer.from(JSON.stringify({ probe: probeId, sentAt: new Date().toISOString() }));
    const carried = propagator.inject(args.to, { value, key: `tracecarrier-probe-${probeId}`, headers: [{ [PROBE_HEADER]: probeId }] }, trace.setSpanContext(ROOT_CONTEXT, spanContext));
    const headersSent = headerNames(carried.headers);
    producer = await ProbeProducer.connect(args.brokers, args.client);
    signal.throwIfAborted();
    const sentAt = Date.now();
    await producer.send(args.to, `tracecarrier-probe-${probeId}`, carried.value === null || carried.value === undefined ? null : Buffer.from(carried.value), carried.headers);

    const base = { probeId, to: args.to, from: args.from, mode: args.mode, timeoutSeconds: args.timeoutSeconds, sentTraceId: spanContext.traceId, sentSpanId: spanContext.spanId, headersSent };
    const deadline = sentAt + args.timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      signal.throwIfAborted();
      for (const message of await reader.next(100)) {
        const names = headerNames(message.headers);
        const ours = message.key?.toString() === `tracecarrier-probe-${probeId}` || (message.headers ?? []).some((header) => header[PROBE_HEADER]?.toString() === probeId) || message.value?.includes(probeId) === true;
        if (!ours) continue;
        const report = analyser.analyse(message, false);
        const continued = report.traceId === spanContext.traceId;
        const parent = report.parentSpanId === spanContext.spanId ? 'probe' : 'hop';
        return {
          ...base,
          arrived: true,
          continued,
          ...(continued ? { parent } : {}),
          intact: continued && parent === 'probe',
          latencyMs: Date.now() - sentAt,
          carrier: report.carrier,
          ...(report.traceId === undefined ? {} : { traceId: report.traceId, parentSpanId: report.parentSpanId }),
          headersDropped: headersSent.filter((name) => !names.includes(name)),
          diagnostics: report.diagnostics,
        };
      }
    }
    return { ...base, arrived: false, continued: false, intact: false, headersDropped: [], diagnostics: [] };
  } finally {
    await producer?.close();
    if (checker !== undefined && checker !== reader) await checker.close();
    await reader.close();
  }
}
