import type { InspectArgs } from './args.js';
import { RecordAnalyser, SummaryCounter, type InspectSummary, type RecordReport } from './analyse.js';
import { resolveCarriers } from './carriers.js';
import { resolvePropagator } from './propagators.js';
import { UsageError } from './errors.js';
import { TopicReader, type PartitionRange } from './kafka.js';
import type { Message } from 'node-rdkafka';
import type { Output } from './output.js';

// Without --follow, a read ends at the high watermarks it started with, or after this long with
// nothing new (a partition whose last offsets are transaction markers never yields them).
const IDLE_END_MS = 3_000;
const BATCH = 500;

/** Where each partition's read starts and ends, from its watermarks (and, for times, the broker's offsets for them). */
async function rangeOf(args: InspectArgs, reader: TopicReader, partition: number, low: number, high: number): Promise<PartitionRange> {
  const { start: from } = args;
  const start =
    from.kind === 'beginning' ? low
    : from.kind === 'offset' ? Math.min(Math.max(low, from.offset), high)
    : from.kind === 'last' ? Math.max(low, high - from.count)
    : Math.max(low, await reader.offsetForTime(args.topic, partition, from.at));
  const end = args.until === undefined ? high : Math.max(start, Math.min(high, await reader.offsetForTime(args.topic, partition, args.until)));
  return { partition, start, end };
}

/** Whether a record passes `--trace-id` and `--key` (every record, without them). */
function selected(args: InspectArgs, report: RecordReport): boolean {
  if (args.key !== undefined && report.key !== args.key) return false;
  return args.traceId === undefined || report.found.some((found) => found.traceId === args.traceId);
}

/**
 * `tracecarrier inspect`: reads the topic (no group, no commit), reports each record, ends with a
 * summary. Resolves when the read ends: the end of the partitions, `--limit`, or `stop()` (Ctrl-C).
 */
export async function inspect(args: InspectArgs, output: Output, signal: AbortSignal): Promise<InspectSummary> {
  const analyser = new RecordAnalyser(await resolveCarriers(args.carriers), await resolvePropagator(args.propagator), args.limits);
  const reader = await TopicReader.connect(args.brokers, args.client, args.isolation);
  const counter = new SummaryCounter();
  const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  try {
    const partitions = await reader.partitions(args.topic);
    if (args.partition !== undefined && !partitions.includes(args.partition)) throw new UsageError(`topic "${args.topic}" has no partition ${args.partition} (it has ${partitions.join(', ')})`);
    const ranges = await Promise.all((args.partition === undefined ? partitions : [args.partition]).map(async (partition) => {
      const { low, high } = await reader.watermarks(args.topic, partition);
      return rangeOf(args, reader, partition, low, high);
    }));
    const position = new Map(ranges.map((range) => [range.partition, range.start]));
    const done = () => !args.follow && ranges.every((range) => (position.get(range.partition) ?? 0) >= range.end);
    if (!done()) reader.assign(args.topic, ranges);
    let idleSince = Date.now();
    // --idle bounds a read (--follow's too) by a quiet spell; without --follow there is always one.
    const idleEndMs = args.idleSeconds !== undefined ? args.idleSeconds * 1000 : args.follow ? Infinity : IDLE_END_MS;
    // The next batch is asked for before this one is analysed and written: node-rdkafka takes it
    // off librdkafka's queue on a worker thread meanwhile. One asked for and not taken (the read
    // ended) is waited for before the client closes.
    let next: Promise<Message[]> | undefined;
    try {
      while (!signal.aborted && !done() && (args.limit === undefined || counter.records < args.limit)) {
        const messages = await (next ?? reader.next(BATCH));
        next = undefined;
        if (messages.length === 0) {
          if (Date.now() - idleSince > idleEndMs) break;
          continue;
        }
        idleSince = Date.now();
        // Where the batch takes each partition, first: the next batch is asked for only while there is more to read.
        const batch: Message[] = [];
        for (const message of messages) {
          const range = ranges.find((entry) => entry.partition === message.partition);
          if (!args.follow && range !== undefined && message.offset >= range.end) continue;
          position.set(message.partition, message.offset + 1);
          batch.push(message);
        }
        if (!signal.aborted && !done() && (args.limit === undefined || counter.records + batch.length < args.limit)) next = reader.next(BATCH);
        const shown: RecordReport[] = [];
        for (const message of batch) {
          counter.scanned++;
          const report = analyser.analyse(message, args.showBaggage);
          if (!selected(args, report)) continue;
          counter.add(report);
          shown.push(report);
          if (args.limit !== undefined && counter.records >= args.limit) break;
        }
        // A batch's records in one write; a full pipe holds the read back until it drains (or Ctrl-C).
        await Promise.race([output.records(shown), aborted]);
        output.progress(counter.scanned);
      }
    } finally {
      if (next !== undefined) await next.catch(() => undefined);
    }
  } finally {
    await reader.close();
  }
  const summary = counter.summary();
  output.summary(summary);
  return summary;
}
