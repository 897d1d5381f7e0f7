import RdKafka from 'node-rdkafka';
import LibrdKafkaError from 'node-rdkafka/lib/error.js';
import { errorType } from '@tracecarrier/core/binding';

// librdkafka's error codes by number, named as librdkafka names them (ERR_UNKNOWN_TOPIC_OR_PART → UNKNOWN_TOPIC_OR_PART).
let names: Map<number, string> | undefined;

function codeNames(): Map<number, string> {
  if (names !== undefined) return names;
  names = new Map();
  const table = (RdKafka as unknown as { CODES?: { ERRORS?: Record<string, number> } }).CODES?.ERRORS ?? {};
  for (const [name, code] of Object.entries(table)) names.set(code, name.replace(/^ERR_+/, ''));
  return names;
}

// node-rdkafka turns a delivery report's error into code -1 (ERR_UNKNOWN) and keeps only
// librdkafka's text, lower-cased after its origin ("Broker: Not enough in-sync replicas" → "not
// enough in-sync replicas"); that text still names the code.
let texts: Map<string, string> | undefined;

function codeOfText(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined;
  if (texts === undefined) {
    texts = new Map();
    for (const [code, name] of codeNames()) {
      const text = new LibrdKafkaError(code).message;
      const cut = text.indexOf(': ');
      if (cut >= 0) texts.set(text.slice(cut + 2).toLowerCase(), name);
    }
  }
  return texts.get(message.toLowerCase());
}

/**
 * The `error.type` of a node-rdkafka error: librdkafka's error code name (the broker's, e.g.
 * `UNKNOWN_TOPIC_OR_PART`, or a local one, e.g. `MSG_TIMED_OUT`), else what core says.
 */
export function rdkafkaErrorType(error: unknown): string {
  const { code, message } = typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
  const named = typeof code === 'number' && code !== -1 ? codeNames().get(code) : undefined;
  return named ?? codeOfText(message) ?? (typeof code === 'number' ? codeNames().get(code) : undefined) ?? errorType(error);
}
