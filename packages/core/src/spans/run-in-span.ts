import { context as otelContext } from '@opentelemetry/api';
import { endSpanWithError, type ActiveSpan } from './spans.js';

/**
 * Runs the application's code under a started span: the span's context is active inside `fn`, and
 * the span ends when `fn` returns — or, when it returns a promise, when that settles. An error
 * (thrown or rejected) is recorded on the span and handed back unchanged.
 */
export function runInSpan<T>(started: ActiveSpan, fn: () => T): T {
  let result: T;
  try {
    result = otelContext.with(started.context, fn);
  } catch (error) {
    throw failed(started, error);
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        succeeded(started);
        return value;
      },
      (error: unknown) => {
        throw failed(started, error);
      },
    ) as T;
  }
  succeeded(started);
  return result;
}

function succeeded(started: ActiveSpan): void {
  started.span.end();
  started.onEnd?.(undefined);
}

/** Ends the span with `error` and gives the error back, to rethrow unchanged. */
function failed(started: ActiveSpan, error: unknown): unknown {
  endSpanWithError(started.span, error);
  started.onEnd?.(error);
  return error;
}

/**
 * {@link runInSpan} for the per-message paths of promise-based clients: one await, and no closure
 * (`arg` is handed to `fn`).
 */
export async function awaitInSpan<A, T>(started: ActiveSpan, fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  let result: T;
  try {
    result = await otelContext.with(started.context, fn, undefined, arg as A);
  } catch (error) {
    throw failed(started, error);
  }
  succeeded(started);
  return result;
}
