// The publish rehearsal's app body (tests/publish-rehearsal.test.ts): a traced send and receive with
// each client through the real broker, using the packages as installed from their tarballs. Loaded
// by app.mjs (the ESM builds) and app.cjs (the CJS builds), which hand it what they loaded.
'use strict';

const TIMEOUT_MS = 60_000;

function waitFor(check, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

/**
 * Runs every client's case; resolves to one result per client, and whether every extraction took
 * tracecarrier's fast path with the application's own W3C propagators: their extract is counted,
 * and the fast path never calls it for a canonical traceparent.
 */
async function run({ tc, clients, otel, brokers, format }) {
  const { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } = otel.core;
  let propagatorExtracts = 0;
  const extract = W3CTraceContextPropagator.prototype.extract;
  W3CTraceContextPropagator.prototype.extract = function countedExtract(...args) {
    propagatorExtracts += 1;
    return extract.apply(this, args);
  };
  // What NodeSDK registers by default.
  otel.api.propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const exporter = new otel.sdk.InMemorySpanExporter();
  const provider = new otel.sdk.TracerProvider({ spanProcessors: [new otel.sdk.SimpleSpanProcessor({ exporter })] });
  otel.api.trace.setGlobalTracerProvider(provider);
  otel.api.context.setGlobalContextManager(new otel.hooks.AsyncLocalStorageContextManager().enable());
  const admin = new clients.Kafka({ clientId: 'rehearsal-admin', brokers, logLevel: 0 }).admin();
  await admin.connect();
  const results = [];
  const cases = {
    kafkajs: async (topic, seen) => {
      const kafka = new tc.kafkajs.TracedKafka({ clientId: 'rehearsal', brokers, logLevel: 0 });
      const producer = kafka.producer();
      const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
      await Promise.all([producer.connect(), consumer.connect()]);
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => seen(otel.api.trace.getActiveSpan()) });
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      return async () => Promise.all([producer.disconnect(), consumer.disconnect()]);
    },
    'node-rdkafka': (topic, seen) => librdkafkaCase(tc.rdkafka, { 'metadata.broker.list': brokers.join(',') }, topic, () => seen(otel.api.trace.getActiveSpan())),
    'confluent KafkaJS API': async (topic, seen) => {
      const kafka = new tc.confluent.KafkaJS.TracedKafka({ kafkaJS: { clientId: 'rehearsal', brokers, logLevel: 0 } });
      const producer = kafka.producer();
      const consumer = kafka.consumer({ kafkaJS: { groupId: `g-${topic}`, fromBeginning: true } });
      await Promise.all([producer.connect(), consumer.connect()]);
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: async () => seen(otel.api.trace.getActiveSpan()) });
      await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      return async () => Promise.all([producer.disconnect(), consumer.disconnect()]);
    },
    'confluent callback API': (topic, seen) => librdkafkaCase(tc.confluent, { 'bootstrap.servers': brokers.join(',') }, topic, () => seen(otel.api.trace.getActiveSpan())),
    '@platformatic/kafka': async (topic, seen) => {
      const base = { clientId: 'rehearsal', bootstrapBrokers: brokers };
      const producer = new tc.platformatic.TracedProducer(base);
      const consumer = new tc.platformatic.TracedConsumer({ ...base, groupId: `g-${topic}` });
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
      stream.on('data', () => seen(otel.api.trace.getActiveSpan()));
      await producer.send({ messages: [{ topic, key: Buffer.from('k'), value: Buffer.from('v') }] });
      return async () => {
        await stream.close();
        await Promise.all([producer.close(), consumer.close(true)]);
      };
    },
    // Across clients: what the README's first example promises.
    'kafkajs → node-rdkafka': (topic, seen) =>
      librdkafkaCase(tc.rdkafka, { 'metadata.broker.list': brokers.join(',') }, topic, () => seen(otel.api.trace.getActiveSpan()), async () => {
        const producer = new tc.kafkajs.TracedKafka({ clientId: 'rehearsal', brokers, logLevel: 0 }).producer();
        await producer.connect();
        await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
        return () => producer.disconnect();
      }),
  };
  for (const [client, start] of Object.entries(cases)) {
    const topic = `rehearsal-${format}-${client.replace(/\W+/g, '-')}-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    let active;
    let stop = async () => undefined;
    try {
      stop = await start(topic, (span) => (active ??= span));
      await waitFor(() => active, `${client}: the message`);
      const spans = await waitFor(() => {
        const done = exporter.getFinishedSpans();
        const send = done.find((span) => span.name === `send ${topic}`);
        const process = done.find((span) => span.name === `process ${topic}`);
        return send && process ? { send, process } : undefined;
      }, `${client}: the send and process spans`);
      const { send, process } = spans;
      const parent = process.parentSpanContext?.spanId ?? process.parentSpanId;
      results.push({
        client,
        scope: process.instrumentationScope.name,
        sameTrace: send.spanContext().traceId === process.spanContext().traceId,
        parentIsSend: parent === send.spanContext().spanId,
        activeIsProcess: active.spanContext().spanId === process.spanContext().spanId,
      });
    } catch (error) {
      results.push({ client, error: String(error && error.message ? error.message : error) });
    } finally {
      await stop();
    }
  }
  await admin.disconnect();
  return { results, propagatorExtracts };
}

/**
 * The librdkafka callback API (node-rdkafka, and the confluent client's compatible one), its
 * producer sending unless `sendWith` does (another client's send; resolves to its stop).
 */
function librdkafkaCase(binding, base, topic, onData, sendWith) {
  return new Promise((resolve, reject) => {
    const consumer = new binding.TracedKafkaConsumer({ ...base, 'group.id': `g-${topic}` }, { 'auto.offset.reset': 'earliest' });
    const stopConsumer = () => new Promise((done) => consumer.disconnect(done));
    consumer.on('data', onData);
    consumer.on('ready', () => {
      consumer.subscribe([topic]);
      consumer.consume();
      if (sendWith !== undefined) {
        sendWith().then((stopProducer) => resolve(() => Promise.all([stopProducer(), stopConsumer()])), reject);
        return;
      }
      const producer = new binding.TracedProducer({ ...base, dr_cb: true }, {});
      producer.setPollInterval(50);
      producer.connect({}, (error) => {
        if (error) return reject(error);
        producer.produce(topic, null, Buffer.from('v'), 'k');
        resolve(() => Promise.all([new Promise((done) => producer.disconnect(done)), stopConsumer()]));
      });
    });
    consumer.connect({}, (error) => error && reject(error));
  });
}

module.exports = { run };
