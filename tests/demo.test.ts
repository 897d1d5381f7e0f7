import { execFile } from 'node:child_process';
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
    expect(stdout).toMatch(/↔ link to send hnstories/);
    expect(code).toBe(0);
  }, 180_000);

  it('runs against the real broker when KAFKA_BROKERS is set', async () => {
    const { stdout, code } = await demo({ ...process.env, KAFKA_BROKERS: brokers().join(',') });
    expect(stdout).toContain(`Kafka at ${brokers().join(',')} (KAFKA_BROKERS)`);
    expect(stdout).toMatch(/traces connected: 100\/100, orphan spans: 0/);
    expect(code).toBe(0);
  }, 180_000);
});
