import RdKafka from 'node-rdkafka';

/** Where a consumer starts: one entry per partition. */
export type StartOffsets = Array<{ topic: string; partition: number; offset: number }>;

/** Where the demo's Kafka is. */
export interface Cluster {
  readonly brokers: string;
  /**
   * Each partition's current end, so this run reads exactly its own messages. Asking for the
   * topics' metadata creates them where the cluster auto-creates topics (the mock cluster does).
   */
  startOffsets(topics: readonly string[]): Promise<StartOffsets>;
  /** What to tell the user about it. */
  readonly label: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/**
 * `KAFKA_BROKERS` when set; otherwise librdkafka's in-process mock cluster, which lives as long as
 * the client that created it. Both kafkajs and node-rdkafka speak to it over loopback.
 */
export async function startCluster(): Promise<Cluster> {
  const external = process.env.KAFKA_BROKERS;
  if (external !== undefined && external.trim() !== '') {
    const client = await connected(new RdKafka.Producer({ 'bootstrap.servers': external }));
    return {
      brokers: external,
      label: `Kafka at ${external} (KAFKA_BROKERS)`,
      embedded: false,
      startOffsets: (topics) => endOffsets(client, topics),
      stop: () => close(client),
    };
  }
  // The mock cluster lives inside this client; it is also the one asked for metadata.
  const holder = await connected(new RdKafka.Producer({ 'test.mock.num.brokers': 1, 'bootstrap.servers': '127.0.0.1:1' } as RdKafka.ProducerGlobalConfig));
  const metadata = await metadataOf(holder, undefined);
  const broker = metadata.brokers[0];
  if (broker === undefined) throw new Error('the embedded mock cluster reported no broker');
  const brokers = `${broker.host}:${broker.port}`;
  return {
    brokers,
    label: `EMBEDDED Kafka: librdkafka's in-process mock cluster at ${brokers} (a test double, not a real broker; set KAFKA_BROKERS to use a real one)`,
    embedded: true,
    startOffsets: (topics) => endOffsets(holder, topics),
    stop: () => close(holder),
  };
}

function connected(client: RdKafka.Producer): Promise<RdKafka.Producer> {
  return new Promise((resolve, reject) => client.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve(client))));
}

function close(client: RdKafka.Producer): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

function metadataOf(client: RdKafka.Producer, topic: string | undefined): Promise<RdKafka.Metadata> {
  return new Promise((resolve, reject) =>
    client.getMetadata({ timeout: 10_000, ...(topic === undefined ? {} : { topic }) }, (err, data) => (err ? reject(err) : resolve(data))),
  );
}

async function endOffsets(client: RdKafka.Producer, topics: readonly string[]): Promise<StartOffsets> {
  const offsets: StartOffsets = [];
  for (const topic of topics) {
    // The first request may only trigger the topic's creation: ask until it has partitions.
    let partitions: RdKafka.PartitionMetadata[] = [];
    for (let attempt = 0; partitions.length === 0 && attempt < 50; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      partitions = (await metadataOf(client, topic)).topics.find((entry) => entry.name === topic)?.partitions ?? [];
    }
    if (partitions.length === 0) throw new Error(`topic ${topic} does not exist and was not created (create it, or enable auto-creation)`);
    for (const { id } of partitions) {
      const { highOffset } = await new Promise<RdKafka.WatermarkOffsets>((resolve, reject) =>
        client.queryWatermarkOffsets(topic, id, 10_000, (err, watermarks) => (err ? reject(err) : resolve(watermarks))),
      );
      offsets.push({ topic, partition: id, offset: highOffset });
    }
  }
  return offsets;
}
