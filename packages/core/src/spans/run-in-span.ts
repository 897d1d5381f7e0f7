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
    throw failActiveSpan(started, error);
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        endActiveSpan(started);
        return value;
      },
      (error: unknown) => {
        throw failActiveSpan(started, error);
      },
    ) as T;
  }
  endActiveSpan(started);
  return result;
}

/**
 * Ends a started span whose work succeeded, and records its process metrics. For consumers that hand
 * a message out and get control back only later (the next pull of a stream's iterator): their work
 * is no function call {@link runInSpan} could wrap.
 */
export function endActiveSpan(started: ActiveSpan): void {
  started.span.end();
  started.onEnd?.(undefined);
}

/** Ends the span with `error` (recorded, status ERROR) and gives the error back, to rethrow unchanged. */
export function failActiveSpan(started: ActiveSpan, error: unknown): unknown {
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
    throw failActiveSpan(started, error);
  }
  endActiveSpan(started);
  return result;
}
