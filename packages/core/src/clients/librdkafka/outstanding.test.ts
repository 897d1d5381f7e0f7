import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OutstandingEntry, OutstandingList } from './outstanding.js';

class Entry extends OutstandingEntry {
  constructor(readonly n: number) {
    super();
  }
}

describe('OutstandingList', () => {
  it('holds what a Set holds, in the order added, under any mix of adds, deletes and drains', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('add' as const), n: fc.nat(15) }),
      fc.record({ op: fc.constant('delete' as const), n: fc.nat(15) }),
      fc.record({ op: fc.constant('drain' as const), n: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), (operations) => {
        const entries = Array.from({ length: 16 }, (_, n) => new Entry(n));
        const list = new OutstandingList<Entry>();
        const model = new Set<Entry>();
        for (const { op, n } of operations) {
          const entry = entries[n]!;
          if (op === 'add') {
            list.add(entry);
            model.add(entry);
          } else if (op === 'delete') expect(list.delete(entry)).toBe(model.delete(entry));
          else {
            expect(list.drain()).toEqual([...model]);
            model.clear();
          }
          expect(list.size).toBe(model.size);
        }
        expect(list.drain()).toEqual([...model]);
        expect(list.size).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('an entry belongs to one list: another list neither takes it nor deletes it', () => {
    const [a, b] = [new OutstandingList<Entry>(), new OutstandingList<Entry>()];
    const entry = new Entry(1);
    a.add(entry);
    b.add(entry);
    expect(b.delete(entry)).toBe(false);
    expect([a.size, b.size]).toEqual([1, 0]);
    expect(a.delete(entry)).toBe(true);
    b.add(entry);
    expect(b.drain()).toEqual([entry]);
  });
});
