/** The instrumentation scope of the probe's context, and what `--version` prints. */
export const INSTRUMENTATION_SCOPE = { name: '@tracecarrier/cli', version: '0.2.0' } as const;
