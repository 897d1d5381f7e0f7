/**
 * Everything tracecarrier parses from an incoming message is bounded, and each bound is checked
 * before any work or allocation proportional to the input (see `docs/security.md`).
 */
export interface ReadLimits {
  /** Largest propagation header value read, in bytes; a larger one is ignored. */
  readonly maxHeaderBytes: number;
  /** Largest envelope (whole value, bytes) that is parsed; larger values pass through untouched. */
  readonly maxEnvelopeBytes: number;
  /** Largest span of envelope members before the payload (context, attributes), in bytes. */
  readonly maxContextBytes: number;
}

/** Defaults for {@link ReadLimits}: 16 KiB per header value, 16 MiB per envelope, 64 KiB of envelope context. */
export const DEFAULT_LIMITS: ReadLimits = Object.freeze({ maxHeaderBytes: 16 * 1024, maxEnvelopeBytes: 16 * 1024 * 1024, maxContextBytes: 64 * 1024 });
