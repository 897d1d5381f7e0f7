import type { ConsumerOptions, MessagesStream, ProducerOptions } from '@platformatic/kafka';
import { brokers } from './kafka.js';

/** @platformatic/kafka client options for tests: the test broker, quick retries. */
export function pltClient(clientId: string): Pick<ProducerOptions<Buffer, Buffer, Buffer, Buffer>, 'clientId' | 'bootstrapBrokers' | 'retries' | 'retryDelay'> {
  return { clientId, bootstrapBrokers: brokers(), retries: 3, retryDelay: 100 };
}

/** Consumer options for tests: a group of its own, short session and rebalance timeouts, short fetch waits. */
export function pltConsumerOptions<K = Buffer, V = Buffer, HK = Buffer, HV = Buffer>(clientId: string, groupId: string, extra: Partial<ConsumerOptions<K, V, HK, HV>> = {}): ConsumerOptions<K, V, HK, HV> {
  return { ...pltClient(clientId), groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTime: 200, ...extra } as ConsumerOptions<K, V, HK, HV>;
}

/** Closes a stream and then its consumer (what every test does when done with a consumer). */
export async function closeAll(stream: Pick<MessagesStream<Buffer, Buffer, Buffer, Buffer>, 'close' | 'closed'> | undefined, consumer: { close(force?: boolean): Promise<void> }): Promise<void> {
  if (stream !== undefined && !stream.closed) await stream.close().catch(() => undefined);
  await consumer.close(true).catch(() => undefined);
}
