/** Each pet-adoption service's own /metrics (prom-client style), from the traffic model's counters. */
import { LATENCY_BUCKETS } from '../workload/traffic.js';
import { FamilyBuilder, type FamilyFilter, type MetricFamily } from './families.js';
import type { ExpositionSource } from './source.js';

export function collectApp(source: ExpositionSource, podUid: string, keep?: FamilyFilter): MetricFamily[] {
  const counters = source.traffic.countersOf(podUid);
  const b = new FamilyBuilder(keep);
  const requests = b.family('http_requests_total', 'counter', 'Total number of HTTP requests by route, method and status code.');
  const histogram = b.family('http_request_duration_seconds', 'histogram', 'HTTP request latency in seconds.');
  if (!counters) return b.build();
  for (const r of counters.requests.values()) requests({ service: counters.service, route: r.route, method: r.method, code: r.code }, Math.round(r.value));
  for (const [route, h] of counters.durations) {
    LATENCY_BUCKETS.forEach((le, i) => histogram({ service: counters.service, route, le: String(le) }, Math.floor(h.buckets[i]!), 'http_request_duration_seconds_bucket'));
    histogram({ service: counters.service, route, le: '+Inf' }, Math.round(h.count), 'http_request_duration_seconds_bucket');
    histogram({ service: counters.service, route }, Math.round(h.sum * 1e6) / 1e6, 'http_request_duration_seconds_sum');
    histogram({ service: counters.service, route }, Math.round(h.count), 'http_request_duration_seconds_count');
  }
  return b.build();
}
