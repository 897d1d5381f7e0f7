/**
 * Part 8 across Node lines: what a service runs, for every client, on several lanes (a Node line
 * with an OpenTelemetry SDK line, scripts/lane.sh) side by side through one broker. Each round runs
 * every case on every lane, case by case, the lanes alternating (and the order reversed every other
 * round), so a slow stretch of the machine hits every line alike; `--repeat` rounds, each case in a
 * process of its own, median and spread per side. Beside each lane, what one context entry costs
 * on its line (context-entry.ts). Started by scripts/bench-lines.sh (`pnpm bench:lines`), which
 * prepares the lanes and the broker:
 *
 *   node bench/dist/lines.js --lane NAME=NODE:DIR … [--messages N] [--repeat N] [--clients A,B] [--smoke] [--out DIR]
 *   node bench/dist/lines.js --pool A.json,B.json,… [--out DIR]
 *
 * (DIR: the lane's workspace, whose bench/dist/broker-case.js runs under NODE; `--clients`: only
 * these clients, by case prefix, e.g. `platformatic` or `kafkajs,rdkafka`.) `--pool` runs
 * nothing: it reports the processes of several earlier runs together (same lanes and messages), so
 * a table's medians stand on every process of every run, and writes them as one file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseName, CaseResult } from './broker-case.js';
import { ANCHORS, SERVICE_CLIENTS, runCase, spread, type CaseRunner, type ServiceClient, type Spread } from './service.js';

interface Lane extends CaseRunner {
  readonly name: string;
  readonly about: string;
}

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
/** What a run writes (benchmarks.lines.json), and what `--pool` reads back. */
interface LinesFile {
  readonly messages: number;
  readonly repeats: number;
  readonly runsPooled?: number;
  readonly lanes: ReadonlyArray<{ name: string; about: string; contextEntry: unknown }>;
  readonly runs: Record<string, CaseResult[]>;
}
const pooled: LinesFile[] = (option('--pool')?.split(',') ?? []).map((file) => JSON.parse(readFileSync(file, 'utf8')) as LinesFile);
const smoke = argv.includes('--smoke');
const messages = pooled[0]?.messages ?? Number(option('--messages') ?? (smoke ? 1_000 : 50_000));
const repeats = pooled.length > 0 ? pooled.reduce((sum, file) => sum + file.repeats, 0) : Number(option('--repeat') ?? (smoke ? 1 : 3));
const out = option('--out');
const lanes: Lane[] =
  pooled.length > 0
    ? pooled[0]!.lanes.map(({ name, about }) => ({ name, about, node: '', command: [] }))
    : argv.flatMap((arg, i) => (argv[i - 1] === '--lane' ? [arg] : [])).map((spec) => {
        const [name, rest] = spec.split('=') as [string, string];
        const [node, dir] = rest.split(':') as [string, string];
        const about = execFileSync(node, ['-e', 'const v=(n)=>JSON.parse(require("node:fs").readFileSync(`node_modules/${n}/package.json`,"utf8")).version;console.log(`Node ${process.versions.node}, SDK ${v("@opentelemetry/core")}, api ${v("@opentelemetry/api")}`)'], { cwd: dir, encoding: 'utf8' }).trim();
        return { name, node, command: [join(dir, 'bench', 'dist', 'broker-case.js')], about };
      });
for (const file of pooled) {
  const same = file.messages === messages && file.lanes.map((lane) => `${lane.name} ${lane.about}`).join() === lanes.map((lane) => `${lane.name} ${lane.about}`).join();
  if (!same) throw new Error('--pool: every run must have the same lanes (Node and SDK versions) and the same number of messages');
}
if (lanes.length === 0) throw new Error('no --lane NAME=NODE:DIR given');

/**
 * The cases the per-line table reads, per client: the floor, context only, tracecarrier sampled out,
 * 1 %, in (default `auto` reading, and reading headers only as the hand-written code does), with
 * metrics, the same tracing by hand in and out.
 */
const COLUMNS = [
  ['floor', 'floor (bare + 1 header)'],
  ['contextOnly', 'context only'],
  ['off', 'sampled out'],
  ['ratio', '1 %'],
  ['on', 'sampled in'],
  ['readHeaders', 'sampled in, reading headers only'],
  ['metrics', 'sampled in + metrics'],
  ['handOff', 'by hand, sampled out'],
  ['hand', 'by hand, sampled in'],
] as const satisfies ReadonlyArray<readonly [keyof ServiceClient, string]>;
// A client is named by its cases' prefix (`<prefix>-bare-with-header` is its floor).
const prefixOf = (client: ServiceClient) => client.floor.replace(/-bare-with-header$/, '');
const chosen = option('--clients')?.split(',');
const savedClients = pooled[0] === undefined ? undefined : new Set(Object.keys(pooled[0].runs).map((key) => key.split('/')[1]!));
const clients = SERVICE_CLIENTS.filter((client) =>
  savedClients !== undefined ? savedClients.has(client.floor) : chosen !== undefined ? chosen.includes(prefixOf(client)) : !smoke || ['kafkajs', 'rdkafka', 'platformatic'].includes(prefixOf(client)),
);
if (clients.length === 0) throw new Error(`--clients: none of ${chosen?.join(', ')} is a client (${SERVICE_CLIENTS.map(prefixOf).join(', ')})`);
// Each client's other tracing (the official instrumentation), for the clients run, not in a smoke run.
const anchors = smoke ? [] : ANCHORS.filter((anchor) => clients.some((client) => client.client === anchor.client));
const names: CaseName[] = [...clients.flatMap((client) => COLUMNS.map(([key]) => client[key] as CaseName)), ...anchors.flatMap((anchor) => anchor.cases)];

const runs = new Map<string, CaseResult[]>();
for (const file of pooled) for (const [key, results] of Object.entries(file.runs)) runs.set(key, [...(runs.get(key) ?? []), ...results]);
for (let round = 0; pooled.length === 0 && round < repeats; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    for (const lane of round % 2 === 0 ? lanes : [...lanes].reverse()) {
      const key = `${lane.name}/${name}`;
      runs.set(key, [...(runs.get(key) ?? []), runCase(lane, name, messages)]);
    }
  }
  console.error(`round ${round + 1}/${repeats} done`);
}

const entries = new Map<string, unknown>();
// Pooled runs report the context entry of the last run (a microbenchmark, measured in every run).
for (const lane of pooled.length > 0 ? [] : lanes) {
  const output = execFileSync(lane.node, [join(lane.command[0]!, '..', 'context-entry.js')], { encoding: 'utf8' });
  entries.set(lane.name, JSON.parse(output.trim().split('\n').at(-1)!));
}
for (const lane of pooled.at(-1)?.lanes ?? []) entries.set(lane.name, lane.contextEntry);

const sides = (lane: Lane, name: CaseName, from: ReadonlyMap<string, CaseResult[]> = runs): { produce: Spread; consume: Spread } => {
  const results = from.get(`${lane.name}/${name}`) ?? [];
  return { produce: spread(results.map((r) => r.produceRate)), consume: spread(results.map((r) => r.consumeRate)) };
};
const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};
say(`Part 8 per Node line: ${messages} messages of 1 KiB per case, ${repeats} process(es) per case and lane${pooled.length > 0 ? ` from ${pooled.length} runs` : ''}, interleaved; msg/s median (ratio to the floor), [min–max]`);
for (const lane of lanes) say(`- ${lane.name}: ${lane.about}; one context entry: ${JSON.stringify(entries.get(lane.name))}`);
for (const side of ['consume', 'produce'] as const) {
  say('');
  say(`| ${side} | line | ${COLUMNS.map(([, label]) => label).join(' | ')} | out / by hand out | in / by hand in | in, headers only / by hand in |`);
  say(`|---|---|${COLUMNS.map(() => '---').join('|')}|---|---|---|`);
  for (const client of clients) {
    for (const lane of lanes) {
      const floor = sides(lane, client.floor)[side].median;
      const cells = COLUMNS.map(([key]) => {
        const s = sides(lane, client[key] as CaseName)[side];
        return key === 'floor' ? `${k(s.median)} [${k(s.min)}–${k(s.max)}]` : `${k(s.median)} (${(s.median / floor).toFixed(2)}) [${k(s.min)}–${k(s.max)}]`;
      });
      // Slower is a ratio above 1: the hand-written rate over tracecarrier's.
      const ratio = (ours: keyof ServiceClient, hand: keyof ServiceClient, from?: ReadonlyMap<string, CaseResult[]>) => (sides(lane, client[hand] as CaseName, from)[side].median / sides(lane, client[ours] as CaseName, from)[side].median).toFixed(2);
      // Pooled: each run's own ratio, then the ratio of the pooled medians.
      const vsHand = (ours: keyof ServiceClient, hand: keyof ServiceClient) =>
        pooled.length > 0 ? `${pooled.map((file) => ratio(ours, hand, new Map(Object.entries(file.runs)))).join(' / ')}; **${ratio(ours, hand)}**` : ratio(ours, hand);
      say(`| ${client.client} | ${lane.name} | ${cells.join(' | ')} | ${vsHand('off', 'handOff')}× | ${vsHand('on', 'hand')}× | ${vsHand('readHeaders', 'hand')}× |`);
    }
  }
}
// CPU per message: what a busy machine distorts least (waiting is not counted), where the runs have it.
const CPU_COLUMNS = [
  ['floor', 'floor'],
  ['contextOnly', 'context only'],
  ['off', 'sampled out'],
  ['handOff', 'by hand, sampled out'],
  ['on', 'sampled in'],
  ['readHeaders', 'sampled in, reading headers only'],
  ['hand', 'by hand, sampled in'],
] as const satisfies ReadonlyArray<readonly [keyof ServiceClient, string]>;
const cpu = (lane: Lane, name: CaseName, side: 'produce' | 'consume'): Spread | undefined => {
  const values = (runs.get(`${lane.name}/${name}`) ?? []).map((r) => (side === 'produce' ? r.produceCpuUs : r.consumeCpuUs)).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : spread(values);
};
for (const side of ['consume', 'produce'] as const) {
  if (clients.every((client) => lanes.every((lane) => cpu(lane, client.off as CaseName, side) === undefined))) continue;
  say('');
  say(`| CPU µs per message, ${side} | line | ${CPU_COLUMNS.map(([, label]) => label).join(' | ')} | out / by hand out | in / by hand in |`);
  say(`|---|---|${CPU_COLUMNS.map(() => '---').join('|')}|---|---|`);
  for (const client of clients) {
    for (const lane of lanes) {
      const of = (key: keyof ServiceClient) => cpu(lane, client[key] as CaseName, side);
      const cells = CPU_COLUMNS.map(([key]) => {
        const s = of(key);
        return s === undefined ? '–' : `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
      });
      // Above 1: tracecarrier spends more CPU on a message than the same tracing by hand.
      const ratio = (ours: keyof ServiceClient, hand: keyof ServiceClient) => {
        const [a, b] = [of(ours), of(hand)];
        return a === undefined || b === undefined ? '–' : `${(a.median / b.median).toFixed(2)}×`;
      };
      say(`| ${client.client} | ${lane.name} | ${cells.join(' | ')} | ${ratio('off', 'handOff')} | ${ratio('on', 'hand')} |`);
    }
  }
}
for (const anchor of anchors) {
  const client = clients.find((c) => c.client === anchor.client)!;
  const labels = ['sampled in', 'sampled out', 'with metrics'].slice(0, anchor.cases.length);
  say('');
  const compared = ['tracecarrier / it, sampled in', 'sampled out', 'with metrics'].slice(0, anchor.cases.length);
  say(`| ${anchor.client}, ${anchor.library} | line | ${labels.join(' | ')} | ${compared.join(' | ')} |`);
  say(`|---|---|${labels.map(() => '---').join('|')}|${compared.map(() => '---').join('|')}|`);
  for (const side of ['consume', 'produce'] as const) {
    for (const lane of lanes) {
      const median = (name: CaseName) => sides(lane, name)[side].median;
      const [inCase, outCase] = anchor.cases as [CaseName, CaseName];
      // Above 1: tracecarrier handles more messages a second than it.
      const metricsCase = anchor.cases[2];
      say(`| ${side} | ${lane.name} | ${anchor.cases.map((name) => k(median(name))).join(' | ')} | ${(median(client.on as CaseName) / median(inCase)).toFixed(2)}× | ${(median(client.off as CaseName) / median(outCase)).toFixed(2)}× |${metricsCase === undefined ? '' : ` ${(median(client.metrics as CaseName) / median(metricsCase)).toFixed(2)}× |`}`);
    }
  }
}
if (out !== undefined) writeFileSync(join(out, 'benchmarks.lines.json'), JSON.stringify({ messages, repeats, ...(pooled.length > 0 ? { runsPooled: pooled.length } : {}), lanes: lanes.map(({ name, about }) => ({ name, about, contextEntry: entries.get(name) })), runs: Object.fromEntries(runs), report: lines }, null, 2));
