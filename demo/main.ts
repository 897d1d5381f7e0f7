/**
 * The article's scenario in one command: a kafkajs publisher sends Hacker News stories through
 * Kafka; a node-rdkafka indexer processes them under the publisher's traces (context in headers);
 * a legacy reader without the SDK and an SDK archiver read an envelope-mode copy. At the end the
 * connected traces are drawn as a waterfall and checked: exit code 0 only if every trace connects.
 *
 * Kafka: librdkafka's embedded mock cluster by default, or KAFKA_BROKERS. Spans also go over OTLP
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set (see docs/jaeger.md).
 */
import { startCluster } from './cluster.js';
import { createProgress } from './progress.js';
import { ENVELOPE_TOPIC, TOPIC, disconnect, startLegacyConsumer, startPublisher, startTracedConsumer } from './services.js';
import { loadStories } from './stories.js';
import { setupTelemetry } from './telemetry.js';
import { renderTrace, summarise, toRow, traceIds } from './waterfall.js';

const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 60_000);
const DRAWN_TRACES = Number(process.env.DEMO_TRACES_DRAWN ?? 2);

async function main(): Promise<number> {
  const stories = loadStories();
  const telemetry = setupTelemetry();
  const cluster = await startCluster();
  console.log(`tracecarrier demo: ${stories.length} Hacker News stories through ${cluster.label}`);
  if (telemetry.otlp) console.log(`spans are also exported over OTLP to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);

  const publisher = await startPublisher(cluster.brokers, telemetry.provider('hn-publisher'));
  const start = await cluster.startOffsets([TOPIC, ENVELOPE_TOPIC]);
  const counts = { published: 0, indexer: 0, archiver: 0, legacy: 0 };
  let firstEnvelope: Buffer | undefined;
  const consumers = [
    await startTracedConsumer('hn-indexer', cluster.brokers, telemetry.provider('hn-indexer'), 'headers', start.filter((s) => s.topic === TOPIC), () => counts.indexer++),
    await startTracedConsumer('hn-archiver', cluster.brokers, telemetry.provider('hn-archiver'), 'envelope', start.filter((s) => s.topic === ENVELOPE_TOPIC), () => counts.archiver++),
    await startLegacyConsumer(cluster.brokers, start.filter((s) => s.topic === ENVELOPE_TOPIC), (value) => {
      firstEnvelope ??= value;
      counts.legacy++;
    }),
  ];

  const progress = createProgress(() =>
    `published ${counts.published}/${stories.length} · hn-indexer ${counts.indexer} · hn-archiver ${counts.archiver} · legacy-reader ${counts.legacy}`,
  );
  for (const story of stories) {
    await publisher.publish(story);
    counts.published++;
  }
  const done = () => counts.indexer >= stories.length && counts.archiver >= stories.length && counts.legacy >= stories.length;
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  progress.stop();

  await Promise.all(consumers.map(disconnect));
  await publisher.stop();
  await cluster.stop();

  if (firstEnvelope !== undefined) {
    console.log('\nWhat the legacy reader (no SDK, no headers) sees on hnstories-envelope — plain JSON:');
    const envelope = JSON.parse(firstEnvelope.toString());
    console.log(`  ${JSON.stringify({ ...envelope, data: { title: envelope.data?.title, '…': '…' } })}`);
    console.log('The SDK archiver unwraps it and hands the original story bytes to its handler.');
  }

  const rows = telemetry.spans().map(toRow);
  const measured = await telemetry.metrics();
  await telemetry.shutdown();
  const summary = summarise(rows, [TOPIC, ENVELOPE_TOPIC]);
  for (const traceId of traceIds(rows).slice(0, DRAWN_TRACES)) {
    console.log(`\n${renderTrace(rows.filter((row) => row.traceId === traceId))}`);
  }
  const sent = counts.published * 2;
  const received = counts.indexer + counts.archiver + counts.legacy;
  console.log(
    `\nmessages sent: ${sent}, received: ${received} (hn-indexer ${counts.indexer}, hn-archiver ${counts.archiver}, legacy-reader ${counts.legacy}), ` +
      `traces connected: ${summary.connected}/${stories.length}, orphan spans: ${summary.orphans.length}`,
  );
  console.log(
    `metrics (semantic conventions): messaging.client.sent.messages ${measured.sent}, messaging.client.consumed.messages ${measured.consumed}, ` +
      `messaging.process.duration p50 ≤ ${measured.processP50Ms} ms, p99 ≤ ${measured.processP99Ms} ms`,
  );
  const ok = summary.connected === stories.length && summary.orphans.length === 0 && done() && measured.sent === sent && measured.consumed === counts.indexer + counts.archiver;
  if (!ok) console.error('demo FAILED: not every message was received under a connected trace');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('demo failed:', error);
    process.exit(1);
  },
);
