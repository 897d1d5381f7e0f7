import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('writes what new Date(ms).toISOString() writes (property)', () => {
    const ms = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }),
      // Around now, in the same day and across midnights, as a topic's records are.
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 3) }),
      fc.double({ min: 0, max: 253_402_400_000_000, noNaN: true }),
      fc.integer({ min: 253_402_300_799_000, max: 8_640_000_000_000_000 }),
    );
    fc.assert(fc.property(fc.array(ms, { minLength: 1, maxLength: 20 }), (times) => times.every((time) => isoTime(time) === new Date(time).toISOString())), { numRuns: 2000 });
  });

  it('writes the edges of a day and of the four-digit years', () => {
    for (const time of [0, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2026, 11, 7, 13, 42, 52, 568), Date.UTC(2024, 1, 29, 23, 59, 59, 999), 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoTime(time)).toBe(new Date(time).toISOString());
    }
  });
});
