import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { parseProperties, parsePropertyArgument, type GivenProperty } from './properties.js';

/**
 * A cluster's connection settings, as an operator passes them: a properties file (`--config FILE`,
 * the `client.properties` a Java client or Kafka's own tools read) and `-X name=value` arguments
 * (librdkafka's client properties, as kcat takes them), `-X` winning over the file. The Java
 * client's names are translated to librdkafka's wherever they are given ({@link JAVA_NAMES}), and
 * the values of secret properties never leave this module unredacted except towards librdkafka.
 */

/** A cluster's librdkafka properties, each with where it was given. */
export interface ClientSettings {
  /** The brokers the settings name (`bootstrap.servers` or `metadata.broker.list`), if any. */
  readonly brokers: string | undefined;
  /** librdkafka properties in the order given, one per name (the last given wins). */
  readonly properties: readonly GivenProperty[];
  /** Every secret value given (passwords, keys, the whole `sasl.jaas.config`), to scrub from what is printed. */
  readonly secrets: readonly string[];
}

/** No settings: PLAINTEXT, librdkafka's defaults. */
export const NO_SETTINGS: ClientSettings = { brokers: undefined, properties: [], secrets: [] };

/** What the Java client's names become (see {@link resolveSettings} for the ones that depend on a file). */
export const JAVA_NAMES: Readonly<Record<string, string>> = {
  'bootstrap.servers': '--brokers (when not given)',
  'sasl.mechanism': 'sasl.mechanisms',
  'sasl.jaas.config': 'sasl.username, sasl.password (PlainLoginModule, ScramLoginModule)',
  'ssl.truststore.location': 'ssl.ca.location (a PEM file; not JKS or PKCS#12)',
  'ssl.truststore.certificates': 'ssl.ca.pem',
  'ssl.keystore.location': 'ssl.certificate.location and ssl.key.location (PEM), ssl.keystore.location (PKCS#12; not JKS)',
  'ssl.keystore.certificate.chain': 'ssl.certificate.pem',
  'ssl.keystore.key': 'ssl.key.pem',
  'ssl.endpoint.identification.algorithm': 'the same (empty: none)',
  'ssl.truststore.type, ssl.keystore.type, ssl.truststore.password': 'read to translate the above, then dropped',
};

/** Properties tracecarrier sets itself (it joins no group and commits nothing), and node-rdkafka's callbacks. */
const RESERVED = /^(group\.id|enable\.auto\.commit|enable\.auto\.offset\.store|[a-z_]+_cb)$/;

/**
 * Whether a property's value is a secret, to be shown as `[redacted]`: passwords, secrets,
 * tokens, credentials, JAAS configs, private keys (`ssl.key.pem`, `ssl.keystore.key`), OAUTHBEARER
 * configs. A file's location is not a secret; what it holds may be, and it is never printed.
 */
export function isSecretProperty(name: string): boolean {
  return /password|secret|token|credential|jaas|oauthbearer\.config|(^|\.)key(\.pem)?$/i.test(name);
}

/** `text` with every secret in `secrets` (longest first) replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...secrets].filter((entry) => entry !== '').sort((a, b) => b.length - a.length)) result = result.split(secret).join('[redacted]');
  return result;
}

/** The settings as one line, `name=value (origin), …`, secret values `[redacted]`. */
export function describeSettings(settings: ClientSettings): string {
  const shown = settings.properties.map((entry) => `${entry.name}=${isSecretProperty(entry.name) ? '[redacted]' : entry.value} (${entry.origin})`);
  if (settings.brokers !== undefined) shown.unshift(`bootstrap.servers=${settings.brokers}`);
  return shown.length === 0 ? 'none' : shown.join(', ');
}

type StoreKind = 'pem' | 'jks' | 'pkcs12';

/** What a key or trust store file holds, from its type property or its first bytes. */
function storeKind(path: string, type: string | undefined, origin: string, name: string, read: (path: string) => Buffer): StoreKind {
  const named = type?.trim().toUpperCase();
  if (named === 'PEM') return 'pem';
  if (named === 'JKS') return 'jks';
  if (named === 'PKCS12') return 'pkcs12';
  let bytes: Buffer;
  try {
    bytes = read(path);
  } catch (error) {
    throw new UsageError(`${origin}: cannot read ${name} "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (bytes.readUInt32BE(0) === 0xfeedfeed) return 'jks';
  if (/^\s*-----BEGIN /.test(bytes.subarray(0, 4096).toString('latin1'))) return 'pem';
  return 'pkcs12';
}

const JAAS_ENTRY = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*)$/i;
const JAAS_OPTION = /\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))/y;

/**
 * The username and password of a `sasl.jaas.config` for PLAIN or SCRAM
 * (`org.apache.kafka.common.security.plain.PlainLoginModule required username="…" password="…";`).
 * Errors name where it was given, never what it holds.
 */
export function jaasCredentials(value: string, origin: string): { username: string; password: string } {
  const entry = JAAS_ENTRY.exec(value.trim().replace(/;\s*$/, ''));
  const malformed = () => new UsageError(`${origin}: sasl.jaas.config is not one JAAS login entry ('LoginModule required username="…" password="…";')`);
  if (entry === null) throw malformed();
  const module = entry[1]!;
  if (!/(^|\.)(PlainLoginModule|ScramLoginModule)$/.test(module)) {
    throw new UsageError(`${origin}: sasl.jaas.config's ${module} has no translation (PlainLoginModule and ScramLoginModule have): give librdkafka's sasl.* properties instead`);
  }
  const options = new Map<string, string>();
  const rest = entry[3]!;
  JAAS_OPTION.lastIndex = 0;
  while (JAAS_OPTION.lastIndex < rest.length && rest.slice(JAAS_OPTION.lastIndex).trim() !== '') {
    const option = JAAS_OPTION.exec(rest);
    if (option === null) throw malformed();
    options.set(option[1]!, option[2] === undefined ? option[3]! : option[2].replace(/\\(.)/gs, '$1'));
  }
  const username = options.get('username');
  const password = options.get('password');
  if (username === undefined || password === undefined) throw new UsageError(`${origin}: sasl.jaas.config has no ${username === undefined ? 'username' : 'password'}`);
  return { username, password };
}

/** Where a cluster's settings come from: a properties file, then `-X` arguments (which win). */
export interface SettingsSources {
  /** The properties file, and the option that named it (`--config`, `--from-config`). */
  readonly file?: { readonly path: string; readonly option: string };
  /** `-X name=value` arguments, and the option they were given with. */
  readonly arguments?: { readonly values: readonly string[]; readonly option: string };
}

/**
 * Reads a cluster's settings: the file's properties, then the arguments', each Java name
 * translated (a trust store must be PEM: librdkafka reads no JKS or PKCS#12 trust store). Throws a
 * {@link UsageError} naming the file and line, or the option, for an unreadable or malformed file,
 * an argument without `=`, a property tracecarrier sets itself, or a Java setting that has no
 * librdkafka equivalent. Whether librdkafka knows each property is checked when a client is made.
 */
export function resolveSettings(sources: SettingsSources, read: (path: string) => Buffer = (path) => readFileSync(path)): ClientSettings {
  const given: GivenProperty[] = [];
  if (sources.file !== undefined) {
    const { path, option } = sources.file;
    let text: string;
    try {
      text = read(path).toString('utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${option} file "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    given.push(...parseProperties(text, path));
  }
  for (const argument of sources.arguments?.values ?? []) given.push(parsePropertyArgument(argument, sources.arguments!.option));
  if (given.length === 0) return NO_SETTINGS;

  const last = (name: string) => [...given].reverse().find((entry) => entry.name === name)?.value;
  const secrets = given.filter((entry) => isSecretProperty(entry.name)).map((entry) => entry.value);
  const properties = new Map<string, GivenProperty>();
  const set = (name: string, value: string, origin: string) => {
    properties.delete(name);
    properties.set(name, { name, value, origin });
  };
  let brokers: string | undefined;
  let keystore: StoreKind | undefined;
  for (const { name, value, origin } of given) {
    if (RESERVED.test(name)) throw new UsageError(`${origin}: ${name} is set by tracecarrier itself (it joins no group and commits nothing)`);
    switch (name) {
      case 'bootstrap.servers':
      case 'metadata.broker.list':
        brokers = value;
        break;
      case 'sasl.mechanism':
        set('sasl.mechanisms', value, origin);
        break;
      case 'sasl.jaas.config': {
        const { username, password } = jaasCredentials(value, origin);
        secrets.push(password);
        set('sasl.username', username, origin);
        set('sasl.password', password, origin);
        break;
      }
      case 'ssl.truststore.location': {
        const kind = storeKind(value, last('ssl.truststore.type'), origin, name, read);
        if (kind !== 'pem') throw new UsageError(`${origin}: ssl.truststore.location is a ${kind === 'jks' ? 'JKS' : 'PKCS#12'} trust store, which librdkafka cannot read: give the CA certificates as PEM with ssl.ca.location`);
        set('ssl.ca.location', value, origin);
        break;
      }
      case 'ssl.truststore.certificates':
        set('ssl.ca.pem', value, origin);
        break;
      case 'ssl.keystore.location':
        keystore = storeKind(value, last('ssl.keystore.type'), origin, name, read);
        if (keystore === 'jks') throw new UsageError(`${origin}: ssl.keystore.location is a JKS key store, which librdkafka cannot read: convert it to PKCS#12 (keytool -importkeystore -deststoretype PKCS12) or give ssl.certificate.location and ssl.key.location as PEM`);
        if (keystore === 'pem') {
          set('ssl.certificate.location', value, origin);
          set('ssl.key.location', value, origin);
        } else set('ssl.keystore.location', value, origin);
        break;
      case 'ssl.keystore.certificate.chain':
        set('ssl.certificate.pem', value, origin);
        break;
      case 'ssl.keystore.key':
        set('ssl.key.pem', value, origin);
        break;
      case 'ssl.endpoint.identification.algorithm':
        set(name, value === '' ? 'none' : value, origin);
        break;
      case 'ssl.truststore.type':
      case 'ssl.keystore.type':
      case 'ssl.truststore.password':
        break;
      default:
        set(name, value, origin);
    }
  }
  // A PEM key store's key is protected by ssl.key.password; only PKCS#12 has a store password.
  if (keystore === 'pem') properties.delete('ssl.keystore.password');
  return { brokers, properties: [...properties.values()], secrets };
}

/** The settings as librdkafka's configuration object. */
export function librdkafkaConfig(settings: ClientSettings): Record<string, string> {
  return Object.fromEntries(settings.properties.map((entry) => [entry.name, entry.value]));
}
