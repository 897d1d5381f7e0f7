import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { describeSettings, isSecretProperty, jaasCredentials, librdkafkaConfig, NO_SETTINGS, redact, resolveSettings, type ClientSettings } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'tc-cli-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the test's directory holding `content`. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const JKS = Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]);
const PKCS12 = Buffer.from([0x30, 0x82, 0x0a, 0x1b, 0x02, 0x01, 0x03]);
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="pa ss\\"word";';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('accepted');
}

function fromFile(text: string, args: string[] = []): ClientSettings {
  return resolveSettings({ file: { path: file('client.properties', text), option: '--config' }, arguments: { values: args, option: '-X' } });
}

describe('a client.properties as a Java client reads it becomes librdkafka\'s properties', () => {
  it('SASL_SSL with SCRAM: security.protocol kept, sasl.mechanism → sasl.mechanisms, sasl.jaas.config → sasl.username and sasl.password, a PEM trust store → ssl.ca.location', () => {
    const ca = file('ca.pem', PEM);
    const settings = fromFile(`bootstrap.servers=k1:9093,k2:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=${SCRAM.replace(/\\/g, '\\\\')}\nssl.truststore.type=PEM\nssl.truststore.location=${ca}\n`);
    expect(settings.brokers).toBe('k1:9093,k2:9093');
    expect(librdkafkaConfig(settings)).toEqual({ 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 'pa ss"word', 'ssl.ca.location': ca });
    expect(settings.properties.find((entry) => entry.name === 'sasl.password')!.origin).toMatch(/client\.properties:4$/);
  });

  it('PlainLoginModule too, with unquoted values and without the final semicolon', () => {
    expect(jaasCredentials('org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=pw', 'f:1')).toEqual({ username: 'bob', password: 'pw' });
  });

  it('a trust store\'s kind is read from its first bytes when ssl.truststore.type is not given', () => {
    const ca = file('ca-untyped', PEM);
    expect(librdkafkaConfig(fromFile(`ssl.truststore.location=${ca}`))).toEqual({ 'ssl.ca.location': ca });
  });

  it('a PEM key store → ssl.certificate.location and ssl.key.location (its password dropped, ssl.key.password kept); PKCS#12 → librdkafka\'s own ssl.keystore.*', () => {
    const pem = file('client.pem', `-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n${PEM}`);
    expect(librdkafkaConfig(fromFile(`ssl.keystore.password=x\nssl.keystore.location=${pem}\nssl.key.password=y`))).toEqual({ 'ssl.certificate.location': pem, 'ssl.key.location': pem, 'ssl.key.password': 'y' });
    const p12 = file('client.p12', PKCS12);
    expect(librdkafkaConfig(fromFile(`ssl.keystore.location=${p12}\nssl.keystore.password=x`))).toEqual({ 'ssl.keystore.location': p12, 'ssl.keystore.password': 'x' });
  });

  it('inline PEM: ssl.truststore.certificates → ssl.ca.pem, ssl.keystore.certificate.chain → ssl.certificate.pem, ssl.keystore.key → ssl.key.pem; an empty ssl.endpoint.identification.algorithm → none', () => {
    expect(librdkafkaConfig(fromFile('ssl.truststore.certificates=CA\nssl.keystore.certificate.chain=CHAIN\nssl.keystore.key=KEY\nssl.endpoint.identification.algorithm='))).toEqual({ 'ssl.ca.pem': 'CA', 'ssl.certificate.pem': 'CHAIN', 'ssl.key.pem': 'KEY', 'ssl.endpoint.identification.algorithm': 'none' });
  });

  it('-X wins over the file, for a translated name too; librdkafka names pass through; the later of two wins', () => {
    const settings = fromFile(`sasl.mechanism=PLAIN\nsasl.jaas.config=${SCRAM.replace(/\\/g, '\\\\')}\nclient.id=a\nclient.id=b`, ['sasl.mechanisms=SCRAM-SHA-256', 'sasl.password=other', 'bootstrap.servers=x:1']);
    expect(librdkafkaConfig(settings)).toEqual({ 'sasl.mechanisms': 'SCRAM-SHA-256', 'sasl.username': 'alice', 'sasl.password': 'other', 'client.id': 'b' });
    expect(settings.properties.find((entry) => entry.name === 'sasl.password')!.origin).toBe('-X');
    expect(settings.brokers).toBe('x:1');
  });

  it('no file and no -X: no settings', () => {
    expect(resolveSettings({ arguments: { values: [], option: '-X' } })).toBe(NO_SETTINGS);
  });
});

describe('what cannot be translated is refused in one line naming where it was given, never quoting a secret', () => {
  it.each([
    [`ssl.truststore.location=${join(tmpdir(), 'tc-no-such-store.jks')}`, /\/client\.properties:1: cannot read ssl\.truststore\.location ".*tc-no-such-store\.jks" \(ENOENT\)$/],
    ['ssl.truststore.location={jks}', /\/client\.properties:1: ssl\.truststore\.location is a JKS trust store, which librdkafka cannot read: give the CA certificates as PEM with ssl\.ca\.location$/],
    ['ssl.truststore.location={p12}', /\/client\.properties:1: ssl\.truststore\.location is a PKCS#12 trust store, which librdkafka cannot read/],
    ['ssl.truststore.type=JKS\nssl.truststore.location={pem}', /\/client\.properties:2: ssl\.truststore\.location is a JKS trust store/],
    ['ssl.keystore.location={jks}', /\/client\.properties:1: ssl\.keystore\.location is a JKS key store, which librdkafka cannot read: convert it to PKCS#12/],
    ['sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;', /\/client\.properties:1: sasl\.jaas\.config's com\.sun\.security\.auth\.module\.Krb5LoginModule has no translation \(PlainLoginModule and ScramLoginModule have\)/],
    ['sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u";', /\/client\.properties:1: sasl\.jaas\.config has no password$/],
    ['sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2-s3cret";', /\/client\.properties:1: sasl\.jaas\.config has no username$/],
    ['sasl.jaas.config=PlainLoginModule username="u" password="hunter2-s3cret";', /\/client\.properties:1: sasl\.jaas\.config is not one JAAS login entry/],
    ['sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2-s3cret', /\/client\.properties:1: sasl\.jaas\.config is not one JAAS login entry/],
    ['group.id=my-app', /\/client\.properties:1: group\.id is set by tracecarrier itself \(it joins no group and commits nothing\)$/],
    ['enable.auto.commit=true', /\/client\.properties:1: enable\.auto\.commit is set by tracecarrier itself/],
  ])('%s', (text, message) => {
    const content = text.replace('{jks}', file('store.jks', JKS)).replace('{p12}', file('store.p12', PKCS12)).replace('{pem}', file('store.pem', PEM));
    const refused = refusal(() => fromFile(content));
    expect(refused).toMatch(message);
    expect(refused).not.toContain('hunter2');
  });

  it('an unreadable --config file names the option and the file', () => {
    expect(refusal(() => resolveSettings({ file: { path: join(dir, 'missing.properties'), option: '--config' } }))).toBe(`cannot read --config file "${join(dir, 'missing.properties')}" (ENOENT)`);
    expect(refusal(() => resolveSettings({ file: { path: dir, option: '--from-config' } }))).toBe(`cannot read --from-config file "${dir}" (EISDIR)`);
  });

  it('-X group.id is refused naming -X', () => {
    expect(refusal(() => resolveSettings({ arguments: { values: ['group.id=x'], option: '-X' } }))).toBe('-X: group.id is set by tracecarrier itself (it joins no group and commits nothing)');
  });
});

describe('secrets are redacted', () => {
  it.each(['sasl.password', 'sasl.jaas.config', 'ssl.key.password', 'ssl.keystore.password', 'ssl.truststore.password', 'ssl.key.pem', 'ssl.keystore.key', 'sasl.oauthbearer.client.secret', 'sasl.oauthbearer.config', 'sasl.oauthbearer.token.endpoint.url.token', 'basic.auth.credentials.source'])('%s is secret', (name) => {
    expect(isSecretProperty(name)).toBe(true);
  });

  it.each(['security.protocol', 'sasl.mechanisms', 'sasl.username', 'ssl.ca.location', 'ssl.key.location', 'ssl.certificate.location', 'ssl.keystore.location', 'client.id', 'ssl.certificate.pem'])('%s is not', (name) => {
    expect(isSecretProperty(name)).toBe(false);
  });

  it('describeSettings shows every property with where it came from, secret values as [redacted]', () => {
    const settings = fromFile(`security.protocol=SASL_SSL\nsasl.jaas.config=${SCRAM.replace(/\\/g, '\\\\')}`, ['ssl.key.password=hunter2', 'bootstrap.servers=k:1']);
    const line = describeSettings(settings);
    expect(line).toMatch(/^bootstrap\.servers=k:1, security\.protocol=SASL_SSL \(.*client\.properties:1\), sasl\.username=alice \(.*client\.properties:2\), sasl\.password=\[redacted\] \(.*client\.properties:2\), ssl\.key\.password=\[redacted\] \(-X\)$/);
    expect(line).not.toContain('pa ss');
    expect(describeSettings(NO_SETTINGS)).toBe('none');
  });

  it('the secrets of the settings: the JAAS config whole and its password, and every secret property\'s value', () => {
    const settings = fromFile(`sasl.jaas.config=${SCRAM.replace(/\\/g, '\\\\')}`, ['ssl.key.password=hunter2', 'client.id=visible']);
    expect(settings.secrets).toEqual(expect.arrayContaining([SCRAM, 'pa ss"word', 'hunter2']));
    expect(settings.secrets).not.toContain('visible');
  });

  it('redact replaces every occurrence of every secret, the longest first', () => {
    expect(redact('a pw and a longer-pw, pw', ['pw', 'longer-pw', ''])).toBe('a [redacted] and a [redacted], [redacted]');
  });

  it('no secret survives redact, wherever it sits in the text (property test)', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }), fc.string(), (before, secrets, after) => {
        const text = `${before}${secrets.join(' ')}${after}`;
        // What is left of the text besides the markers holds no secret (a secret such as "] " may
        // appear where a marker meets the next one: those characters are the markers', not the text's).
        const left = redact(text, secrets).split('[redacted]').join('\u0000');
        for (const secret of secrets) if (!secret.includes('\u0000')) expect(left).not.toContain(secret);
      }),
    );
  });
});
