/**
 * Units of a query's result, inferred from the PromQL (metric names follow the Prometheus naming
 * conventions: `_bytes`, `_seconds`, `_total`), and formatted the way an SRE reads them: bytes as
 * MiB/GiB, sub-second latencies in ms, ratios as %, CPU in cores.
 */

export type Unit =
  | 'bytes'
  | 'bytes_per_second'
  | 'seconds'
  | 'ratio'
  | 'percent'
  | 'cores'
  | 'per_second'
  | 'count'
  | 'none';

const rateFunctions = /\b(?:rate|irate|deriv)\s*\(/;
const increaseFunctions = /\b(?:increase|changes|resets|count_over_time)\s*\(/;

/** The unit of what `query` returns. Heuristic, and conservative: 'none' when unsure. */
export function inferUnit(query: string): Unit {
  const q = query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  if (/\*\s*100\b|\b100\s*\*/.test(q)) return 'percent';
  if (/\bhistogram_quantile\s*\(/.test(q)) return /_seconds_bucket\b/.test(q) ? 'seconds' : /_bytes_bucket\b/.test(q) ? 'bytes' : 'none';
  if (isRatio(q)) return 'ratio';
  if (/\b(?:count|count_values)\s*(?:by|without)?\s*(?:\([^)]*\))?\s*\(/.test(q) && !/\bsum\b/.test(q)) return 'count';
  const metrics = q.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{[)\s]|$)/g) ?? [];
  const names = metrics.filter((m) => m.includes('_'));
  const hasRate = rateFunctions.test(q);
  if (names.some((n) => /^(?:container|node|process)_cpu_(?:usage_)?seconds_total$/.test(n) || n === 'node_cpu_seconds_total')) {
    return hasRate ? 'cores' : 'seconds';
  }
  if (names.some((n) => /_bytes(?:_total)?$/.test(n))) return hasRate ? 'bytes_per_second' : 'bytes';
  if (names.some((n) => n === 'kube_pod_container_resource_limits' || n === 'kube_pod_container_resource_requests')) {
    if (/resource\s*=\s*""/.test(q)) return 'none';
  }
  if (names.some((n) => /_seconds(?:_sum)?$/.test(n) && !/_total$/.test(n)) && !/_count\b/.test(q)) return 'seconds';
  if (names.some((n) => /_total$|_count$/.test(n))) {
    if (hasRate) return 'per_second';
    if (increaseFunctions.test(q)) return 'count';
  }
  return 'none';
}

/** `a / b` where both sides measure the same thing (usage / limit, throttled / total periods, errors / all). */
function isRatio(q: string): boolean {
  if (!/\//.test(q)) return false;
  if (/_sum\b[^/]*\/[^/]*_count\b/.test(q)) return false; // mean latency: seconds, not a ratio
  if (/\/\s*on\s*\(|\/\s*ignoring\s*\(/.test(q)) return true;
  if (/throttled_periods_total[\s\S]*\/[\s\S]*periods_total/.test(q)) return true;
  if (/resource_limits|MemTotal_bytes|_spec_replicas/.test(q) && /\//.test(q)) return true;
  if (/http_requests_total[\s\S]*code\s*=~?\s*""[\s\S]*\/[\s\S]*http_requests_total/.test(q)) return true;
  return false;
}

/** Unit for a series when the query names the resource in a label (`kube_pod_container_resource_limits`). */
export function unitOfResource(resource: string | undefined): Unit | undefined {
  if (resource === 'memory' || resource === 'ephemeral_storage') return 'bytes';
  if (resource === 'cpu') return 'cores';
  return undefined;
}

const binary = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function significant(value: number, digits = 3): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return Math.round(value).toString();
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return Number(value.toFixed(Math.min(decimals, 6))).toString();
}

export function formatBytes(bytes: number): string {
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < binary.length - 1) {
    value /= 1024;
    i++;
  }
  return `${significant(value)} ${binary[i]}`;
}

export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${significant(seconds * 1e6)} µs`;
  if (abs < 1) return `${significant(seconds * 1000)} ms`;
  if (abs < 120) return `${significant(seconds)} s`;
  if (abs < 7200) return `${significant(seconds / 60)} min`;
  if (abs < 172_800) return `${significant(seconds / 3600)} h`;
  return `${significant(seconds / 86_400)} d`;
}

function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${significant(value / 1e9)}G`;
  if (abs >= 1e6) return `${significant(value / 1e6)}M`;
  if (abs >= 1e4) return `${significant(value / 1e3)}k`;
  return significant(value);
}

/** A value as a person reads it: "412 MiB", "312 ms", "87.5%", "0.62 cores", "14.2/s". */
export function formatValue(value: number, unit: Unit): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytes_per_second':
      return `${formatBytes(value)}/s`;
    case 'seconds':
      return formatSeconds(value);
    case 'ratio':
      return `${significant(value * 100)}%`;
    case 'percent':
      return `${significant(value)}%`;
    case 'cores':
      return `${significant(value)} ${Math.abs(value) === 1 ? 'core' : 'cores'}`;
    case 'per_second':
      return `${compact(value)}/s`;
    case 'count':
    case 'none':
      return compact(value);
  }
}

/** A rate of change of a value in `unit`, per minute ("+12.3 MiB/min", "-0.5%/min" in points). */
export function formatSlope(perMinute: number, unit: Unit): string {
  const sign = perMinute > 0 ? '+' : perMinute < 0 ? '-' : '';
  const magnitude = Math.abs(perMinute);
  const text = unit === 'ratio' ? `${significant(magnitude * 100)} points` : unit === 'percent' ? `${significant(magnitude)} points` : formatValue(magnitude, unit);
  return `${sign}${text}/min`;
}

/** The unit's name in words, for structured output (`"bytes"`, `"seconds"`, ...). */
export function unitLabel(unit: Unit): string {
  return unit.replace(/_/g, ' ');
}
