import RdKafka from 'node-rdkafka';
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

/**
 * The `error.type` of a node-rdkafka error: librdkafka's error code name (the broker's, e.g.
 * `UNKNOWN_TOPIC_OR_PART`, or a local one, e.g. `MSG_TIMED_OUT`), else what core says.
 */
export function rdkafkaErrorType(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return (typeof code === 'number' ? codeNames().get(code) : undefined) ?? errorType(error);
}
