import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.js';

/** What a module given on the command line (`--carriers ./x.mjs`, `--propagator ./y.mjs`) must export. */
export interface ExportWanted<T> {
  /** The option's word for it, in messages: `carrier`, `propagator`. */
  readonly noun: string;
  /** Its type's name, in messages: `Carrier`, `TextMapPropagator`. */
  readonly type: string;
  /** The named export looked at after the default one. */
  readonly named: string;
  /** What such an object has, for the message when none is found. */
  readonly shape: string;
  readonly is: (value: unknown) => value is T;
}

/**
 * Loads the module at `path` and returns its one `T`: its default export, the named export, or its
 * only exported `T` whatever its name (a function in the first two places is called for one).
 * Every failure is one {@link UsageError} line naming the path.
 */
export async function loadExport<T>(path: string, wanted: ExportWanted<T>): Promise<T> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot load the ${wanted.noun} module "${path}" (${(error as Error).message.split('\n')[0]})`);
  }
  let candidate = module.default ?? module[wanted.named];
  if (typeof candidate === 'function') candidate = (candidate as () => unknown)();
  if (wanted.is(candidate)) return candidate;
  const exported = Object.values(module).filter(wanted.is);
  if (exported.length === 1) return exported[0]!;
  throw new UsageError(`"${path}" exports ${exported.length === 0 ? `no ${wanted.type}` : `several ${wanted.type}s`}: export one, as the default export or \`${wanted.named}\` (${wanted.shape})`);
}
