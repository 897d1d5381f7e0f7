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
    endSpanWithError(started.span, error);
    started.onEnd?.(error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        started.span.end();
        started.onEnd?.(undefined);
        return value;
      },
      (error: unknown) => {
        endSpanWithError(started.span, error);
        started.onEnd?.(error);
        throw error;
      },
    ) as T;
  }
  started.span.end();
  started.onEnd?.(undefined);
  return result;
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
    endSpanWithError(started.span, error);
    started.onEnd?.(error);
    throw error;
  }
  started.span.end();
  started.onEnd?.(undefined);
  return result;
}
