/** The instrumentation scope of the spans this package creates. */
export const INSTRUMENTATION_SCOPE = { name: '@tracecarrier/platformatic-kafka', version: '0.2.0' } as const;
