/**
 * What one context entry costs on the Node line this runs on: OpenTelemetry's `context.with` through
 * the SDK's `AsyncLocalStorageContextManager` (what tracecarrier and the hand-written tracing do once
 * per message), `AsyncLocalStorage.run` itself, and the same around an async handler with one await
 * (a kafkajs `eachMessage`) and inside an async resource's scope (a native client's callback), each
 * against the same call without entering. Node 24 made AsyncContextFrame the store behind
 * AsyncLocalStorage (no async hooks; a frame allocated per entry); Node 22 runs async hooks. Part 8's
 * per-line table reads its ratios with this beside it. Not a part of `pnpm bench`:
 *
 *   pnpm build && node scripts/build-bench.mjs && node bench/dist/context-entry.js   (another line: scripts/lane.sh run NAME -- …)
 */
import { ROOT_CONTEXT, context, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { compare } from './harness.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const KEY = createContextKey('bench');
const entered = ROOT_CONTEXT.setValue(KEY, 1);
const storage = new AsyncLocalStorage<number>();
let sink = 0;
const work = (): void => {
  sink++;
};
const resource = new AsyncResource('bench.nativeCallback');

const sync = compare(
  {
    'plain call': () => work(),
    'context.with': () => context.with(entered, work),
    'AsyncLocalStorage.run': () => storage.run(1, work),
    'native callback scope': () => resource.runInAsyncScope(work),
    'native callback scope + context.with': () => resource.runInAsyncScope(() => context.with(entered, work)),
  },
  200_000,
);

/** Nanoseconds per awaited call of `step`, median of rounds (async: the harness's loop is sync). */
async function perAwait(step: () => Promise<void>, iterations: number, rounds = 7): Promise<number> {
  for (let i = 0; i < iterations / 4; i++) await step();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await step();
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const handler = async (): Promise<void> => {
  await undefined;
  sink++;
};
const plainAwait = await perAwait(handler, 100_000);
const withAwait = await perAwait(() => context.with(entered, handler), 100_000);

if (sink === 0) throw new Error('nothing ran');
const by = (name: string) => sync.find((m) => m.name === name)!.nsPerOp;
const line = `Node ${process.versions.node}${process.execArgv.length > 0 ? ` (${process.execArgv.join(' ')})` : ''}`;
console.log(`${line}: one context entry`);
console.log(`  context.with (sync fn):               ${(by('context.with') - by('plain call')).toFixed(0)} ns over a plain call (${by('context.with').toFixed(0)} ns)`);
console.log(`  AsyncLocalStorage.run (sync fn):      ${(by('AsyncLocalStorage.run') - by('plain call')).toFixed(0)} ns over a plain call`);
console.log(`  context.with inside a native callback: ${(by('native callback scope + context.with') - by('native callback scope')).toFixed(0)} ns over the callback alone (${by('native callback scope').toFixed(0)} ns)`);
console.log(`  context.with around an async handler: ${(withAwait - plainAwait).toFixed(0)} ns over the handler awaited alone (${plainAwait.toFixed(0)} ns)`);
console.log(JSON.stringify({ node: process.versions.node, contextWith: by('context.with') - by('plain call'), alsRun: by('AsyncLocalStorage.run') - by('plain call'), inCallback: by('native callback scope + context.with') - by('native callback scope'), aroundAsync: withAwait - plainAwait }));
