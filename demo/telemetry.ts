import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** One tracer provider per demo service, so backends show each as its own service. */
export interface Telemetry {
  provider(service: string): BasicTracerProvider;
  /** Every span finished so far, across services. */
  spans(): ReadableSpan[];
  /** True when spans also go to an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT and friends). */
  readonly otlp: boolean;
  shutdown(): Promise<void>;
}

export function setupTelemetry(): Telemetry {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const memory = new InMemorySpanExporter();
  const otlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // One exporter shared by all services: the OTLP exporter reads the standard OTEL_* variables itself.
  const exporter = otlp ? new OTLPTraceExporter() : undefined;
  const providers: BasicTracerProvider[] = [];
  return {
    otlp,
    provider(service) {
      const processors: SpanProcessor[] = [new SimpleSpanProcessor(memory)];
      if (exporter !== undefined) processors.push(new BatchSpanProcessor(exporter));
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: processors });
      providers.push(provider);
      return provider;
    },
    spans: () => memory.getFinishedSpans(),
    async shutdown() {
      await Promise.all(providers.map((provider) => provider.forceFlush()));
      await Promise.all(providers.map((provider) => provider.shutdown()));
    },
  };
}
