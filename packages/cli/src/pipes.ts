/**
 * The reader of the output going away. `tracecarrier inspect … | head -1` closes the pipe after a
 * line, and the next write fails with EPIPE: Node reports that as an `error` event on
 * `process.stdout` (or `process.stderr`), and an `error` event nobody listens to ends the process
 * with a stack trace. One listener per stream, for the life of the process (the event can come
 * after the command has returned), takes it instead, remembers it, and tells whoever watches: the
 * running command stops reading and closes its Kafka client, and nothing more is written to the
 * stream (`Output` asks {@link writesFailed}; Node's own `writable` cannot say, as Node makes
 * `process.stdout` and `process.stderr` writable again after an error).
 */

/** A write to stdout or stderr that failed. */
export interface OutputFailure {
  readonly stream: 'stdout' | 'stderr';
  /** The system error code: `EPIPE` when the reader went away. */
  readonly code: string | undefined;
}

type Watcher = (error: NodeJS.ErrnoException) => void;

interface StreamState {
  /** The first failed write's error. */
  failure: NodeJS.ErrnoException | undefined;
  readonly watchers: Set<Watcher>;
}

// A stream is here once its one listener is on.
const states = new WeakMap<NodeJS.WritableStream, StreamState>();

function stateOf(stream: NodeJS.WritableStream): StreamState {
  const known = states.get(stream);
  if (known !== undefined) return known;
  const state: StreamState = { failure: undefined, watchers: new Set() };
  stream.on('error', (error: NodeJS.ErrnoException) => {
    state.failure ??= error;
    for (const watcher of state.watchers) watcher(error);
  });
  states.set(stream, state);
  return state;
}

/**
 * A check that says whether a write to `stream` has failed (EPIPE: its reader went away), after
 * which nothing should be written to it. From this call on, a failed write to `stream` no longer
 * ends the process.
 */
export function writesFailed(stream: NodeJS.WritableStream): () => boolean {
  const state = stateOf(stream);
  return () => state.failure !== undefined;
}

/**
 * Calls `onFailure` once, at the first write to `stdout` or `stderr` (the process's by default)
 * that fails; returns the function that stops watching. Whether watched or not, a failed write no
 * longer ends the process.
 */
export function watchOutput(onFailure: (failure: OutputFailure) => void, streams: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream } = process): () => void {
  let told = false;
  const watch = (name: OutputFailure['stream']): [Set<Watcher>, Watcher] => [
    stateOf(streams[name]).watchers,
    (error) => {
      if (told) return;
      told = true;
      onFailure({ stream: name, code: error.code });
    },
  ];
  const watching = [watch('stdout'), watch('stderr')];
  for (const [set, watcher] of watching) set.add(watcher);
  return () => {
    for (const [set, watcher] of watching) set.delete(watcher);
  };
}
