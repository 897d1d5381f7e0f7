/**
 * A small timing harness: each case runs in rounds of `iterations` calls after a warm-up; rounds
 * alternate between the cases compared, and the median round is kept, so a noisy machine shifts
 * every case alike and the ratios stay meaningful.
 */
export interface Measured {
  readonly name: string;
  /** Median nanoseconds per call. */
  readonly nsPerOp: number;
}

export function compare(cases: Record<string, () => void>, iterations: number, rounds = 7): Measured[] {
  const names = Object.keys(cases);
  for (const name of names) for (let i = 0; i < Math.max(100, iterations / 4); i++) cases[name]!();
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const run = cases[name]!;
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) run();
      samples.get(name)!.push(Number(process.hrtime.bigint() - start) / iterations);
    }
  }
  return names.map((name) => {
    const sorted = samples.get(name)!.sort((a, b) => a - b);
    return { name, nsPerOp: sorted[Math.floor(sorted.length / 2)]! };
  });
}
