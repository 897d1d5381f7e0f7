/**
 * Stable codes for every failure the SDK raises. Branch on `error.code`, never on the message text.
 * - `invalid-options`: an option passed to a wrapper or codec is missing, of the wrong type or out of range.
 * - `encode-failed`: a payload could not be written into an envelope (for example an unsupported value type).
 */
export type TracecarrierErrorCode = 'invalid-options' | 'encode-failed';

/**
 * The one error class of tracecarrier. Thrown only on the caller's side of an API (misconfiguration
 * at construction, a value that cannot be sent); never thrown into a consumer's message path,
 * where problems are reported through the diagnostic hook instead.
 */
export class TracecarrierError extends Error {
  override readonly name = 'TracecarrierError';
  /** The failure, as a stable string. */
  readonly code: TracecarrierErrorCode;
  /** Dotted path of the offending option or field, when there is one (e.g. `consumer.mode`). */
  readonly path: string | undefined;

  constructor(code: TracecarrierErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options?.path;
  }
}
