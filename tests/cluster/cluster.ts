import { execFileSync } from 'node:child_process';
import { connectAdmin, createReplicatedTopics } from '../helpers/kafka.js';

/** scripts/cluster.sh, set by `cluster.sh run`; the cluster suites skip without it. */
export const cluster = process.env.KAFKA_CLUSTER;

/** Runs a scripts/cluster.sh command (`kill N`, `restart N`). */
export function clusterCommand(...args: string[]): void {
  execFileSync('bash', [cluster!, ...args], { stdio: 'pipe' });
}

/** The node leading the most partitions of `topic`. */
export async function busiestLeader(topic: string): Promise<number> {
  const admin = await connectAdmin();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const counts = new Map<number, number>();
    for (const partition of topics[0]!.partitions) counts.set(partition.leader, (counts.get(partition.leader) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic of 12 partitions, replication factor 3, min.insync.replicas 2, fully replicated. */
export function createClusterTopic(topic: string): Promise<void> {
  return createReplicatedTopics([topic], { partitions: 12, replication: 3, minInsync: 2 });
}

/** Waits until no partition of `topic` is led by `node` any more (the controller fenced it). */
export async function leadersMovedOff(topic: string, node: number): Promise<void> {
  const admin = await connectAdmin();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const moved = await admin
        .fetchTopicMetadata({ topics: [topic] })
        .then(({ topics }) => topics[0]!.partitions.every((partition) => partition.leader !== node))
        .catch(() => false);
      if (moved || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
