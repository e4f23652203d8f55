/**
 * Charts as inline SVG strings, so reports open offline with no library and no CDN: a line chart of the
 * key metric with the incident's phase markers, and horizontal bars (manual vs agent, phases).
 */
import type { Sample } from '../../lib/prometheus/series.js';

export interface ChartSeries {
  name: string;
  /** `t` in epoch seconds. */
  samples: Sample[];
}

export interface ChartMarker {
  /** Epoch seconds. */
  at: number;
  label: string;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function niceNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(2);
}

export function lineChart(series: ChartSeries[], markers: ChartMarker[], options: { unit: string; width?: number; height?: number; title: string }): string {
  const width = options.width ?? 860;
  const height = options.height ?? 340;
  const pad = { left: 64, right: 40, top: 28, bottom: 110 };
  const points = series.flatMap((s) => s.samples).filter(({ v }) => Number.isFinite(v));
  if (!points.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80" role="img" aria-label="${escapeXml(options.title)}"><text x="10" y="40" font-size="14">No data for ${escapeXml(options.title)}</text></svg>`;
  const times = [...points.map(({ t }) => t), ...markers.map((m) => m.at)];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const values = points.map(({ v }) => v);
  const v0 = Math.min(0, ...values);
  const v1 = Math.max(...values, v0 + 1e-9) * 1.08;
  const x = (t: number) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - ((v - v0) / (v1 - v0)) * (height - pad.top - pad.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(options.title)}" class="chart line-chart">`);
  parts.push(`<text x="${pad.left}" y="18" font-size="13" font-weight="600">${escapeXml(options.title)} (${escapeXml(options.unit)})</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = v0 + ((v1 - v0) * i) / 4;
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#4b5563">${niceNumber(v)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const t = t0 + ((t1 - t0) * i) / 5;
    const label = new Date(t * 1000).toISOString().slice(11, 19);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${height - pad.bottom + 16}" font-size="11" text-anchor="middle" fill="#4b5563">${label}</text>`);
  }
  // Markers close together share a column of labels, one row each, so every label stays readable.
  let groupStart = -Infinity;
  let row = 0;
  [...markers].sort((a, b) => a.at - b.at).forEach((marker) => {
    const position = x(marker.at);
    if (position - groupStart > 80) {
      groupStart = position;
      row = 0;
    } else row++;
    const mx = position.toFixed(1);
    parts.push(`<line class="marker" x1="${mx}" x2="${mx}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#9ca3af" stroke-dasharray="4 3"><title>${escapeXml(marker.label)} ${new Date(marker.at * 1000).toISOString()}</title></line>`);
    parts.push(`<text x="${groupStart.toFixed(1)}" y="${height - pad.bottom + 30 + row * 11}" font-size="10" text-anchor="middle" fill="#374151">${escapeXml(marker.label)}</text>`);
  });
  series.forEach((s, i) => {
    const color = palette[i % palette.length]!;
    const d = s.samples
      .filter(({ v }) => Number.isFinite(v))
      .map(({ t, v }, j) => `${j ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`)
      .join('');
    parts.push(`<path class="series" d="${d}" fill="none" stroke="${color}" stroke-width="1.8"><title>${escapeXml(s.name)}</title></path>`);
    parts.push(`<text x="${width - pad.right}" y="${pad.top + 12 + i * 13}" font-size="11" text-anchor="end" fill="${color}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface Bar {
  label: string;
  /** Stacked segments (phase, seconds). */
  segments: { name: string; value: number }[];
  note?: string;
}

const segmentColors: Record<string, string> = { detect: '#f59e0b', investigate: '#3b82f6', approve: '#a855f7', remediate: '#10b981', verify: '#6b7280' };

export function barChart(bars: Bar[], options: { title: string; unit: string; width?: number }): string {
  const width = options.width ?? 860;
  const rowHeight = 34;
  const pad = { left: 190, right: 120, top: 30, bottom: 36 };
  const height = pad.top + pad.bottom + bars.length * rowHeight;
  const max = Math.max(1, ...bars.map((b) => b.segments.reduce((a, s) => a + s.value, 0)));
  const scale = (v: number) => (v / max) * (width - pad.left - pad.right);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(options.title)}" class="chart bar-chart">`);
  parts.push(`<text x="10" y="18" font-size="13" font-weight="600">${escapeXml(options.title)}</text>`);
  bars.forEach((bar, i) => {
    const top = pad.top + i * rowHeight;
    parts.push(`<text x="${pad.left - 8}" y="${top + 20}" font-size="12" text-anchor="end">${escapeXml(bar.label)}</text>`);
    let left = pad.left;
    for (const segment of bar.segments) {
      const w = scale(segment.value);
      if (w <= 0) continue;
      parts.push(`<rect class="bar" x="${left.toFixed(1)}" y="${top + 6}" width="${w.toFixed(1)}" height="${rowHeight - 12}" fill="${segmentColors[segment.name] ?? '#64748b'}"><title>${escapeXml(`${bar.label}: ${segment.name} ${formatSeconds(segment.value)}`)}</title></rect>`);
      left += w;
    }
    const total = bar.segments.reduce((a, s) => a + s.value, 0);
    parts.push(`<text x="${(left + 6).toFixed(1)}" y="${top + 20}" font-size="12">${escapeXml(formatSeconds(total))}${bar.note ? ` ${escapeXml(bar.note)}` : ''}</text>`);
  });
  const legendY = height - 12;
  Object.entries(segmentColors).forEach(([name, color], i) => {
    parts.push(`<rect x="${pad.left + i * 110}" y="${legendY - 10}" width="12" height="12" fill="${color}"/><text x="${pad.left + i * 110 + 16}" y="${legendY}" font-size="11">${name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** 754 -> "12 min 34 s"; 42 -> "42 s". */
export function formatSeconds(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const s = Math.round(value);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
