import { parseCommandLine, USAGE } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { escapeText } from './escape.js';
import { inspect } from './inspect.js';
import { Output } from './output.js';
import { probe } from './probe.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/**
 * Runs the command line (`argv` without `node` and the script) and resolves to the exit code:
 * 0 done (probe: the trace continues), 1 the probe's trace broke, 2 a usage or connection error,
 * written as one line on stderr. Ctrl-C ends `inspect --follow` (and a waiting probe) cleanly.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const args = parseCommandLine(argv);
    if (args.command === 'help') {
      process.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (args.command === 'version') {
      process.stdout.write(`${INSTRUMENTATION_SCOPE.version}\n`);
      return EXIT.ok;
    }
    const output = new Output({ json: args.json });
    if (args.command === 'inspect') {
      await inspect(args, output, stop.signal);
      return EXIT.ok;
    }
    const result = await probe(args, stop.signal);
    output.probe(result);
    return result.intact ? EXIT.ok : EXIT.broken;
  } catch (error) {
    // One line, whatever the message quotes (a flag's value, a carrier module's error).
    if (error instanceof UsageError) process.stderr.write(`tracecarrier: ${escapeText(error.message)}\n`);
    else process.stderr.write(`tracecarrier: unexpected error: ${escapeText(error instanceof Error ? error.message : String(error))}${process.env.TRACECARRIER_DEBUG ? `\n${(error as Error).stack}` : ''}\n`);
    return EXIT.usage;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
