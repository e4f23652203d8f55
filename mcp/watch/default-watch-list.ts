/**
 * The watch list used when `--anomaly-webhook` is given without `--watch FILE`: the pet-adoption
 * cluster's golden signals (namespace `petadoptions`, metric names of DESIGN.md). docs/mcp.md shows
 * the same list as YAML, a starting point for your own (a test keeps the two equal).
 *
 * Sensitivity is `low` throughout, the detectors' setting for paging (medium is tuned for NAB's
 * eager scoring); replayed over the recorded pet-adoption history (test/support/prometheus-history.ts)
 * it pushes the memory leak and the latency of the CPU-starved service, and nothing else.
 */
import { parseWatchList, type WatchList, type WatchListInput } from './watch-list.js';

const containers = '{namespace="petadoptions", container!="", container!="POD"}';
const byContainer = 'namespace, pod, container';
const requests = (extra = '') => `rate(http_requests_total{namespace="petadoptions"${extra}}[5m])`;

export const petAdoptionWatchListInput = {
  interval: '60s',
  recent: '30m',
  watches: [
    {
      name: 'memory-working-set',
      description: 'Memory working set vs limit',
      query: `max by (${byContainer}) (container_memory_working_set_bytes${containers})`,
      limit: `max by (${byContainer}) (kube_pod_container_resource_limits{namespace="petadoptions", resource="memory"} > 0)`,
      baseline: '2h',
      step: '30s',
      sensitivity: 'low',
      unit: 'bytes',
      // Growth towards the limit is info while the limit is hours away: not worth an incident.
      minSeverity: 'warning',
    },
    {
      name: 'cpu-throttling',
      description: 'CPU throttling ratio',
      query: `sum by (${byContainer}) (rate(container_cpu_cfs_throttled_periods_total${containers}[5m])) / sum by (${byContainer}) (rate(container_cpu_cfs_periods_total${containers}[5m]))`,
      baseline: '2h',
      step: '30s',
      sensitivity: 'low',
      unit: 'ratio',
    },
    {
      name: 'latency-p99',
      description: 'p99 latency',
      query: 'histogram_quantile(0.99, sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket{namespace="petadoptions"}[5m])))',
      baseline: '2h',
      step: '30s',
      sensitivity: 'low',
      unit: 'seconds',
    },
    {
      name: 'error-ratio',
      description: '5xx ratio',
      // `or 0 * ...` keeps services without any 5xx as a series of zeros instead of dropping them.
      query: `(sum by (namespace, service) (${requests(', code=~"5.."')}) or 0 * sum by (namespace, service) (${requests()})) / sum by (namespace, service) (${requests()})`,
      baseline: '2h',
      step: '30s',
      sensitivity: 'low',
      unit: 'ratio',
    },
    {
      name: 'node-memory-available',
      description: 'Node available memory',
      query: 'min by (node) (node_memory_MemAvailable_bytes)',
      baseline: '2h',
      step: '30s',
      sensitivity: 'low',
      unit: 'bytes',
    },
  ],
} satisfies WatchListInput;

export const petAdoptionWatchList: WatchList = parseWatchList(petAdoptionWatchListInput, 'the built-in pet-adoption watch list');
