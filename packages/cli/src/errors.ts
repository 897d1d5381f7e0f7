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

/** The exit codes: 0 the trace continues (or the read finished), 1 it broke, 2 a usage or connection error. */
export const EXIT = { ok: 0, broken: 1, usage: 2 } as const;
