import { endActiveSpan, failActiveSpan } from '../spans/run-in-span.js';
import type { ActiveSpan } from '../spans/spans.js';

/**
 * One message handed to the application, with its `process` span while that is open. A stream
 * consumer hands a message out and gets control back only later (the next pull, the end of the
 * `'data'` listeners, the end of `processMessage`), so whoever comes first ends the span, once.
 * Client-agnostic: any binding whose client delivers messages through a stream uses it.
 */
export class Handout<M> {
  /** The message as the application gets it (an envelope unwrapped). */
  readonly handed: M;
  /** Its process span and that span's context. */
  readonly started: ActiveSpan;
  #open = true;
  readonly #registry?: Map<M, Handout<M>>;
  /** `open`: where the handouts still open are found by their message (a handout leaves it when its span is ended or taken over). */
  constructor(handed: M, started: ActiveSpan, open?: Map<M, Handout<M>>) {
    this.handed = handed;
    this.started = started;
    if (open !== undefined) {
      this.#registry = open;
      open.set(handed, this);
    }
  }

  /** True until the span is ended or taken over. */
  get open(): boolean {
    return this.#open;
  }

  /** Takes the span over (to run work in it and end it); `undefined` when it is no longer open. */
  take(): ActiveSpan | undefined {
    if (!this.#open) return undefined;
    this.#open = false;
    if (this.#registry?.get(this.handed) === this) this.#registry.delete(this.handed);
    return this.started;
  }

  /** Ends the span (the work succeeded), unless it already ended. */
  end(): void {
    const started = this.take();
    if (started !== undefined) endActiveSpan(started);
  }

  /** Ends the span with `error`, unless it already ended. */
  fail(error: unknown): void {
    const started = this.take();
    if (started !== undefined) failActiveSpan(started, error);
  }
}
