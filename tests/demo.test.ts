import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { brokers } from './helpers/kafka.js';

const run = promisify(execFile);

/** Runs the demo as the README's command does (minus the install step), with the given environment. */
async function demo(env: NodeJS.ProcessEnv): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('npx', ['tsx', '--conditions=tracecarrier-source', 'demo/main.ts'], { env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    return { stdout, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}`, code: failure.code ?? 1 };
  }
}

describe('the demo, end to end', () => {
  it('runs on the embedded mock cluster with no configuration and connects every story', async () => {
    const { KAFKA_BROKERS: _ignored, ...env } = process.env;
    const { stdout, code } = await demo(env);
    expect(stdout).toContain("EMBEDDED Kafka: librdkafka's in-process mock cluster");
    expect(stdout).toContain('"tracecarrier":1');
    expect(stdout).toMatch(/messages sent: 200, received: 300 .*traces connected: 100\/100, orphan spans: 0/);
    expect(stdout).toMatch(/metrics \(semantic conventions\): messaging.client.sent.messages 200, messaging.client.consumed.messages 200, messaging.process.duration p50 ≤ [\d.]+ ms, p99 ≤ [\d.]+ ms/);
    expect(stdout).toMatch(/↔ link to send hnstories/);
    expect(code).toBe(0);
  }, 180_000);

  it('also exports its spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    // A stand-in collector on loopback: it records what the exporter posts.
    const posts: Array<{ url: string; bytes: number; type: string | undefined }> = [];
    const collector = createServer((request, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => (bytes += chunk.length));
      request.on('end', () => {
        posts.push({ url: request.url ?? '', bytes, type: request.headers['content-type'] });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const { KAFKA_BROKERS: _ignored, ...env } = process.env;
      const { stdout, code } = await demo({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
      expect(stdout).toContain(`spans are also exported over OTLP to http://127.0.0.1:${port}`);
      expect(code).toBe(0);
      const traces = posts.filter((post) => post.url === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(traces.reduce((sum, post) => sum + post.bytes, 0)).toBeGreaterThan(10_000);
      // The metrics go out over OTLP like the spans.
      expect(posts.filter((post) => post.url === '/v1/metrics').length).toBeGreaterThan(0);
    } finally {
      collector.close();
    }
  }, 180_000);

  it('runs against the real broker when KAFKA_BROKERS is set', async () => {
    const { stdout, code } = await demo({ ...process.env, KAFKA_BROKERS: brokers().join(',') });
    expect(stdout).toContain(`Kafka at ${brokers().join(',')} (KAFKA_BROKERS)`);
    expect(stdout).toMatch(/traces connected: 100\/100, orphan spans: 0/);
    expect(code).toBe(0);
  }, 180_000);
});
