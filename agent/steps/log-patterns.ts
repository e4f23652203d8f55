/**
 * What container logs say, as patterns: out-of-memory, memory warnings, timeouts and failed calls to
 * other services (with the service they name), configuration errors, stack traces, slow requests and
 * error-level lines. Written against the log formats of the runtimes we run (ASP.NET Core JSON
 * console, Spring Boot, Go zap JSON, gunicorn); adding a pattern is adding an entry.
 */
import { FindingKind as K } from '../analysis/finding-kinds.js';

export interface LogPattern {
  name: string;
  finding: string;
  severity: 'critical' | 'warning' | 'info';
  description: string;
  match: RegExp;
  /** Lines that look like a match but are not (e.g. an access log line with "timeout" in a URL). */
  exclude?: RegExp;
  /** Looks for the service a line names (timeouts and failed calls are about the callee). */
  upstream?: boolean;
}

export const logPatterns: LogPattern[] = [
  { name: 'oom', finding: K.logOom, severity: 'critical', description: 'out of memory', match: /OutOfMemory|out of memory|heap hard limit reached|heap close to memory limit|Perhaps out of memory|allocation failed/i },
  { name: 'memory-warning', finding: K.logMemoryWarning, severity: 'warning', description: 'memory close to the limit', match: /memory pressure high|memory usage high|memory usage \d+MiB is close|heap usage \d+MiB of \d+MiB|full GC did not reclaim/i },
  { name: 'timeout', finding: K.logTimeout, severity: 'warning', description: 'timeouts calling another service', match: /TaskCanceledException|HttpClient\.Timeout|timed out|deadline exceeded|SocketTimeoutException|context deadline/i, exclude: /Readiness probe/i, upstream: true },
  { name: 'upstream-5xx', finding: K.logUpstream5xx, severity: 'warning', description: 'calls to another service failing', match: /Connection refused|-> HTTP 50[0234]|does not indicate success: 50\d|Bad Gateway|Service Unavailable/i, upstream: true },
  { name: 'config-error', finding: K.logConfigError, severity: 'critical', description: 'invalid configuration at start-up', match: /invalid configuration|Hosting failed to start|Application run failed|Worker failed to boot|is not set|is not a valid URL|must be a positive integer/i },
  { name: 'stack-trace', finding: K.logStackTrace, severity: 'warning', description: 'exceptions and stack traces', match: /Exception\b|Traceback \(most recent call last\)|panic:|^\s+at [\w.$<>]+\(/, exclude: /TaskCanceledException|OutOfMemory/ },
  { name: 'slow-request', finding: K.logSlowRequest, severity: 'warning', description: 'requests the service logged as slow', match: /slow request/i },
  { name: 'errors', finding: K.logErrors, severity: 'warning', description: 'error-level lines', match: /"LogLevel":"(Error|Critical)"|\bERROR\b|"level":"(error|fatal)"|\[ERROR\]/ },
];

export interface PatternHit {
  pattern: LogPattern;
  count: number;
  first?: string;
  last?: string;
  example: string;
  /** Callee service -> lines naming it. */
  upstreams: Record<string, number>;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/;

/** The service a line names: "Call to petsearch failed", or a cluster host "petsearch.petadoptions.svc". */
export function upstreamOf(line: string): string | undefined {
  const call = /Call to ([a-z0-9-]+) failed/.exec(line);
  if (call) return call[1];
  const host = /\b([a-z0-9][a-z0-9-]*)\.[a-z0-9-]+\.svc(?:\.cluster\.local)?\b/.exec(line);
  return host?.[1];
}

/** Scans log text (optionally with `--timestamps` prefixes) for every pattern. */
export function scanLogs(text: string, patterns: LogPattern[] = logPatterns, self?: string): PatternHit[] {
  const hits = new Map<string, PatternHit>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    const stamped = TIMESTAMP.exec(raw);
    const at = stamped?.[1];
    const line = stamped ? stamped[2]! : raw;
    for (const pattern of patterns) {
      if (!pattern.match.test(line) || pattern.exclude?.test(line)) continue;
      const hit = hits.get(pattern.name) ?? { pattern, count: 0, example: line.slice(0, 300), upstreams: {} };
      hit.count++;
      if (at) {
        hit.first ??= at;
        hit.last = at;
      }
      if (pattern.upstream) {
        const upstream = upstreamOf(line);
        if (upstream && upstream !== self) hit.upstreams[upstream] = (hit.upstreams[upstream] ?? 0) + 1;
      }
      hits.set(pattern.name, hit);
    }
  }
  return [...hits.values()];
}

/**
 * Request durations (ms) from the services' own access-log lines: ASP.NET Core "Request finished ...
 * 12.3ms", Spring "GET /path 200 33ms", zap JSON "duration_ms". What the service itself measured, as
 * opposed to what its callers waited.
 */
export function requestDurations(text: string): { at?: string; ms: number }[] {
  const out: { at?: string; ms: number }[] = [];
  for (const raw of text.split('\n')) {
    const stamped = TIMESTAMP.exec(raw);
    const line = stamped?.[2] ?? raw;
    if (/slow request/i.test(line)) continue;
    const dotnet = /Request finished HTTP\/[\d.]+ \w+ \S+ - (\d{3}) - \S* ([\d.]+)ms/.exec(line);
    const spring = /\s(?:GET|POST|PUT|DELETE) \S+ (\d{3}) (\d+)ms\b/.exec(line);
    const zap = /"status":(\d{3}).*"duration_ms":([\d.]+)/.exec(line);
    const m = dotnet ?? spring ?? zap;
    if (m && m[1]!.startsWith('2')) out.push({ ...(stamped ? { at: stamped[1] } : {}), ms: Number(m[2]) });
  }
  return out;
}

export function percentile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
