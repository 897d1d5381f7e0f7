import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchOutput, writesFailed, type OutputFailure } from './pipes.js';

/** A stream whose reader went away: every write fails with EPIPE, as a closed pipe's does. */
function closedPipe(code = 'EPIPE'): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback(Object.assign(new Error(`write ${code}`), { code, syscall: 'write' })) });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('watchOutput', () => {
  it('tells once, at the first failed write on stdout or stderr, which stream and why; the stream takes no more', async () => {
    const streams = { stdout: closedPipe(), stderr: closedPipe() };
    const told: OutputFailure[] = [];
    const stop = watchOutput((failure) => told.push(failure), streams);
    const stdoutFailed = writesFailed(streams.stdout);
    streams.stdout.write('a line\n');
    streams.stdout.write('another\n');
    streams.stderr.write('and on stderr\n');
    await tick();
    expect(told).toEqual([{ stream: 'stdout', code: 'EPIPE' }]);
    expect(stdoutFailed()).toBe(true);
    expect(writesFailed(streams.stderr)()).toBe(true);
    expect(writesFailed(closedPipe())()).toBe(false);
    stop();
  });

  it('once nobody watches, a failed write is still no uncaught error', async () => {
    const streams = { stdout: closedPipe(), stderr: closedPipe('EIO') };
    const told: OutputFailure[] = [];
    watchOutput((failure) => told.push(failure), streams)();
    streams.stdout.write('a line\n');
    await tick();
    expect(told).toEqual([]);
    const again = watchOutput((failure) => told.push(failure), streams);
    streams.stderr.write('a line\n');
    await tick();
    expect(told).toEqual([{ stream: 'stderr', code: 'EIO' }]);
    again();
  });
});
