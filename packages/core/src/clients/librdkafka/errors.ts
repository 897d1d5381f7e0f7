import { createRequire } from 'node:module';
import { errorType } from '../../spans/spans.js';

/** What a binding knows of its library's errors: the code table and how to get librdkafka's text for a code. */
export interface LibrdkafkaErrors {
  /** `CODES.ERRORS` of the library: `ERR_UNKNOWN_TOPIC_OR_PART` → 3, … */
  readonly codes: Readonly<Record<string, number>>;
  /** librdkafka's text for a code ("Broker: Not enough in-sync replicas"), when the library can say it. */
  readonly text?: ((code: number) => string) | undefined;
}

/**
 * The `error.type` function of a librdkafka-based client: librdkafka's error code name (the
 * broker's, e.g. `UNKNOWN_TOPIC_OR_PART`, or a local one, e.g. `MSG_TIMED_OUT`), else what core says.
 * node-rdkafka turns a delivery report's error into code -1 (ERR_UNKNOWN) and keeps only librdkafka's
 * text, lower-cased after its origin ("Broker: Not enough in-sync replicas" → "not enough in-sync
 * replicas"); with `text`, that text still names the code.
 */
export function librdkafkaErrorType({ codes, text }: LibrdkafkaErrors): (error: unknown) => string {
  let names: Map<number, string> | undefined;
  let texts: Map<string, string> | undefined;
  const codeNames = (): Map<number, string> => {
    names ??= new Map(Object.entries(codes).map(([name, code]) => [code, name.replace(/^ERR_+/, '')]));
    return names;
  };
  const codeOfText = (message: unknown): string | undefined => {
    if (typeof message !== 'string' || text === undefined) return undefined;
    if (texts === undefined) {
      texts = new Map();
      for (const [code, name] of codeNames()) {
        const full = text(code);
        const cut = full.indexOf(': ');
        if (cut >= 0) texts.set(full.slice(cut + 2).toLowerCase(), name);
      }
    }
    return texts.get(message.toLowerCase());
  };
  return (error) => {
    const { code, message } = typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
    const named = typeof code === 'number' ? codeNames().get(code) : undefined;
    // ERR_UNKNOWN (-1) is what a lost code looks like: the text may still name it.
    if (named !== undefined && code !== -1) return named;
    return codeOfText(message) ?? named ?? errorType(error);
  };
}

/**
 * librdkafka's text for a code, from the client library's own error class (`lib/error.js` in
 * node-rdkafka and its fork), loaded on first use from the binding's location (`from`:
 * `import.meta.url` of the binding) so the binding's copy of the library answers.
 */
export function librdkafkaErrorText(errorModule: string, from: string): (code: number) => string {
  let LibrdKafkaError: (new (code: number) => { message: string }) | undefined;
  return (code) => {
    LibrdKafkaError ??= createRequire(from)(errorModule) as new (code: number) => { message: string };
    return new LibrdKafkaError(code).message;
  };
}
