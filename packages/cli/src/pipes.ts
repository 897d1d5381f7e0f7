/**
 * The reader of the output going away. `tracecarrier inspect … | head -1` closes the pipe after a
 * line, and the next write fails with EPIPE: Node reports that as an `error` event on
 * `process.stdout` (or `process.stderr`), and an `error` event nobody listens to ends the process
 * with a stack trace. One listener per stream, for the life of the process (the event can come
 * after the command has returned), takes it instead and tells whoever watches: the running command
 * stops reading and closes its Kafka client. The failed stream is no longer `writable` from the
 * failed write on, and nothing more is written to it (`Output` checks).
 */

/** A write to stdout or stderr that failed. */
export interface OutputFailure {
  readonly stream: 'stdout' | 'stderr';
  /** The system error code: `EPIPE` when the reader went away. */
  readonly code: string | undefined;
}

type Watcher = (error: NodeJS.ErrnoException) => void;

// Each stream's watchers; a stream is in the map once its one listener is on.
const watchers = new WeakMap<NodeJS.WritableStream, Set<Watcher>>();

function watchersOf(stream: NodeJS.WritableStream): Set<Watcher> {
  const known = watchers.get(stream);
  if (known !== undefined) return known;
  const set = new Set<Watcher>();
  stream.on('error', (error: NodeJS.ErrnoException) => {
    for (const watcher of set) watcher(error);
  });
  watchers.set(stream, set);
  return set;
}

/**
 * Calls `onFailure` once, at the first write to `stdout` or `stderr` (the process's by default)
 * that fails; returns the function that stops watching. Whether watched or not, a failed write no
 * longer ends the process.
 */
export function watchOutput(onFailure: (failure: OutputFailure) => void, streams: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream } = process): () => void {
  let told = false;
  const watch = (name: OutputFailure['stream']): [Set<Watcher>, Watcher] => [
    watchersOf(streams[name]),
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
