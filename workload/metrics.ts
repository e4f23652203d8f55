/**
 * Each role's /metrics (prom-client): the application families DESIGN.md names, with the same help,
 * labels and buckets as the local simulation's exposition, plus Node's default process metrics.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '../lib/petadoption/catalog.js';

export interface RoleMetrics {
  registry: Registry;
  /** Counts one request: `http_requests_total{service,route,method,code}` and its latency in `http_request_duration_seconds{service,route}`. */
  observe(request: { route: string; method: string; code: number; seconds: number }): void;
}

export function roleMetrics(service: string): RoleMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Total number of HTTP requests by route, method and status code.',
    labelNames: ['service', 'route', 'method', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency in seconds.',
    labelNames: ['service', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observe({ route, method, code, seconds }) {
      requests.inc({ service, route, method, code: String(code) });
      duration.observe({ service, route }, seconds);
    },
  };
}
