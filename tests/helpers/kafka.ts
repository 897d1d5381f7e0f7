import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaConfig, type KafkaMessage } from 'kafkajs';

/**
 * The broker the integration tests talk to. `scripts/kafka.sh run -- …` (what `pnpm test` does)
 * sets it; point it at any cluster of your own to run the tests there.
 */
export function brokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (value === undefined || value.trim() === '') {
    throw new Error('KAFKA_BROKERS is not set: run the integration tests with `pnpm test` (starts a broker) or set KAFKA_BROKERS=host:port');
  }
  return value.split(',').map((broker) => broker.trim());
}

/** kafkajs settings for tests: quiet logs, fast retries. */
export function kafkaConfig(clientId: string): KafkaConfig {
  return { clientId, brokers: brokers(), logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } };
}

/** A fresh topic name per test, so tests never see each other's messages. */
export function randomTopic(prefix = 'tc'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates topics (one partition each unless said otherwise) and waits until they have leaders. */
export async function createTopics(admin: Admin, topics: readonly string[], numPartitions = 1): Promise<void> {
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })), waitForLeaders: true });
}

/**
 * Creates topics and waits until every partition has a leader and its full replica set on the
 * cluster. kafkajs's own `waitForLeaders` asks one node right away, and on a cluster a node that has
 * not learnt of the topic yet answers UNKNOWN_TOPIC_OR_PARTITION: polling the metadata is the check.
 */
export async function createReplicatedTopics(
  topics: readonly string[],
  { partitions, replication, minInsync }: { partitions: number; replication: number; minInsync?: number },
): Promise<void> {
  const admin = await connectAdmin();
  try {
    const configEntries = minInsync === undefined ? [] : [{ name: 'min.insync.replicas', value: String(minInsync) }];
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: replication, configEntries })) }).catch(() => undefined);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: [...topics] })
        .then((metadata) => metadata.topics.every((topic) => topic.partitions.length === partitions && topic.partitions.every((p) => p.leader >= 0 && p.isr.length === replication)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} not ready`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** A connected admin client for the suite. */
export async function connectAdmin(): Promise<Admin> {
  const admin = new Kafka(kafkaConfig('tc-admin')).admin();
  await admin.connect();
  return admin;
}

/** Polls `predicate` until it holds, failing with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a test handler saw of one message. */
export interface Received {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  /** Trace id and span id active inside the handler. */
  readonly activeTraceId: string | undefined;
  readonly activeSpanId: string | undefined;
}
