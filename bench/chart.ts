/** One bar of the chart: a measured ratio and the target it is held to. */
export interface Bar {
  readonly label: string;
  readonly ratio: number;
  readonly target: number;
  /** `max`: the ratio must stay at or below the target; `min`: at or above. */
  readonly kind: 'max' | 'min';
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A horizontal bar chart (log scale) of ratios against their targets, as standalone SVG. */
export function barChart(title: string, bars: readonly Bar[]): string {
  const row = 26;
  const left = 330;
  const width = 420;
  const height = 60 + bars.length * row;
  const max = Math.max(...bars.flatMap((bar) => [bar.ratio, bar.target]), 1) * 1.3;
  const min = Math.min(...bars.flatMap((bar) => [bar.ratio, bar.target]), 1) / 1.3;
  const x = (value: number) => left + (Math.log(value / min) / Math.log(max / min)) * width;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="40" fill="#555">bars: measured ratio (log scale) · line: target · green meets it, red misses it</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = 52 + i * row;
    const ok = bar.kind === 'max' ? bar.ratio <= bar.target : bar.ratio >= bar.target;
    parts.push(`<text x="10" y="${y + 14}">${escape(bar.label)}</text>`);
    parts.push(`<rect x="${x(min)}" y="${y + 3}" width="${Math.max(1, x(bar.ratio) - x(min))}" height="16" fill="${ok ? '#3a9b57' : '#c8453b'}"/>`);
    parts.push(`<line x1="${x(bar.target)}" x2="${x(bar.target)}" y1="${y}" y2="${y + 22}" stroke="#222" stroke-width="2"/>`);
    parts.push(`<text x="${x(Math.max(bar.ratio, bar.target)) + 6}" y="${y + 15}">${bar.ratio.toFixed(2)}× (${bar.kind === 'max' ? '≤' : '≥'} ${bar.target})</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
