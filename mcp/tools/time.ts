/**
 * Times and steps as tools accept them: RFC 3339, Unix seconds, "now" and "now-1h" (Grafana's
 * relative form, which models use naturally); steps as seconds or durations ("30s", "5m").
 */
import { parseDuration } from '../../core/duration.js';
import { ToolError } from './errors.js';

export function parseTime(value: string | number | undefined, now: number, what: string): number {
  if (value === undefined || value === '') return now;
  if (typeof value === 'number') return secondsOrMs(value, what);
  const text = value.trim();
  const relative = /^now\s*(?:([-+])\s*(\S+))?$/i.exec(text);
  if (relative) {
    if (!relative[1]) return now;
    const offset = duration(relative[2]!, what);
    return relative[1] === '-' ? now - offset : now + offset;
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return secondsOrMs(Number(text), what);
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) {
    throw new ToolError('invalid_argument', `${what} "${value}" is not a time`, `give ${what} as RFC 3339 (2026-11-24T10:30:00Z), Unix seconds, "now" or "now-1h"`);
  }
  return parsed;
}

function secondsOrMs(value: number, what: string): number {
  // Unix seconds are ~1.7e9 today; a 13-digit number is milliseconds pasted from a browser.
  if (value > 1e11) throw new ToolError('invalid_argument', `${what} ${value} looks like milliseconds`, `give ${what} in Unix seconds (${Math.floor(value / 1000)})`);
  return value * 1000;
}

function duration(text: string, what: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new ToolError('invalid_argument', `"${text}" in ${what} is not a duration`, 'use durations like 30s, 15m, 1h, 1d');
  }
}

/**
 * The evaluation time of an instant query: an explicit time as given; "now" (or "now-1h") rounded
 * down to `resolutionMs`, so an agent asking the same thing twice within seconds asks about the same
 * instant (and hits the cache) — samples younger than a scrape interval add nothing anyway.
 */
export function instantTime(value: string | number | undefined, now: number, resolutionMs: number): number {
  const time = parseTime(value, now, 'time');
  const relative = value === undefined || value === '' || (typeof value === 'string' && /^\s*now/i.test(value));
  return relative && resolutionMs > 0 ? Math.floor(time / resolutionMs) * resolutionMs : time;
}

export function parseStep(value: string | number | undefined, what = 'step'): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = typeof value === 'number' || /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : duration(String(value), what);
  if (!(ms >= 1000)) throw new ToolError('invalid_argument', `${what} must be at least 1s (got ${value})`, 'use a step like 15s, 30s, 1m or 5m');
  return ms;
}

/** A step that gives about `points` points over the range, rounded to a readable duration, at least 15 s. */
export function stepFor(start: number, end: number, points = 240): number {
  const raw = Math.max(15_000, (end - start) / points);
  const nice = [15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  return nice.find((s) => s >= raw) ?? Math.ceil(raw / 3_600_000) * 3_600_000;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
