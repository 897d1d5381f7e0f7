// Reproduces a kafkajs 2.2.4 behaviour the fault suite met (no tracecarrier involved): on a 3-node
// cluster, a plain producer (acks=all, the default; retries) sends 1,000 keyed messages in
// sequential sends of 100 over 12 partitions (replication 3, min.insync.replicas 2). Before the
// 5th send the node leading the most partitions is SIGKILLed; it is restarted before the 8th.
// Every send resolves, yet the topic holds fewer records than were sent: messages for the crashed
// leader's partitions, sent before the controller fenced it, are acknowledged and lost.
//   bash scripts/cluster.sh run -- node scripts/repro-kafkajs-failover-loss.mjs [idempotent]
// Prints one JSON line; exits 1 when records are missing (the behaviour reproduced).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const cluster = process.env.KAFKA_CLUSTER;
if (brokers[0] === '' || cluster === undefined) throw new Error('run me through scripts/cluster.sh run -- …');
const idempotent = process.argv[2] === 'idempotent';

const kafka = new Kafka({ clientId: 'repro', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topic = `repro-loss-${Date.now()}`;
// kafkajs's own check after creating may hit a node that has not learnt of the topic: poll instead.
await admin.createTopics({ topics: [{ topic, numPartitions: 12, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] }).catch(() => undefined);
for (;;) {
  const ready = await admin
    .fetchTopicMetadata({ topics: [topic] })
    .then(({ topics }) => topics[0].partitions.length === 12 && topics[0].partitions.every((p) => p.isr.length === 3))
    .catch(() => false);
  if (ready) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const producer = kafka.producer({ idempotent, ...(idempotent ? { maxInFlightRequests: 1 } : {}), retry: { retries: 10, initialRetryTime: 200 } });
await producer.connect();
let killed = 0;
let rejected = 0;
for (let start = 0; start < 1000; start += 100) {
  if (killed === 0 && start === 400) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const led = new Map();
    for (const partition of topics[0].partitions) led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
    killed = [...led.entries()].sort((a, b) => b[1] - a[1])[0][0];
    execFileSync('bash', [cluster, 'kill', String(killed)], { stdio: 'pipe' });
  }
  if (killed !== 0 && start === 700) execFileSync('bash', [cluster, 'restart', String(killed)], { stdio: 'pipe' });
  await producer
    .send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k-${start + i}`, value: 'v' })) })
    .catch(() => (rejected += 100));
}
await producer.disconnect();
const offsets = await admin.fetchTopicOffsets(topic);
const records = offsets.reduce((sum, o) => sum + Number(o.high), 0);
await admin.disconnect();
console.log(JSON.stringify({ kafkajs: require('kafkajs/package.json').version, idempotent, sent: 1000, rejectedBySend: rejected, recordsInTopic: records, killedNode: killed }));
process.exit(records < 1000 - rejected ? 1 : 0);
