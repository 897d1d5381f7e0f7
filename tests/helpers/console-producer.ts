import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { brokers } from './kafka.js';

const run = promisify(execFile);

/** True when Kafka's own tools are at hand (`scripts/kafka.sh run` sets KAFKA_LIBS). */
export const hasKafkaTools = (process.env.KAFKA_LIBS ?? '') !== '';

/**
 * Produces with Kafka's own console producer, which can write what neither Node client can: null
 * header values (`null.marker`). Each line is `key:value,key:value<TAB>value`; `NULL` is null.
 */
export async function consoleProduce(topic: string, lines: readonly string[]): Promise<void> {
  const child = run(
    'java',
    [
      '-cp',
      `${process.env.KAFKA_LIBS}/*`,
      '-Dlog4j.configuration=file:/dev/null',
      // Kafka 3.x ships it in the broker's jar, 4.x in kafka-tools.
      process.env.KAFKA_CONSOLE_PRODUCER ?? 'kafka.tools.ConsoleProducer',
      '--bootstrap-server',
      brokers().join(','),
      '--topic',
      topic,
      '--property',
      'parse.headers=true',
      '--property',
      'null.marker=NULL',
    ],
    { timeout: 60_000 },
  );
  child.child.stdin?.end(lines.join('\n') + '\n');
  await child;
}
