/**
 * The exit codes: 0 the trace continues (or the read finished), 1 it broke, 2 a usage or
 * connection error, 130 a waiting probe interrupted (Ctrl-C), 143 a waiting probe terminated
 * (SIGTERM). `inspect` ends with 0 on Ctrl-C: what it read so far is its answer.
 */
export const EXIT = { ok: 0, broken: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/**
 * A problem the user can fix (a bad flag, an unreachable broker, a missing topic): printed as one
 * line, no stack, and the command exits with 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A command stopped by a signal before it had its answer (Ctrl-C on a waiting probe): printed as
 * one line, `interrupted` (SIGINT) or `terminated` (SIGTERM), and the command exits as shells
 * report a command a signal ended: 128 + the signal's number, {@link EXIT}.interrupted (130) or
 * {@link EXIT}.terminated (143).
 */
export class Interrupted extends Error {
  /** The signal that stopped the command. */
  readonly signal: 'SIGINT' | 'SIGTERM';
  /** The command's exit code: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;

  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(signal === 'SIGINT' ? 'interrupted' : 'terminated');
    this.name = 'Interrupted';
    this.signal = signal;
    this.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
  }
}
