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
