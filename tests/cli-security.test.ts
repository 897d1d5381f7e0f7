import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '@tracecarrier/cli';
import { brokers, connectAdmin, createTopics, kafkaConfig, randomTopic } from './helpers/kafka.js';

/**
 * The command line on a secured cluster, as an operator reaches one: the broker started with
 * KAFKA_SECURITY=1 (scripts/kafka.sh: a SASL_SSL listener with PLAIN and SCRAM users, an SSL
 * listener that requires a client certificate, a CA made at start). `inspect` and `probe` through
 * each, with `-X` and with a Java client's `--config` file; a wrong password and an untrusted
 * certificate end with one line and exit 2, at once; no secret is ever printed.
 */
const SASL_SSL = process.env.KAFKA_SASL_SSL_BROKERS;
const SSL = process.env.KAFKA_SSL_BROKERS;
const DIR = process.env.KAFKA_SECURITY_DIR;
const secured = SASL_SSL !== undefined && SSL !== undefined && DIR !== undefined;

const root = new URL('..', import.meta.url).pathname;
const COMMAND = ['node', '--conditions', 'tracecarrier-source', '--import', 'tsx', 'packages/cli/src/bin.ts'] as const;
const TP = '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaa-01';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `tracecarrier ARGS…` in its own process (with `env` added to the environment). */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(COMMAND[0], [...COMMAND.slice(1), ...args], { cwd: root, timeout: 120_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe.skipIf(!secured)('tracecarrier on a secured cluster (KAFKA_SECURITY=1)', () => {
  const users = secured ? (JSON.parse(readFileSync(join(DIR!, 'users.json'), 'utf8')) as Record<'scram' | 'plain', { username: string; password: string }>) : undefined!;
  const ca = join(DIR ?? '', 'ca.pem');
  const work = mkdtempSync(join(tmpdir(), 'tc-cli-security-'));
  const topic = randomTopic('cli-secure');
  const probeTopic = randomTopic('cli-secure-probe');
  let plain: Run;

  /** A properties file in the test's directory. */
  const properties = (name: string, lines: readonly string[]) => {
    const path = join(work, name);
    writeFileSync(path, `# as a Java client reads it\n${lines.join('\n')}\n`);
    return path;
  };
  /** A Java client's client.properties for SASL_SSL with `mechanism`, the CA as a PEM trust store. */
  const javaSasl = (mechanism: string, password: string, name = `${mechanism}.properties`) => {
    const user = mechanism === 'PLAIN' ? users.plain : users.scram;
    const module = mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    return properties(name, [
      'security.protocol=SASL_SSL',
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${module} required \\`,
      `    username="${user.username}" \\`,
      `    password="${password}";`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${ca}`,
    ]);
  };

  beforeAll(async () => {
    const admin = await connectAdmin();
    try {
      await createTopics(admin, [topic, probeTopic]);
    } finally {
      await admin.disconnect();
    }
    const producer = new Kafka(kafkaConfig('cli-secure-writer')).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'traced', value: '{}', headers: { traceparent: TP, baggage: 'tenant=acme' } }, { key: 'plain', value: '{}' }] });
    await producer.disconnect();
    // What the PLAINTEXT listener shows: every secured read must show exactly the same.
    plain = await cli(['inspect', '-b', brokers().join(','), '-t', topic, '--json']);
    expect(plain.stderr).toBe('');
    // The record as JSON, its timestamp aside (a time of the broker's): every field in its order.
    expect(plain.stdout.split('\n')[0]!.replace(/"timestamp":"[^"]+",/, '')).toBe(
      `{"partition":0,"offset":0,"key":"traced","valueBytes":2,"headers":[{"name":"traceparent","bytes":55},{"name":"baggage","bytes":11}],"tombstone":false,"carrier":"headers","traceId":"${'a'.repeat(32)}","parentSpanId":"${'a'.repeat(16)}","sampled":true,"baggageKeys":["tenant"],"found":[{"carrier":"headers","traceId":"${'a'.repeat(32)}","parentSpanId":"${'a'.repeat(16)}","sampled":true}],"disagreement":false,"diagnostics":[]}`,
    );
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const cases: Array<[string, () => string[]]> = [
    ['SASL_SSL, SCRAM-SHA-256, with -X', () => ['-b', SASL_SSL!, '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', `sasl.username=${users.scram.username}`, '-X', `sasl.password=${users.scram.password}`, '-X', `ssl.ca.location=${ca}`]],
    ['SASL_SSL, SCRAM-SHA-512, with a Java client.properties', () => ['-b', SASL_SSL!, '--config', javaSasl('SCRAM-SHA-512', users.scram.password)]],
    ['SASL_SSL, SCRAM-SHA-256, with a Java client.properties naming bootstrap.servers (no --brokers)', () => ['-F', properties('bootstrap.properties', [`bootstrap.servers=${SASL_SSL!}`, ...readFileSync(javaSasl('SCRAM-SHA-256', users.scram.password), 'utf8').split('\n')])]],
    ['SASL_SSL, PLAIN, with a Java client.properties', () => ['-b', SASL_SSL!, '--config', javaSasl('PLAIN', users.plain.password)]],
    ['SASL_SSL, PLAIN, with -X', () => ['-b', SASL_SSL!, '-X', 'security.protocol=sasl_ssl', '-X', 'sasl.mechanism=PLAIN', '-X', `sasl.username=${users.plain.username}`, '-X', `sasl.password=${users.plain.password}`, '-X', `ssl.ca.location=${ca}`]],
    ['SSL with a client certificate, with -X', () => ['-b', SSL!, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca}`, '-X', `ssl.certificate.location=${join(DIR!, 'client.pem')}`, '-X', `ssl.key.location=${join(DIR!, 'client.key')}`]],
    ['SSL with a client certificate, with a Java client.properties (a PEM key store)', () => {
      const keystore = join(work, 'client-keystore.pem');
      writeFileSync(keystore, readFileSync(join(DIR!, 'client.key'), 'utf8') + readFileSync(join(DIR!, 'client.pem'), 'utf8'));
      return ['-b', SSL!, '--config', properties('mtls.properties', ['security.protocol=SSL', `ssl.truststore.location=${ca}`, 'ssl.keystore.type=PEM', `ssl.keystore.location=${keystore}`])];
    }],
  ];

  it.each(cases)('inspect through %s: the same records as on the PLAINTEXT listener', async (_name, connection) => {
    const run = await cli(['inspect', ...connection(), '-t', topic, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(plain.stdout);
  }, 60_000);

  it.each(cases)('probe through %s: the trace continues (exit 0)', async (_name, connection) => {
    const run = await cli(['probe', ...connection(), '--to', probeTopic, '--timeout', '20', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ arrived: true, intact: true, carrier: 'headers', headersDropped: [] } satisfies Partial<ProbeResult>);
  }, 60_000);

  it('probe from the SASL_SSL listener to T2 on the PLAINTEXT one: --from-client-property gives T2\'s cluster its own settings', async () => {
    const run = await cli(['probe', '-b', SASL_SSL!, '--config', javaSasl('SCRAM-SHA-512', users.scram.password), '--to', probeTopic, '--from-brokers', brokers().join(','), '--from-client-property', 'security.protocol=PLAINTEXT', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ arrived: true, intact: true });
  }, 60_000);

  it('probe when T1\'s cluster refuses the password and T2\'s (its own settings) takes the reader: one line naming T1\'s brokers, exit 2', async () => {
    const run = await cli(['probe', '-b', SASL_SSL!, '--config', javaSasl('SCRAM-SHA-512', 'not-the-password', 'to-wrong.properties'), '--to', probeTopic, '--from-brokers', brokers().join(','), '--from-client-property', 'security.protocol=PLAINTEXT']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`tracecarrier: the Kafka brokers at ${SASL_SSL!} refused the credentials (sasl_ssl://${SASL_SSL!}/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)\n`);
  }, 60_000);

  describe('a wrong password: one line, exit 2, at once, and the password nowhere', () => {
    const wrong = `wrong-${Date.now()}-pw`;
    const scram = (mechanism: string) => `SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
    it.each([
      ['inspect, SCRAM-SHA-256, -X', scram('SCRAM-SHA-256'), () => ['inspect', '-t', topic, '-b', SASL_SSL!, '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', `sasl.username=${users.scram.username}`, '-X', `sasl.password=${wrong}`, '-X', `ssl.ca.location=${ca}`]],
      ['probe, SCRAM-SHA-512, --config', scram('SCRAM-SHA-512'), () => ['probe', '--to', probeTopic, '-b', SASL_SSL!, '--config', javaSasl('SCRAM-SHA-512', wrong, 'wrong.properties')]],
      ['inspect, PLAIN, --config', 'SASL authentication error: Authentication failed: Invalid username or password', () => ['inspect', '-t', topic, '-b', SASL_SSL!, '--config', javaSasl('PLAIN', wrong, 'wrong-plain.properties')]],
    ])('%s', async (_name, reason, args) => {
      const run = await cli([...args(), '--json']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`tracecarrier: the Kafka brokers at ${SASL_SSL!} refused the credentials (sasl_ssl://${SASL_SSL!}/bootstrap: ${reason})\n`);
      expect(run.stderr).not.toContain(wrong);
      expect(run.ms).toBeLessThan(5_000);
    }, 60_000);
  });

  describe('an untrusted certificate: one line, exit 2, at once', () => {
    // A second CA, made here: it signed nothing the broker has.
    const otherCa = () => {
      const path = join(work, 'other-ca.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(work, 'other-ca.key'), '-out', path, '-days', '1', '-subj', '/CN=another CA'], { stdio: 'ignore' });
      return path;
    };

    it.each([
      ['inspect, SASL_SSL', () => ['inspect', '-t', topic, '-b', SASL_SSL!, '--config', javaSasl('SCRAM-SHA-256', users.scram.password), '-X', `ssl.ca.location=${otherCa()}`], SASL_SSL],
      ['probe, SSL', () => ['probe', '--to', probeTopic, '-b', SSL!, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${otherCa()}`, '-X', `ssl.certificate.location=${join(DIR!, 'client.pem')}`, '-X', `ssl.key.location=${join(DIR!, 'client.key')}`], SSL],
    ])('%s', async (_name, args, at) => {
      const run = await cli(args());
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^tracecarrier: the TLS handshake with the Kafka brokers at ${at!.replaceAll('.', '\\.')} failed \\((sasl_)?ssl://${at!.replaceAll('.', '\\.')}/bootstrap: SSL handshake failed: [^\\n]*certificate verify failed[^\\n]*\\)\\n$`));
      expect(run.ms).toBeLessThan(5_000);
    }, 60_000);

    it('the SSL listener without a client certificate: the broker\'s alert, one line, exit 2, at once', async () => {
      const run = await cli(['inspect', '-t', topic, '-b', SSL!, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca}`]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^tracecarrier: the TLS handshake with the Kafka brokers at ${SSL!.replaceAll('.', '\\.')} failed \\(ssl://${SSL!.replaceAll('.', '\\.')}/bootstrap: [^\\n]*ssl/tls alert[^\\n]*\\)\\n$`));
      expect(run.ms).toBeLessThan(5_000);
    }, 60_000);
  });

  it('no secret in --json output, in the debug lines (TRACECARRIER_DEBUG: [redacted]) or in --help', async () => {
    const config = javaSasl('SCRAM-SHA-512', users.scram.password);
    const secrets = [users.scram.password, readFileSync(config, 'utf8').match(/sasl\.jaas\.config=(.*)/)![1]!];
    const run = await cli(['inspect', '-b', SASL_SSL!, '--config', config, '-t', topic, '--json', '--show-baggage'], { TRACECARRIER_DEBUG: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"baggage":{"tenant":"acme"}');
    expect(run.stderr).toBe(
      `tracecarrier: client properties for ${SASL_SSL!}: security.protocol=SASL_SSL (${config}:2), sasl.mechanisms=SCRAM-SHA-512 (${config}:3), sasl.username=${users.scram.username} (${config}:4), sasl.password=[redacted] (${config}:4), ssl.ca.location=${ca} (${config}:8)\n`,
    );
    const probe = await cli(['probe', '-b', SASL_SSL!, '--config', config, '--to', probeTopic, '--json']);
    const help = await cli(['probe', '--help', '-b', SASL_SSL!, '-X', `sasl.password=${users.scram.password}`]);
    expect(help.code).toBe(0);
    for (const output of [run.stdout, run.stderr, probe.stdout, probe.stderr, help.stdout, help.stderr]) for (const secret of secrets) expect(output).not.toContain(secret);
  }, 60_000);

  it('a property librdkafka does not know, in a --config file: one line naming it, the file and the line', async () => {
    const config = properties('java-only.properties', ['security.protocol=SASL_SSL', 'ssl.enabled.protocols=TLSv1.3']);
    const run = await cli(['inspect', '-b', SASL_SSL!, '-t', topic, '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`tracecarrier: bad client property ssl.enabled.protocols (${config}:3): No such configuration property: "ssl.enabled.protocols"\n`);
  }, 60_000);
});
