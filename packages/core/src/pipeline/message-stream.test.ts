import { Readable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runInSpan } from '../spans/run-in-span.js';
import { Handout } from './handout.js';
import { tracedStream } from './message-stream.js';

// The stream view and its iterator against a real object-mode Readable (what the client's
// MessagesStream is); the broker suite runs the same paths through the client itself.
const exporter = new InMemorySpanExporter();
const open = new Set<Span>();
const tracer = new TracerProvider({
  spanProcessors: [
    { onStart: (span) => open.add(span as never), onEnd: (span) => open.delete(span as never), forceFlush: async () => {}, shutdown: async () => {} },
    new SimpleSpanProcessor({ exporter }),
  ],
}).getTracer('test');

interface Msg {
  readonly id: number;
  readonly value: string;
}

const messages = (): Msg[] => [1, 2, 3].map((id) => ({ id, value: `m${id}` }));
const handouts = new Map<number, Handout<Msg>>();
function handOut(raw: Msg): Handout<Msg> {
  const span = tracer.startSpan(`process ${raw.id}`);
  // The application gets a copy, as for an unwrapped envelope.
  const handout = new Handout({ ...raw, value: raw.value.toUpperCase() }, { span, context: trace.setSpan(ROOT_CONTEXT, span) });
  handouts.set(raw.id, handout);
  return handout;
}
const ended = () => exporter.getFinishedSpans().map((span) => span.name);
const activeName = () => (trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterEach(() => {
  exporter.reset();
  open.clear();
  handouts.clear();
});

describe("a traced stream's 'data' listeners", () => {
  it('run each message in its span, handed over as the view hands it, and end it once every listener returned', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    const seen: Array<[string | undefined, string]> = [];
    const second: string[] = [];
    stream.on('data', (message: Msg) => seen.push([activeName(), message.value]));
    stream.on('data', () => second.push(activeName() ?? 'none'));
    await new Promise((resolve) => stream.on('end', resolve));
    await Promise.resolve();
    expect(seen).toEqual([
      ['process 1', 'M1'],
      ['process 2', 'M2'],
      ['process 3', 'M3'],
    ]);
    expect(second).toEqual(['process 1', 'process 2', 'process 3']);
    expect(ended()).toEqual(['process 1', 'process 2', 'process 3']);
    expect(open.size).toBe(0);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('with one listener, end its span as soon as it returns; a listener added meanwhile shares the next message span only', async () => {
    const stream = tracedStream(new Readable({ objectMode: true, read() {} }), handOut) as Readable;
    const calls: Array<[string, string | undefined]> = [];
    const late = () => calls.push(['late', activeName()]);
    stream.on('data', (message: Msg) => {
      calls.push(['first', activeName()]);
      if (message.id === 1) stream.on('data', late);
    });
    stream.emit('data', messages()[0]);
    // Ended at once, not a microtask later: the stream had one listener when the message came.
    expect(ended()).toEqual(['process 1']);
    stream.emit('data', messages()[1]);
    await Promise.resolve();
    expect(calls).toEqual([
      ['first', 'process 1'],
      ['first', 'process 2'],
      ['late', 'process 2'],
    ]);
    expect(ended()).toEqual(['process 1', 'process 2']);
    expect(open.size).toBe(0);
  });

  it('keep a span open until the promise an async listener returned settles', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = tracedStream(Readable.from(messages().slice(0, 1)), handOut);
    let inside: string | undefined;
    stream.on('data', async () => {
      await gate;
      inside = activeName();
    });
    await new Promise((resolve) => stream.on('end', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended()).toEqual([]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(inside).toBe('process 1');
    expect(ended()).toEqual(['process 1']);
  });

  it('record a listener that throws on the span and rethrow it unchanged to the emitter (the client then fails the stream)', async () => {
    const stream = tracedStream(new Readable({ objectMode: true, read() {} }), handOut) as Readable;
    const failure = new Error('handler failed');
    stream.on('data', () => {
      throw failure;
    });
    expect(() => stream.emit('data', messages()[0])).toThrow(failure);
    await Promise.resolve();
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(2);
    expect(span?.events[0]?.name).toBe('exception');
    expect(open.size).toBe(0);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('record the rejection of a promise a listener returned on the span, and rethrow it (an unhandled rejection stays unhandled)', async () => {
    const stream = tracedStream(new Readable({ objectMode: true, read() {} }), handOut) as Readable;
    const failure = new Error('async handler failed');
    let rethrown: unknown;
    // A thenable that rejects, so the test sees what the view does with the rejection.
    const rejecting: PromiseLike<never> = {
      then(_ok, fail) {
        queueMicrotask(() => {
          try {
            fail?.(failure);
          } catch (error) {
            rethrown = error;
          }
        });
        return undefined as never;
      },
    };
    stream.on('data', () => rejecting);
    stream.emit('data', messages()[0]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(rethrown).toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toMatchObject({ code: 2, message: 'async handler failed' });
    expect(open.size).toBe(0);
  });

  it('map removeListener and once to the listener the application gave, and chain on the view', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    const names: Array<string | undefined> = [];
    const listener = (message: Msg) => {
      names.push(activeName());
      if (message.id === 2) stream.removeListener('data', listener);
    };
    const chained = stream.pause().on('data', listener);
    expect(chained).toBe(stream);
    stream.resume();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(names).toEqual(['process 1', 'process 2']);
  });
});

describe("a traced stream's iterator", () => {
  it('hands each message over with its span open during the loop body, ended at the next pull and at the end', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    const during: string[][] = [];
    for await (const message of stream as AsyncIterable<Msg>) {
      expect(message.value).toBe(message.value.toUpperCase());
      during.push(ended());
      // The loop body is in the loop's own context: the iterator cannot enter the span's.
      expect(trace.getActiveSpan()).toBeUndefined();
    }
    expect(during).toEqual([[], ['process 1'], ['process 1', 'process 2']]);
    expect(ended()).toEqual(['process 1', 'process 2', 'process 3']);
    expect(open.size).toBe(0);
  });

  it('ends the open span when the loop is left with break, and the stream is destroyed as without tracing', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    for await (const message of stream as AsyncIterable<Msg>) if (message.id === 2) break;
    expect(ended()).toEqual(['process 1', 'process 2']);
    expect(open.size).toBe(0);
    expect((stream as Readable).destroyed).toBe(true);
  });

  it('ends the open span when the body throws out of the loop', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    await expect(
      (async () => {
        for await (const message of stream as AsyncIterable<Msg>) if (message.id === 1) throw new Error('body failed');
      })(),
    ).rejects.toThrow('body failed');
    expect(ended()).toEqual(['process 1']);
    expect(open.size).toBe(0);
  });

  it('lets work taken over in the span (what processMessage does) end it first, and never ends it twice', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut);
    const names: Array<string | undefined> = [];
    for await (const message of stream as AsyncIterable<Msg>) {
      const started = handouts.get(message.id)?.take();
      expect(started).toBeDefined();
      await runInSpan(started!, async () => {
        await Promise.resolve();
        names.push(activeName());
      });
      expect(ended()).toContain(`process ${message.id}`);
    }
    expect(names).toEqual(['process 1', 'process 2', 'process 3']);
    expect(ended()).toEqual(['process 1', 'process 2', 'process 3']);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('iterator() with destroyOnReturn: false is traced too, and the stream stays usable', async () => {
    const stream = tracedStream(Readable.from(messages()), handOut) as Readable;
    for await (const message of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Msg>) if (message.id === 1) break;
    expect(ended()).toEqual(['process 1']);
    expect(stream.destroyed).toBe(false);
    for await (const message of stream as AsyncIterable<Msg>) expect(message.value).toBe(`M${message.id}`);
    expect(ended()).toEqual(['process 1', 'process 2', 'process 3']);
  });
});
