import { parseArgs } from 'node:util';
import type { LimitOptions } from '@tracecarrier/core';
import { UsageError } from './errors.js';
import { parseTime } from './times.js';
import { resolveSettings, type ClientSettings } from './settings.js';

/** Where `inspect` starts reading each partition. */
export type StartAt =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'last'; readonly count: number }
  /** `--since`: the first record at or after this time (ms since the epoch), as the broker maps times to offsets. */
  | { readonly kind: 'time'; readonly at: number };

/** librdkafka's `isolation.level`: whether a read sees the records of aborted and open transactions. */
export type Isolation = 'read_committed' | 'read_uncommitted';

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
  /** `--propagator`: w3c (default), b3, b3multi, jaeger or a module path. */
  readonly propagator: string;
  /** `--trace-id`: only records whose context (in any carrier) is in this trace. */
  readonly traceId: string | undefined;
  /** `--key`: only records with this key (as shown: text, or `base64:…`). */
  readonly key: string | undefined;
  /** `--idle S`: end the read after S seconds with no new record (with `--follow` too). */
  readonly idleSeconds: number | undefined;
  /** `--until`: the read ends before the first record at or after this time (ms since the epoch). */
  readonly until: number | undefined;
  /** `--max-header-bytes`, `--max-envelope-bytes`, `--max-context-bytes`: the read limits, as a consumer configured with them reads. */
  readonly limits: LimitOptions;
  /**
   * Which records are read: `read_committed` (the default: none of aborted or open transactions)
   * or `read_uncommitted` (all of them). `--isolation`, else the settings' `isolation.level`.
   */
  readonly isolation: Isolation;
  /** The cluster's client properties (`--config`, `-X`). */
  readonly client: ClientSettings;
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
  /** `--propagator`: w3c (default), b3, b3multi, jaeger or a module path. */
  readonly propagator: string;
  /** The client properties of the cluster the probe is sent to (`--config`, `-X`). */
  readonly client: ClientSettings;
  /**
   * The client properties of the cluster the probe is awaited on: `--from-config` and
   * `--from-client-property` when either is given, else the same as {@link ProbeArgs.client}.
   */
  readonly fromClient: ClientSettings;
}

/** What the command line asked for. */
export type Args = InspectArgs | ProbeArgs | { readonly command: 'help'; readonly about?: 'inspect' | 'probe' } | { readonly command: 'version' };

type Command = 'inspect' | 'probe';

/** Every option the command line knows, as `parseArgs` takes them. */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  brokers: { type: 'string', short: 'b' },
  config: { type: 'string', short: 'F' },
  'client-property': { type: 'string', short: 'X', multiple: true },
  json: { type: 'boolean' },
  propagator: { type: 'string' },
  topic: { type: 'string', short: 't' },
  partition: { type: 'string', short: 'p' },
  'from-beginning': { type: 'boolean' },
  offset: { type: 'string', short: 'o' },
  last: { type: 'string' },
  limit: { type: 'string', short: 'n' },
  follow: { type: 'boolean', short: 'f' },
  carriers: { type: 'string' },
  'show-baggage': { type: 'boolean' },
  'trace-id': { type: 'string' },
  key: { type: 'string' },
  idle: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'max-header-bytes': { type: 'string' },
  'max-envelope-bytes': { type: 'string' },
  'max-context-bytes': { type: 'string' },
  isolation: { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  'from-brokers': { type: 'string' },
  'from-config': { type: 'string' },
  'from-client-property': { type: 'string', multiple: true },
  mode: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>;

/** The name of an option. */
export type OptionName = keyof typeof OPTIONS;

/** The command an option belongs to; the others (`--brokers`, `--config`, `-X`, `--json`, `--propagator`, `--help`, `--version`) every command takes. */
export const OPTION_COMMAND: Readonly<Partial<Record<OptionName, Command>>> = {
  topic: 'inspect',
  partition: 'inspect',
  'from-beginning': 'inspect',
  offset: 'inspect',
  last: 'inspect',
  limit: 'inspect',
  follow: 'inspect',
  carriers: 'inspect',
  'show-baggage': 'inspect',
  'trace-id': 'inspect',
  key: 'inspect',
  idle: 'inspect',
  since: 'inspect',
  until: 'inspect',
  'max-header-bytes': 'inspect',
  'max-envelope-bytes': 'inspect',
  'max-context-bytes': 'inspect',
  isolation: 'inspect',
  to: 'probe',
  from: 'probe',
  'from-brokers': 'probe',
  'from-config': 'probe',
  'from-client-property': 'probe',
  mode: 'probe',
  timeout: 'probe',
};

function see(command: string | undefined): string {
  return command === 'inspect' || command === 'probe' ? `(see tracecarrier ${command} --help)` : '(see tracecarrier --help)';
}

/** `-n (--limit)` for a short form, `--limit` as given. */
function flag(rawName: string, name: string): string {
  return rawName === `--${name}` ? rawName : `${rawName} (--${name})`;
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${name} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${text}"`);
  return Number(text);
}

function required(name: string, value: string | undefined, command: Command): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required ${see(command)}`);
  return value;
}

/**
 * Parses the command line (without `node` and the script); throws {@link UsageError}, whose message
 * is one line, on a bad one: an unknown option, an option without its value (or a value for one
 * that takes none), an option of the other command, a bad number.
 */
export function parseCommandLine(argv: readonly string[]): Args {
  // Not strict: parseArgs' own errors are several lines long; each problem is told here in one.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  const [command, ...extra] = positionals;
  const options: Array<{ readonly name: OptionName; readonly rawName: string }> = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(OPTIONS, token.name)) throw new UsageError(`unknown option ${token.rawName} ${see(command)}`);
    const name = token.name as OptionName;
    if (OPTIONS[name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag(token.rawName, name)} takes no value, not "${token.value}" ${see(command)}`);
    } else if (token.value === undefined) {
      throw new UsageError(`${flag(token.rawName, name)} needs a value ${see(command)}`);
    } else if (!token.inlineValue && token.value.startsWith('-') && !/^-\d/.test(token.value)) {
      // `--brokers --topic t`: a value forgotten, not a value that starts with a dash (--name=-value).
      throw new UsageError(`${flag(token.rawName, name)} needs a value, not the option "${token.value}" ${see(command)}`);
    }
    options.push({ name, rawName: token.rawName });
  }
  if (command !== undefined && command !== 'inspect' && command !== 'probe') throw new UsageError(`unknown command "${command}": inspect or probe (see tracecarrier --help)`);
  if (values.help === true) return command === undefined ? { command: 'help' } : { command: 'help', about: command };
  if (values.version === true) return { command: 'version' };
  if (command === undefined) throw new UsageError('a command is required: inspect or probe (see tracecarrier --help)');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" ${see(command)}`);
  for (const { name, rawName } of options) {
    const owner = OPTION_COMMAND[name];
    if (owner !== undefined && owner !== command) throw new UsageError(`${flag(rawName, name)} is an option of ${owner}, not of ${command} ${see(command)}`);
  }
  // Every option is known and has a value of its type by now.
  const text = (name: OptionName) => values[name] as string | undefined;
  const list = (name: OptionName) => (values[name] as string[] | undefined) ?? [];
  const given = (name: OptionName) => values[name] === true;
  const json = given('json');
  const propagator = text('propagator') ?? 'w3c';
  const settingsOf = (config: OptionName, property: OptionName, flag: string): ClientSettings => {
    const path = text(config);
    return resolveSettings({ ...(path === undefined ? {} : { file: { path, option: `--${config}` } }), arguments: { values: list(property), option: flag } });
  };
  const client = settingsOf('config', 'client-property', '-X');
  // The cluster: --brokers, else the settings' bootstrap.servers.
  const brokers = text('brokers') ?? client.brokers;
  if (command === 'inspect') {
    const starts = [given('from-beginning'), text('offset') !== undefined, text('last') !== undefined, text('since') !== undefined].filter(Boolean).length;
    if (starts > 1) throw new UsageError('give at most one of --from-beginning, --offset, --last and --since');
    const offset = integer('offset', text('offset'), 0);
    const last = integer('last', text('last'), 1);
    const now = Date.now();
    const since = text('since') === undefined ? undefined : parseTime('since', text('since')!, now);
    const until = text('until') === undefined ? undefined : parseTime('until', text('until')!, now);
    if (until !== undefined && given('follow')) throw new UsageError('--until ends the read where --follow keeps it going: give one of them');
    if (since !== undefined && until !== undefined && until <= since) throw new UsageError('--until must come after --since');
    const start: StartAt = offset !== undefined ? { kind: 'offset', offset } : last !== undefined ? { kind: 'last', count: last } : since !== undefined ? { kind: 'time', at: since } : { kind: 'beginning' };
    const limitOf = (name: OptionName) => integer(name, text(name), 1);
    const limits: LimitOptions = Object.fromEntries(
      ([['maxHeaderBytes', 'max-header-bytes'], ['maxEnvelopeBytes', 'max-envelope-bytes'], ['maxContextBytes', 'max-context-bytes']] as const).flatMap(([key, name]) => (limitOf(name) === undefined ? [] : [[key, limitOf(name)]])),
    );
    const traceId = text('trace-id')?.toLowerCase();
    if (traceId !== undefined && !/^[0-9a-f]{32}$/.test(traceId)) throw new UsageError(`--trace-id takes 32 hexadecimal digits, not "${text('trace-id')}"`);
    const carriers = (text('carriers') ?? 'auto').split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (carriers.length === 0) throw new UsageError('--carriers names at least one carrier');
    const isolation = text('isolation') ?? client.properties.find((entry) => entry.name === 'isolation.level')?.value ?? 'read_committed';
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw new UsageError(`--isolation is read_committed or read_uncommitted, not "${isolation}"`);
    return {
      command,
      brokers: required('brokers', brokers, command),
      topic: required('topic', text('topic'), command),
      partition: integer('partition', text('partition'), 0),
      start,
      limit: integer('limit', text('limit'), 1),
      follow: given('follow'),
      json,
      carriers,
      showBaggage: given('show-baggage'),
      propagator,
      traceId,
      key: text('key'),
      idleSeconds: integer('idle', text('idle'), 1),
      until,
      limits,
      isolation,
      client,
    };
  }
  const mode = text('mode') ?? 'headers';
  if (mode !== 'headers' && mode !== 'envelope' && mode !== 'both') throw new UsageError(`--mode is headers, envelope or both, not "${mode}"`);
  const sendTo = required('brokers', brokers, command);
  const to = required('to', text('to'), command);
  const ownFrom = text('from-config') !== undefined || list('from-client-property').length > 0;
  const fromClient = ownFrom ? settingsOf('from-config', 'from-client-property', '--from-client-property') : client;
  const fromBrokers = text('from-brokers') ?? (ownFrom ? fromClient.brokers : undefined) ?? sendTo;
  return { command, brokers: sendTo, to, from: text('from') ?? to, fromBrokers, mode, timeoutSeconds: integer('timeout', text('timeout'), 1) ?? 30, json, propagator, client, fromClient };
}
