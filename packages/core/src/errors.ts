/**
 * Stable codes for every failure the SDK raises. Branch on `error.code`, never on the message text.
 * - `invalid-options`: an option passed to a wrapper or carrier is missing, of the wrong type, out of
 *   range, or contradicts another one.
 * - `invalid-client`: what was passed to a wrapper is not a client it can wrap (missing, of another
 *   library, or already traced: wrapping twice would give every message two spans).
 * - `invalid-state`: a method was called when it cannot run (a consumer's `run()` twice).
 * - `encode-failed`: a payload could not be written into an envelope (for example an unsupported value type).
 */
export type TracecarrierErrorCode = 'invalid-options' | 'invalid-client' | 'invalid-state' | 'encode-failed';

// One brand for every copy of this class: the ESM and CJS builds (or two installed versions) each
// define their own, and `instanceof` must hold across them (the dual-package hazard).
const BRAND: unique symbol = Symbol.for('tracecarrier.error') as never;

/**
 * The one error class of tracecarrier. Thrown only on the caller's side of an API (misconfiguration
 * at construction, misuse, a value that cannot be sent); never thrown into a consumer's message path,
 * where problems are reported through the diagnostic hook instead. `instanceof TracecarrierError`
 * holds for errors from either build (ESM or CJS) of any tracecarrier package.
 */
export class TracecarrierError extends Error {
  // Every member is set in the constructor, none by an initialiser: the CJS build lowers initialised
  // class members into an anonymous class expression, and the class would be named `_class` there.
  declare readonly name: 'TracecarrierError';
  /** The failure, as a stable string. */
  declare readonly code: TracecarrierErrorCode;
  /** Dotted path of the offending option or field, when there is one (e.g. `consumer.mode`). */
  declare readonly path: string | undefined;
  /** Marks tracecarrier errors across module copies. */
  declare readonly [BRAND]: true;

  constructor(code: TracecarrierErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, 'name', { value: 'TracecarrierError', enumerable: true, writable: false, configurable: true });
    Object.defineProperty(this, 'code', { value: code, enumerable: true, writable: false, configurable: true });
    Object.defineProperty(this, 'path', { value: options?.path, enumerable: true, writable: false, configurable: true });
    Object.defineProperty(this, BRAND, { value: true, enumerable: true, writable: false, configurable: true });
  }

  /** True for a tracecarrier error from any copy of this class (ESM or CJS build). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}
