import { context, metrics, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, PeriodicExportingMetricReader, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  TracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

/** One tracer provider per demo service, so backends show each as its own service. */
export interface Telemetry {
  provider(service: string): TracerProvider;
  /** Every span finished so far, across services. */
  spans(): ReadableSpan[];
  /** True when spans also go to an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT and friends). */
  readonly otlp: boolean;
  /** The messaging metrics the SDK recorded so far, summed over services. */
  metrics(): Promise<MetricsSummary>;
  shutdown(): Promise<void>;
}

/** What the demo's summary says of the metrics. */
export interface MetricsSummary {
  readonly sent: number;
  readonly consumed: number;
  /** Upper bounds of the histogram buckets holding the 50th and 99th percentile of process durations, in ms. */
  readonly processP50Ms: number;
  readonly processP99Ms: number;
}

/** A reader the summary collects from on demand. */
class SummaryReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function sum(data: MetricData[], name: string): number {
  let total = 0;
  for (const metric of data) if (metric.descriptor.name === name) for (const point of metric.dataPoints) total += point.value as number;
  return total;
}

/** The upper bound of the bucket that holds quantile `q` of the merged histograms (ms). */
function quantileMs(data: MetricData[], name: string, q: number): number {
  const points = data.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints.map((point) => point.value as Histogram));
  if (points.length === 0) return Number.NaN;
  const boundaries = points[0]!.buckets.boundaries;
  const counts = boundaries.map((_, i) => points.reduce((total, point) => total + (point.buckets.counts[i] ?? 0), 0));
  const total = points.reduce((all, point) => all + point.count, 0);
  let seen = 0;
  for (const [i, count] of counts.entries()) {
    seen += count;
    if (seen >= q * total) return boundaries[i]! * 1000;
  }
  return Number.POSITIVE_INFINITY;
}

export function setupTelemetry(): Telemetry {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const memory = new InMemorySpanExporter();
  const otlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // One exporter shared by all services: the OTLP exporter reads the standard OTEL_* variables itself.
  const exporter = otlp ? new OTLPTraceExporter() : undefined;
  const providers: TracerProvider[] = [];
  // One meter provider, registered globally before any client exists (clients read it when created).
  const summaryReader = new SummaryReader();
  const readers: MetricReader[] = [summaryReader];
  if (otlp) readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 5_000 }));
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'tracecarrier-demo' }), readers });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    otlp,
    async metrics() {
      const data = (await summaryReader.collect()).resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
      return {
        sent: sum(data, 'messaging.client.sent.messages'),
        consumed: sum(data, 'messaging.client.consumed.messages'),
        processP50Ms: quantileMs(data, 'messaging.process.duration', 0.5),
        processP99Ms: quantileMs(data, 'messaging.process.duration', 0.99),
      };
    },
    provider(service) {
      const processors: SpanProcessor[] = [new SimpleSpanProcessor({ exporter: memory })];
      if (exporter !== undefined) processors.push(new BatchSpanProcessor({ exporter }));
      const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: processors });
      providers.push(provider);
      return provider;
    },
    spans: () => memory.getFinishedSpans(),
    async shutdown() {
      await Promise.all(providers.map((provider) => provider.forceFlush()));
      await Promise.all(providers.map((provider) => provider.shutdown()));
      await meterProvider.shutdown(); // exports the last metrics over OTLP
    },
  };
}
