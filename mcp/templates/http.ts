/**
 * Application (RED) measures from every service's own metrics: request rate, errors and latency
 * (`http_requests_total`, `http_request_duration_seconds` histogram).
 */
import { windowParam, type MeasureDef } from './measure.js';

// A regex over the `code` label: a class (5..), several (4..|5..), the successes ([1-4]..) or one code (404).
const codesParam = { name: 'codes', kind: 'choice' as const, description: 'status codes as a regex over the code label: 5.. (server errors, the default), 4.., [1-4].. (not server errors) or one code such as 404', default: '5..' };

export const httpMeasures: MeasureDef[] = [
  {
    id: 'request-rate',
    title: 'Request rate',
    description: 'HTTP requests per second (rate of http_requests_total).',
    category: 'requests',
    unit: 'req/s',
    families: ['http'],
    ask: (s) => `How many requests per second is ${s} serving?`,
    params: [windowParam],
    build: (q) => q.agg('sum', `rate(http_requests_total${q.sel('http')}[\${window}])`),
  },
  {
    id: 'request-count',
    title: 'Requests in a window',
    description: 'HTTP requests served within the window (increase of http_requests_total).',
    category: 'requests',
    unit: 'requests',
    families: ['http'],
    ask: (s) => `How many requests did ${s} get in the last hour?`,
    params: [{ ...windowParam, default: '1h' }],
    build: (q) => q.agg('sum', `increase(http_requests_total${q.sel('http')}[\${window}])`),
  },
  {
    id: 'error-ratio',
    title: 'Error ratio',
    description: 'Share of requests answered with the given status class (5xx by default), 0..1.',
    category: 'errors',
    unit: 'ratio',
    families: ['http'],
    ask: (s) => `What is the error rate of ${s}?`,
    params: [windowParam, codesParam],
    build: (q) => `${q.agg('sum', `rate(http_requests_total${q.sel('http', ['code=~"${codes}"'])}[\${window}])`)} / ${q.agg('sum', `rate(http_requests_total${q.sel('http')}[\${window}])`)}`,
  },
  {
    id: 'error-rate',
    title: 'Errors per second',
    description: 'Requests per second answered with the given status class (5xx by default).',
    category: 'errors',
    unit: 'req/s',
    families: ['http'],
    ask: (s) => `How many 5xx errors per second is ${s} returning?`,
    params: [windowParam, codesParam],
    build: (q) => q.agg('sum', `rate(http_requests_total${q.sel('http', ['code=~"${codes}"'])}[\${window}])`),
  },
  {
    id: 'error-count',
    title: 'Errors in a window',
    description: 'Requests answered with the given status class (5xx by default) within the window.',
    category: 'errors',
    unit: 'requests',
    families: ['http'],
    ask: (s) => `How many 5xx errors did ${s} return in the last hour?`,
    params: [{ ...windowParam, default: '1h' }, codesParam],
    build: (q) => q.agg('sum', `increase(http_requests_total${q.sel('http', ['code=~"${codes}"'])}[\${window}])`),
  },
  {
    id: 'latency-quantile',
    title: 'Latency percentile',
    description: 'Request latency quantile (p50/p90/p95/p99) from the http_request_duration_seconds histogram, in seconds.',
    category: 'latency',
    unit: 'seconds',
    families: ['http'],
    ask: (s) => `What is the p95 latency of ${s}?`,
    except: ['service-by-method', 'cluster-by-method'],
    params: [windowParam, { name: 'quantile', kind: 'number', description: 'quantile between 0 and 1 (0.95 = p95)', default: '0.95' }],
    build: (q) => {
      const by = ['le', ...q.by('http')];
      return `histogram_quantile(\${quantile}, sum by (${by.join(', ')}) (rate(http_request_duration_seconds_bucket${q.sel('http')}[\${window}])))`;
    },
  },
  {
    id: 'latency-average',
    title: 'Average latency',
    description: 'Mean request latency in seconds (rate of the histogram sum over rate of its count).',
    category: 'latency',
    unit: 'seconds',
    families: ['http'],
    ask: (s) => `What is the average response time of ${s}?`,
    except: ['service-by-method', 'cluster-by-method'],
    params: [windowParam],
    build: (q) => `${q.agg('sum', `rate(http_request_duration_seconds_sum${q.sel('http')}[\${window}])`)} / ${q.agg('sum', `rate(http_request_duration_seconds_count${q.sel('http')}[\${window}])`)}`,
  },
];
