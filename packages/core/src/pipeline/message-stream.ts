import { context as otelContext } from '@opentelemetry/api';
import type { Handout } from './handout.js';

/** Hands one received message out: its handout (span started), or `undefined` to hand it over untraced. */
export type HandOut<M> = (raw: M) => Handout<M> | undefined;

type Listener = (...args: unknown[]) => unknown;

/** The messages of one synchronous `'data'` emit: one span for every listener, ended when all are done. */
class Delivery<M> {
  readonly raw: M;
  readonly handout: Handout<M> | undefined;
  #pending = 0;
  #emitted = false;
  #error: { readonly error: unknown } | undefined;
  constructor(raw: M, handout: Handout<M> | undefined) {
    this.raw = raw;
    this.handout = handout;
  }
  /** The emit is over (a microtask after it): the span ends now, or when the listeners' promises settle. */
  emitted(): void {
    this.#emitted = true;
    this.#settle();
  }
  /** A listener returned a promise: the span waits for it. */
  wait(result: PromiseLike<unknown>): void {
    this.#pending += 1;
    // The derived promise rejects as the listener's did, so an unhandled rejection stays unhandled.
    void result.then(
      () => this.#done(undefined),
      (error: unknown) => {
        this.#done({ error });
        throw error;
      },
    );
  }
  #done(error: { readonly error: unknown } | undefined): void {
    this.#pending -= 1;
    this.#error ??= error;
    this.#settle();
  }
  #settle(): void {
    if (!this.#emitted || this.#pending > 0 || this.handout === undefined) return;
    if (this.#error === undefined) this.handout.end();
    else this.handout.fail(this.#error.error);
  }
}

/** Runs a `'data'` listener with the message's span context active; a throw ends the span with the error and is rethrown. */
function runListener<M>(handout: Handout<M>, listener: Listener, self: unknown): unknown {
  try {
    return otelContext.with(handout.started.context, listener, self, handout.handed);
  } catch (error) {
    handout.fail(error);
    throw error;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The iterator of a traced stream: each message is handed out with its span open, and the span ends
 * at the next pull, at `return()` (a `break`, or an exception thrown out of the loop body) or at
 * `throw()`, unless `processMessage` ended it first. An async iterator cannot make the span's context
 * active in the loop body (the body resumes in the loop's own context), so spans the body starts are
 * not the message's children unless the body runs them in `processMessage`.
 */
function tracedIterator<M>(inner: AsyncIterator<M>, handOut: HandOut<M>): AsyncIterableIterator<M> {
  let open: Handout<M> | undefined;
  const close = () => {
    open?.end();
    open = undefined;
  };
  const iterator: AsyncIterableIterator<M> = {
    async next() {
      close();
      const result = await inner.next();
      if (result.done === true) return result;
      open = handOut(result.value);
      return open === undefined ? result : { done: false, value: open.handed };
    },
    async return(value?: unknown) {
      close();
      return typeof inner.return === 'function' ? inner.return(value) : { done: true, value: value as M };
    },
    async throw(error?: unknown) {
      open?.fail(error);
      open = undefined;
      if (typeof inner.throw === 'function') return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

const ADD = new Set<PropertyKey>(['on', 'addListener', 'prependListener', 'once', 'prependOnceListener']);
const REMOVE = new Set<PropertyKey>(['off', 'removeListener']);

/**
 * A view of a client's stream of received messages (an object-mode `Readable`: @platformatic/kafka's
 * `MessagesStream`, or any other client's) that hands each message to the application in its
 * `process` span, as `handOut` starts it:
 * - `'data'` listeners run with the span's context active, and get the message as core hands it over
 *   (an envelope unwrapped). All listeners of one message share its span, which ends once they have
 *   returned, or once the promises they returned have settled (a rejection is recorded on the span).
 * - `for await` and `iterator()`: each message is handed out with its span open, ended at the next
 *   pull, at `return()` (a `break`, an exception thrown out of the loop body) or `throw()`, unless
 *   `processMessage` took it over first (the loop body runs in the loop's own context).
 * Everything else is the stream's own (its methods run with the stream as `this`; `pipe` and `read()`
 * hand messages over untraced). The stream itself is never modified.
 */
export function tracedStream<S extends object, M>(stream: S, handOut: HandOut<M>): S {
  const wrappers = new WeakMap<Listener, Listener>();
  let current: Delivery<M> | undefined;
  const deliver = (listener: Listener, self: unknown, raw: M): unknown => {
    // The common case, one 'data' listener: its span ends as soon as it returns (or its promise
    // settles), without the shared delivery and its microtask. A listener added while it runs is not
    // called for this message (the emit has its list already), so none can share the span later.
    if (current === undefined && (stream as { listenerCount?: (event: string) => number }).listenerCount?.('data') === 1) return deliverAlone(listener, self, raw);
    let delivery = current;
    if (delivery === undefined || delivery.raw !== raw) {
      const fresh = new Delivery(raw, handOut(raw));
      current = delivery = fresh;
      // Every listener of this emit runs before the microtask.
      queueMicrotask(() => {
        if (current === fresh) current = undefined;
        fresh.emitted();
      });
    }
    const handout = delivery.handout;
    if (handout === undefined) return listener.call(self, raw);
    const result = runListener(handout, listener, self);
    if (isThenable(result)) delivery.wait(result);
    return result;
  };
  const deliverAlone = (listener: Listener, self: unknown, raw: M): unknown => {
    const handout = handOut(raw);
    if (handout === undefined) return listener.call(self, raw);
    const result = runListener(handout, listener, self);
    if (!isThenable(result)) handout.end();
    else {
      // The derived promise rejects as the listener's did, so an unhandled rejection stays unhandled.
      void result.then(
        () => handout.end(),
        (error: unknown) => {
          handout.fail(error);
          throw error;
        },
      );
    }
    return result;
  };
  const wrap = (listener: Listener): Listener => {
    let wrapper = wrappers.get(listener);
    if (wrapper === undefined) {
      wrapper = function (this: unknown, raw: unknown) {
        return deliver(listener, this, raw as M);
      };
      wrappers.set(listener, wrapper);
    }
    return wrapper;
  };
  const bound = new Map<PropertyKey, { readonly original: unknown; readonly method: unknown }>();
  const view: S = new Proxy(stream, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const own = bound.get(property);
      if (own !== undefined && own.original === value) return own.method;
      const fn = value as (...args: unknown[]) => unknown;
      let method: unknown;
      if (ADD.has(property)) {
        method = (event: unknown, listener: Listener) => {
          fn.call(target, event, event === 'data' && typeof listener === 'function' ? wrap(listener) : listener);
          return view;
        };
      } else if (REMOVE.has(property)) {
        method = (event: unknown, listener: Listener) => {
          fn.call(target, event, event === 'data' ? (wrappers.get(listener) ?? listener) : listener);
          return view;
        };
      } else if (property === Symbol.asyncIterator || property === 'iterator') {
        method = (...args: unknown[]) => tracedIterator(fn.apply(target, args) as AsyncIterator<M>, handOut);
      } else {
        // Chained calls (`stream.pause().on('data', …)`) stay on the view.
        method = (...args: unknown[]) => {
          const result = fn.apply(target, args);
          return result === target ? view : result;
        };
      }
      bound.set(property, { original: value, method });
      return method;
    },
  });
  return view;
}
