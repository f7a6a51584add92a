import type { Latency, LoadSummary, TimelineBucket } from './stats.js';

/** A hand-written SVG: throughput over time, latency percentiles over time, and overall percentiles. */
export function dropChart(input: { title: string; drop: LoadSummary; ceiling: LoadSummary | null }): string {
  const width = 960;
  const panelHeight = 220;
  const left = 70;
  const right = 20;
  const plotWidth = width - left - right;
  const parts: string[] = [];
  const text = (x: number, y: number, value: string, extra = '') =>
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${escapeXml(value)}</text>`;

  parts.push(text(left, 24, input.title, 'font-size="16" font-weight="bold"'));

  const timeline = input.drop.timeline;
  const maxT = Math.max(0.001, ...timeline.map((bucket) => bucket.t)) + (timeline.length > 1 ? timeline[1]!.t - timeline[0]!.t : 0.05);
  const x = (t: number) => left + (t / maxT) * plotWidth;

  const lines = (
    top: number,
    title: string,
    unit: string,
    series: { label: string; color: string; value: (bucket: TimelineBucket) => number }[],
  ) => {
    const max = niceMax(Math.max(1, ...series.flatMap((line) => timeline.map(line.value))));
    const y = (value: number) => top + panelHeight - (value / max) * panelHeight;
    parts.push(text(left, top - 8, title, 'font-size="13" font-weight="bold"'));
    parts.push(axes(left, top, plotWidth, panelHeight, max, unit, maxT));
    series.forEach((line, index) => {
      const points = timeline.map((bucket) => `${x(bucket.t).toFixed(1)},${y(line.value(bucket)).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.8" points="${points}"/>`);
      const legendX = left + plotWidth - 170;
      const legendY = top + 14 + index * 16;
      parts.push(`<rect x="${legendX}" y="${legendY - 9}" width="12" height="3" fill="${line.color}"/>`);
      parts.push(text(legendX + 18, legendY - 4, line.label, 'font-size="11"'));
    });
  };

  lines(60, 'Throughput over time (answers per second)', '/s', [
    { label: 'accepted (202)', color: '#1b9e77', value: (bucket) => bucket.acceptedPerSecond },
    { label: 'rejected (409)', color: '#d95f02', value: (bucket) => bucket.rejectedPerSecond },
    { label: 'other (retried/failed)', color: '#7570b3', value: (bucket) => bucket.otherPerSecond },
  ]);
  lines(60 + panelHeight + 60, 'Latency of the answers over time (ms)', 'ms', [
    { label: 'p50', color: '#66a61e', value: (bucket) => bucket.p50 },
    { label: 'p95', color: '#e6ab02', value: (bucket) => bucket.p95 },
    { label: 'p99', color: '#e7298a', value: (bucket) => bucket.p99 },
  ]);

  const barsTop = 60 + 2 * (panelHeight + 60);
  const groups: { label: string; latency: Latency }[] = [
    { label: 'accepted', latency: input.drop.latency.accepted },
    { label: 'rejected', latency: input.drop.latency.rejected },
    ...(input.ceiling ? [{ label: 'ceiling', latency: input.ceiling.latency.all }] : []),
  ];
  const keys = ['p50', 'p95', 'p99', 'max'] as const;
  const colors = ['#66a61e', '#e6ab02', '#e7298a', '#666666'];
  const maxLatency = niceMax(Math.max(1, ...groups.flatMap((group) => keys.map((key) => group.latency[key]))));
  const barHeight = (value: number) => (value / maxLatency) * panelHeight;
  parts.push(text(left, barsTop - 8, 'Latency percentiles over the whole run (ms)', 'font-size="13" font-weight="bold"'));
  parts.push(axes(left, barsTop, plotWidth, panelHeight, maxLatency, 'ms', null));
  const groupWidth = plotWidth / groups.length;
  groups.forEach((group, groupIndex) => {
    const barWidth = Math.min(40, (groupWidth - 40) / keys.length);
    keys.forEach((key, keyIndex) => {
      const value = group.latency[key];
      const bx = left + groupIndex * groupWidth + 20 + keyIndex * (barWidth + 4);
      const h = barHeight(value);
      parts.push(`<rect x="${bx.toFixed(1)}" y="${(barsTop + panelHeight - h).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[keyIndex]}"/>`);
      parts.push(text(bx, barsTop + panelHeight - h - 3, value.toFixed(value < 10 ? 1 : 0), 'font-size="9"'));
      parts.push(text(bx, barsTop + panelHeight + 12, key, 'font-size="9"'));
    });
    parts.push(text(left + groupIndex * groupWidth + 20, barsTop + panelHeight + 26, `${group.label} (n=${group.latency.count})`, 'font-size="11"'));
  });

  const height = barsTop + panelHeight + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function axes(left: number, top: number, width: number, height: number, max: number, unit: string, maxT: number | null): string {
  const out = [`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`];
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (max * tick) / 4;
    const y = top + height - (height * tick) / 4;
    out.push(`<line x1="${left}" x2="${left + width}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" font-size="10" text-anchor="end">${formatTick(value)}${tick === 4 ? ` ${unit}` : ''}</text>`);
  }
  if (maxT !== null) {
    for (let tick = 0; tick <= 5; tick += 1) {
      const t = (maxT * tick) / 5;
      const x = left + (width * tick) / 5;
      out.push(`<text x="${x}" y="${top + height + 14}" font-size="10" text-anchor="middle">${t.toFixed(t < 10 ? 1 : 0)} s</text>`);
    }
  }
  return out.join('\n');
}

const formatTick = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(0)}k` : value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
