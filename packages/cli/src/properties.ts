import { UsageError } from './errors.js';

/**
 * Java-style properties files, as Kafka's tools read them (`--command-config client.properties`)
 * and kcat reads its `-F` file: `key=value` (or `key: value`) lines, `#` and `!` comments, blank
 * lines, a `\` at the end of a line continuing it on the next (the next line's leading blanks
 * dropped), and Java's escapes (`\t`, `\n`, `\r`, `\f`, `\uXXXX`; any other `\c` is `c`).
 * Values are trimmed, as Kafka's clients trim them. A line with no `=` or `:` is refused: Java
 * would read `key value` too, but in a client config file that is more often a mistake than a
 * choice, and the error says where it is.
 * See https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/Properties.html#load(java.io.Reader)
 */

/** One property and where it was given: `FILE:LINE`, or the option (`-X`, `--from-client-property`). */
export interface GivenProperty {
  readonly name: string;
  readonly value: string;
  /** Where it was given, for errors: `client.properties:4`, `-X`, `--from-client-property`. */
  readonly origin: string;
}

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** Java's escapes in `text`; a bad `\u` escape throws with `where`. */
function unescape(text: string, where: string): string {
  return text.replace(/\\(u(.{0,4})|.)/gsu, (_whole, escape: string, hex: string | undefined) => {
    if (hex !== undefined) {
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new UsageError(`${where}: a \\u escape needs four hex digits`);
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    return ESCAPES[escape] ?? escape;
  });
}

/** Where the key of a logical line ends: the first `=` or `:` not escaped by a backslash, or -1. */
function separatorAt(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '=' || line[i] === ':') return i;
  }
  return -1;
}

/** Whether a physical line ends in an odd number of backslashes (so it continues on the next). */
function continues(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/**
 * The properties of a Java-style properties file, in order (a name given twice: both, the later
 * wins where they are applied). Throws a {@link UsageError} naming `file` and the line for a line
 * that is not `key=value`, an empty key, or a bad `\u` escape; never quoting a value.
 */
export function parseProperties(text: string, file: string): GivenProperty[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const result: GivenProperty[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (continues(line) && i + 1 < lines.length) {
      i++;
      line = line.slice(0, -1) + lines[i]!.replace(/^[ \t\f]+/, '');
    }
    if (continues(line)) line = line.slice(0, -1);
    const where = `${file}:${first}`;
    const at = separatorAt(line);
    if (at < 0) throw new UsageError(`${where}: not a key=value line`);
    const name = unescape(line.slice(0, at).trimEnd(), where);
    if (name === '') throw new UsageError(`${where}: no property name before "${line[at]}"`);
    // Kafka's ConfigDef trims what a properties file gives it: so does this.
    const value = unescape(line.slice(at + 1), where).trim();
    result.push({ name, value, origin: where });
  }
  return result;
}

/** The name of an argument that looks like one (letters, digits, `.`, `_`, `-`), to quote safely. */
function nameLike(text: string): boolean {
  return /^[A-Za-z0-9._-]{1,100}$/.test(text);
}

/**
 * One `-X name=value` argument (`flag` is how it was given: `-X`, `--client-property`). The value
 * is everything after the first `=` (it may hold more). Without a `=`, throws a {@link UsageError}
 * naming the flag and, when it looks like a property name, the argument (never a value: what was
 * typed may be a secret).
 */
export function parsePropertyArgument(argument: string, flag: string): GivenProperty {
  const at = argument.indexOf('=');
  if (at < 0) throw new UsageError(`${flag} takes name=value${nameLike(argument) ? `, not "${argument}"` : ' (the value given has no "=")'}`);
  const name = argument.slice(0, at).trim();
  if (name === '') throw new UsageError(`${flag} takes name=value: no name before the "="`);
  return { name, value: argument.slice(at + 1), origin: flag };
}
