import { parseCommandLine, type Args } from './args.js';
import { EXIT, Interrupted, UsageError } from './errors.js';
import { escapeText } from './escape.js';
import { INSPECT_USAGE, PROBE_USAGE, USAGE } from './help.js';
import type { inspect as InspectCommand } from './inspect.js';
import type { probe as ProbeCommand } from './probe.js';
import { Output } from './output.js';
import { watchOutput, writesFailed, type OutputFailure } from './pipes.js';
import { describeSettings, redact } from './settings.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

const HELP = { inspect: INSPECT_USAGE, probe: PROBE_USAGE } as const;

const stderrFailed = writesFailed(process.stderr);

/** The secret values of the command line's client properties, scrubbed from all it writes on stderr. */
let secrets: readonly string[] = [];

/** Writes `tracecarrier: <message>` on stderr, as one line (unless stderr's reader is gone), secrets redacted. */
function tell(message: string, stack?: string): void {
  if (!stderrFailed()) process.stderr.write(redact(`tracecarrier: ${escapeText(message)}\n${stack === undefined ? '' : `${stack}\n`}`, secrets));
}

/** With TRACECARRIER_DEBUG: the client properties each cluster is reached with, secrets redacted. */
function debugSettings(args: Args): void {
  if (!process.env.TRACECARRIER_DEBUG || (args.command !== 'inspect' && args.command !== 'probe')) return;
  tell(`client properties for ${args.brokers}: ${describeSettings(args.client)}`);
  if (args.command === 'probe' && args.fromClient !== args.client) tell(`client properties for ${args.fromBrokers} (--from-brokers): ${describeSettings(args.fromClient)}`);
}

/**
 * The commands, loaded when one runs: they load the Kafka client, whose native addon is built for
 * one Node line. `--help` and `--version` work without it, and a failed load is told in one line.
 */
async function commands(): Promise<{ inspect: typeof InspectCommand; probe: typeof ProbeCommand }> {
  try {
    const [{ inspect }, { probe }] = await Promise.all([import('./inspect.js'), import('./probe.js')]);
    return { inspect, probe };
  } catch (error) {
    const reason = (error as Error).message.split('\n').find((line) => line.trim() !== '') ?? String(error);
    throw new UsageError(`cannot load the Kafka client node-rdkafka on Node ${process.versions.node} (${reason.trim()}): rebuild it for this Node line (npm rebuild node-rdkafka)`);
  }
}

async function run(args: Args, signal: AbortSignal): Promise<number> {
  if (args.command === 'help') {
    process.stdout.write(args.about === undefined ? USAGE : HELP[args.about]);
    return EXIT.ok;
  }
  if (args.command === 'version') {
    process.stdout.write(`${INSTRUMENTATION_SCOPE.version}\n`);
    return EXIT.ok;
  }
  const { inspect, probe } = await commands();
  const output = new Output({ json: args.json });
  if (args.command === 'inspect') {
    await inspect(args, output, signal);
    return EXIT.ok;
  }
  const result = await probe(args, signal);
  output.probe(result);
  return result.continued ? EXIT.ok : EXIT.broken;
}

/**
 * Runs the command line (`argv` without `node` and the script) and resolves to the exit code:
 * 0 done (probe: the trace continues, with the probe or a traced hop as parent), 1 the probe's
 * trace broke (lost, or another trace), 2 a usage or connection error,
 * written as one line on stderr (`TRACECARRIER_DEBUG` set: an unexpected error's stack follows, and
 * the client properties in use are told first). The values of secret client properties
 * (passwords, keys, JAAS configs) are written as `[redacted]`, in errors and debug lines alike.
 * Ctrl-C (or SIGTERM) ends `inspect` cleanly with its summary (0), and a waiting probe with
 * `interrupted` (130; `terminated`, 143). When the output's reader goes away (`| head -1`), the
 * command stops reading, closes its Kafka client and ends quietly: `inspect` with 0, `probe` (whose
 * answer is its exit code) with its verdict.
 */
export async function main(argv: readonly string[]): Promise<number> {
  secrets = [];
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(new Interrupted(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = undefined as OutputFailure | undefined;
  const outputClosed = new Error('the output was closed');
  const unwatch = watchOutput((failure) => {
    failed = failure;
    stop.abort(outputClosed);
  });
  // The reader going away (EPIPE) is no error; another failed write is one.
  const afterFailure = (failure: OutputFailure, code: number): number => {
    if (failure.code === 'EPIPE') return code;
    tell(`cannot write to ${failure.stream} (${failure.code ?? 'unknown error'})`);
    return EXIT.usage;
  };
  try {
    const args = parseCommandLine(argv);
    if (args.command === 'inspect' || args.command === 'probe') secrets = [...args.client.secrets, ...(args.command === 'probe' ? args.fromClient.secrets : [])];
    debugSettings(args);
    const code = await run(args, stop.signal);
    return failed === undefined ? code : afterFailure(failed, code);
  } catch (error) {
    if (error === outputClosed && failed !== undefined) return afterFailure(failed, EXIT.ok);
    if (error instanceof Interrupted) {
      tell(error.message);
      return error.exitCode;
    }
    if (error instanceof UsageError) tell(error.message);
    else tell(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, process.env.TRACECARRIER_DEBUG ? (error as Error).stack : undefined);
    return EXIT.usage;
  } finally {
    unwatch();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
