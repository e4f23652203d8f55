/**
 * Go-style durations ("30s", "1m30s", "250ms", "2h"), the format of Chaos Mesh `duration`, Prometheus
 * intervals and Kubernetes flags.
 */
const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(trimmed)) !== null) {
    total += Number(match[1]) * unitMs[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new SyntaxError(`invalid duration "${text}" (expected forms like 30s, 5m, 1h30m, 250ms)`);
  }
  return total;
}

/** A duration from settings that have a sensible default: `fallbackMs` when absent or not a duration. */
export function durationOr(text: unknown, fallbackMs: number): number {
  if (typeof text !== 'string') return fallbackMs;
  try {
    return parseDuration(text);
  } catch {
    return fallbackMs;
  }
}

/** Formats milliseconds as the shortest Prometheus-compatible duration ("90s" -> "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  return parts.join('');
}

/** Human age as kubectl prints it ("45s", "12m", "3h5m", "4d"). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${d}d`;
}
