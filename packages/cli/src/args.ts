import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** Where `inspect` starts reading each partition. */
export type StartAt = { readonly kind: 'beginning' } | { readonly kind: 'offset'; readonly offset: number } | { readonly kind: 'last'; readonly count: number };

/** `tracecarrier inspect …`, parsed. */
export interface InspectArgs {
  readonly command: 'inspect';
  readonly brokers: string;
  readonly topic: string;
  readonly partition: number | undefined;
  readonly start: StartAt;
  readonly limit: number | undefined;
  readonly follow: boolean;
  readonly json: boolean;
  readonly carriers: readonly string[];
  readonly showBaggage: boolean;
}

/** `tracecarrier probe …`, parsed. */
export interface ProbeArgs {
  readonly command: 'probe';
  readonly brokers: string;
  readonly to: string;
  readonly from: string;
  readonly fromBrokers: string;
  readonly mode: 'headers' | 'envelope' | 'both';
  readonly timeoutSeconds: number;
  readonly json: boolean;
}

/** What the command line asked for. */
export type Args = InspectArgs | ProbeArgs | { readonly command: 'help' } | { readonly command: 'version' };

/** What `tracecarrier --help` prints. */
export const USAGE = `tracecarrier — see the trace context a Kafka topic carries, and prove that a pipeline keeps it

Usage:
  tracecarrier inspect --brokers HOST:PORT --topic T [options]
  tracecarrier probe   --brokers HOST:PORT --to T1 [--from T2] [options]
  tracecarrier --help | --version

inspect: reads records without joining a group or committing anything, and says for each which
carrier gave its context, which others found one, the trace id, parent span id, sampled flag,
tracestate, baggage keys and the diagnostics a consumer would report; then a summary.
  --partition N          one partition (default: all)
  --from-beginning       from the first record (default)
  --offset N             from offset N of each partition read
  --last N               the last N records of each partition read
  --limit N              stop after N records
  --follow               keep reading new records until Ctrl-C
  --carriers LIST        comma-separated: auto (default: headers, cloudevents-binary,
                         json-envelope, cloudevents-structured), headers, json-envelope,
                         cloudevents-structured, cloudevents-binary, or a module path
                         exporting a Carrier (default export, \`carrier\`, or its only one)
  --show-baggage         print baggage values too (keys only by default)
  --json                 one JSON object per record (NDJSON), then the summary

probe: sends a traced probe record to T1 and waits for it on T2, then says whether its context
arrived intact, through which carrier, which of its headers were dropped, and the latency.
Exit 0: the trace continues; 1: it broke; 2: a usage or connection error.
  --from T2              the topic to wait on (default: T1), e.g. MirrorMaker 2's renamed topic
  --from-brokers H:P     T2's cluster (default: --brokers)
  --mode MODE            headers (default), envelope or both
  --timeout S            seconds to wait for the probe (default 30)
  --json                 the result as one JSON object
`;

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${text}"`);
  return Number(text);
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required (see tracecarrier --help)`);
  return value;
}

/** Parses the command line (without `node` and the script); throws {@link UsageError} on a bad one. */
export function parseCommandLine(argv: readonly string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        brokers: { type: 'string', short: 'b' },
        topic: { type: 'string', short: 't' },
        partition: { type: 'string', short: 'p' },
        'from-beginning': { type: 'boolean' },
        offset: { type: 'string', short: 'o' },
        last: { type: 'string' },
        limit: { type: 'string', short: 'n' },
        follow: { type: 'boolean', short: 'f' },
        json: { type: 'boolean' },
        carriers: { type: 'string' },
        'show-baggage': { type: 'boolean' },
        to: { type: 'string' },
        from: { type: 'string' },
        'from-brokers': { type: 'string' },
        mode: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (error) {
    // Node's own wording ("Unknown option '--x'"), without its error code prefix.
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see tracecarrier --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError('a command is required: inspect or probe (see tracecarrier --help)');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (see tracecarrier --help)`);
  const json = values.json === true;
  if (command === 'inspect') {
    const starts = [values['from-beginning'] === true, values.offset !== undefined, values.last !== undefined].filter(Boolean).length;
    if (starts > 1) throw new UsageError('give at most one of --from-beginning, --offset and --last');
    const offset = integer('offset', values.offset, 0);
    const last = integer('last', values.last, 1);
    const start: StartAt = offset !== undefined ? { kind: 'offset', offset } : last !== undefined ? { kind: 'last', count: last } : { kind: 'beginning' };
    const carriers = (values.carriers ?? 'auto').split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (carriers.length === 0) throw new UsageError('--carriers names at least one carrier');
    return {
      command,
      brokers: required('brokers', values.brokers),
      topic: required('topic', values.topic),
      partition: integer('partition', values.partition, 0),
      start,
      limit: integer('limit', values.limit, 1),
      follow: values.follow === true,
      json,
      carriers,
      showBaggage: values['show-baggage'] === true,
    };
  }
  if (command === 'probe') {
    const mode = values.mode ?? 'headers';
    if (mode !== 'headers' && mode !== 'envelope' && mode !== 'both') throw new UsageError(`--mode is headers, envelope or both, not "${mode}"`);
    const brokers = required('brokers', values.brokers);
    const to = required('to', values.to);
    return { command, brokers, to, from: values.from ?? to, fromBrokers: values['from-brokers'] ?? brokers, mode, timeoutSeconds: integer('timeout', values.timeout, 1) ?? 30, json };
  }
  throw new UsageError(`unknown command "${command}": inspect or probe (see tracecarrier --help)`);
}
