/**
 * `@tracecarrier/cli`: the `tracecarrier` command line (`npx tracecarrier --help`), and the pieces
 * it is made of for scripts that want them: `main` runs a command line, `RecordAnalyser` says what
 * a received record carries, with the consumers' own reading logic.
 * @packageDocumentation
 */
export { main } from './main.js';
export { parseCommandLine } from './args.js';
export { INSPECT_USAGE, PROBE_USAGE, USAGE } from './help.js';
export { escapeText } from './escape.js';
export type { Args, InspectArgs, Isolation, ProbeArgs, StartAt } from './args.js';
export { RecordAnalyser, SummaryCounter } from './analyse.js';
export type { FoundContext, InspectSummary, RecordReport } from './analyse.js';
export { resolveCarriers } from './carriers.js';
export { PROPAGATOR_NAMES, resolvePropagator } from './propagators.js';
export type { ResolvedPropagator } from './propagators.js';
export { inspect } from './inspect.js';
export { probe, PROBE_HEADER } from './probe.js';
export type { ProbeResult } from './probe.js';
export { Output } from './output.js';
export { EXIT, Interrupted, UsageError } from './errors.js';
export type { PartitionRange } from './kafka.js';
export { resolveSettings } from './settings.js';
export type { ClientSettings, SettingsSources } from './settings.js';
export type { GivenProperty } from './properties.js';
export { ProbeProducer, TopicReader } from './kafka.js';
