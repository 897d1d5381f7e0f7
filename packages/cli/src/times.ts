import { UsageError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time as `--since` and `--until` take it, in milliseconds since the epoch: an ISO 8601 date or
 * date-time (`2026-12-07`, `2026-12-07T13:40:00Z`; without a zone, UTC), or a span back from `now`
 * (`90s`, `15m`, `2h`, `7d`). Throws a one-line {@link UsageError} naming the option otherwise.
 */
export function parseTime(option: string, text: string, now: number): number {
  const span = /^(\d+)([smhd])$/.exec(text);
  if (span !== null) return now - Number(span[1]) * UNITS[span[2]!]!;
  // ISO 8601 only (Date.parse also takes forms that differ between engines); a date-time without a
  // zone is read as UTC, like a date alone, so the same text means the same instant on any machine.
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (iso !== null) {
    const ms = Date.parse(iso[1] !== undefined && iso[4] === undefined ? `${text}Z` : text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new UsageError(`--${option} takes an ISO 8601 time (2026-12-07T13:40:00Z) or a span back from now (90s, 15m, 2h, 7d), not "${text}"`);
}
