import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpanRow } from '../../demo/waterfall.js';

const script = fileURLToPath(new URL('./consumer-worker.ts', import.meta.url));

// Every worker dies with the suite, even when a test times out before its own clean-up ran.
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** One line a worker wrote (see consumer-worker.ts). */
export type WorkerRecord =
  | { t: 'assigned' }
  | { t: 'start'; key: string; partition: number; offset: string }
  | { t: 'done'; key: string }
  | {
      t: 'span';
      name: string;
      traceId: string;
      spanId: string;
      parent?: string;
      key?: string;
      error?: string;
      kind: number;
      startMs: number;
      durationMs: number;
      links: string[];
    }
  | { t: 'exit'; open: number; disconnected: boolean };

/** A consumer in its own process. */
export interface Worker {
  readonly process: ChildProcess;
  records(): WorkerRecord[];
  /** A crash: SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** A clean stop: SIGTERM, the worker disconnects and reports its open spans. */
  stop(): Promise<void>;
}

/** Starts a consumer process of `binding` in `groupId`; `delayMs` of blocking work per message. */
export function startWorker(binding: 'kafkajs' | 'node-rdkafka', topic: string, groupId: string, delayMs = 0): Worker {
  const out = join(mkdtempSync(join(tmpdir(), 'tc-worker-')), 'records.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=tracecarrier-source', script, binding, topic, groupId, out, String(delayMs)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  alive.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      alive.delete(child);
      resolve();
    }),
  );
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    // A worker that cannot leave its group cleanly within 60 s is killed (and reports no exit record).
    const timer = setTimeout(() => {
      console.error(`worker ${child.pid} did not stop after ${name}: killing it`);
      child.kill('SIGKILL');
    }, 60_000);
    await exited;
    clearTimeout(timer);
  };
  // Read incrementally: the full-size run writes hundreds of thousands of lines and tests poll.
  const records: WorkerRecord[] = [];
  let position = 0;
  let partial = '';
  const read = (): WorkerRecord[] => {
    if (!existsSync(out)) return records;
    const fd = openSync(out, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > position) {
        const buffer = Buffer.alloc(size - position);
        readSync(fd, buffer, 0, buffer.length, position);
        position = size;
        const lines = (partial + buffer.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line !== '') records.push(JSON.parse(line) as WorkerRecord);
      }
    } finally {
      closeSync(fd);
    }
    return records;
  };
  return {
    process: child,
    records: read,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

/** Keys a worker started or finished handling. */
export function keysOf(worker: Worker, t: 'start' | 'done'): string[] {
  return worker.records().flatMap((record) => (record.t === t ? [record.key] : []));
}

/** The process spans a worker ended. */
export function processSpansOf(worker: Worker, topic: string): Array<Extract<WorkerRecord, { t: 'span' }>> {
  return worker.records().flatMap((record) => (record.t === 'span' && record.name === `process ${topic}` ? [record] : []));
}

/** Whether a stopped worker's client disconnect returned (undefined: it never reported). */
export function disconnectedOf(worker: Worker): boolean | undefined {
  const exit = worker.records().find((record) => record.t === 'exit');
  return exit?.t === 'exit' ? exit.disconnected : undefined;
}

/** The open spans a cleanly stopped worker reported. */
export function openSpansOf(worker: Worker): number | undefined {
  const exit = worker.records().find((record) => record.t === 'exit');
  return exit?.t === 'exit' ? exit.open : undefined;
}

/** A worker's spans as waterfall rows (demo/waterfall.ts), labelled with the worker's name. */
export function spanRowsOf(worker: Worker, service: string): SpanRow[] {
  return worker.records().flatMap((record) =>
    record.t === 'span'
      ? [{ traceId: record.traceId, spanId: record.spanId, parentSpanId: record.parent, name: record.name, kind: record.kind, service, startMs: record.startMs, durationMs: record.durationMs, links: record.links }]
      : [],
  );
}
