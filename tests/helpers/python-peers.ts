import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const peers = fileURLToPath(new URL('../peers/', import.meta.url));

/**
 * The Python interpreter of a virtual environment holding the real peers of tests/peers/requirements.txt
 * (the CloudEvents SDK, confluent-kafka), installed from PyPI on first use and cached by the
 * requirements' hash, so a fresh machine needs nothing installed by hand.
 */
export function pythonPeers(): string {
  const requirements = join(peers, 'requirements.txt');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(process.env.TRACECARRIER_CACHE ?? join(homedir(), '.cache', 'tracecarrier'), `python-peers-${hash}`);
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.installed');
  if (!existsSync(stamp)) {
    execFileSync('python3', ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit', timeout: 300_000 });
    writeFileSync(stamp, '');
  }
  return python;
}

/** Runs a script of tests/peers/ with the peers' interpreter; its stdout, as text. */
export function runPeer(script: string, args: readonly string[]): string {
  return execFileSync(pythonPeers(), [join(peers, script), ...args], { encoding: 'utf8', timeout: 120_000 });
}
