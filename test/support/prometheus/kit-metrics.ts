/**
 * Deterministic pet-adoption samples in OpenMetrics text, backfilled into the test Prometheus with
 * `promtool tsdb create-blocks-from openmetrics`. Prometheus' service discovery waits about five
 * seconds before the first scrape, so tests query backfilled history instead: it is there the moment
 * the server is ready, and every value is known in advance.
 */

export const samplePeriodSeconds = 15;
export const windowSeconds = 600;

export interface KitPod {
  service: string;
  pod: string;
  node: string;
  /** Working set at the window's start, bytes. */
  memoryBytes: number;
  /** Growth per second, bytes (the leaking pod grows). */
  memoryGrowth: number;
}

export const kitPods: KitPod[] = [
  { service: 'petsite', pod: 'petsite-6f7c9d8b5-x7k2p', node: 'ip-10-0-1-23.ec2.internal', memoryBytes: 200_000_000, memoryGrowth: 0 },
  { service: 'petsite', pod: 'petsite-6f7c9d8b5-b4n9q', node: 'ip-10-0-2-41.ec2.internal', memoryBytes: 210_000_000, memoryGrowth: 0 },
  { service: 'payforadoption', pod: 'payforadoption-5c8d7f6b9-q2w8z', node: 'ip-10-0-3-17.ec2.internal', memoryBytes: 150_000_000, memoryGrowth: 100_000 },
];

/** Memory of `pod` at `t` seconds after the window's start. */
export function memoryAt(pod: KitPod, t: number): number {
  return pod.memoryBytes + pod.memoryGrowth * t;
}

/** Requests per second by service and code (constant, so rate() is exact). */
export const requestRates: { service: string; route: string; code: string; perSecond: number }[] = [
  { service: 'petsite', route: '/', code: '200', perSecond: 10 },
  { service: 'petsite', route: '/', code: '500', perSecond: 0.2 },
  { service: 'payforadoption', route: '/api/home/completeadoption', code: '200', perSecond: 2 },
];

/** OpenMetrics for the window [endSeconds - windowSeconds, endSeconds]; `endSeconds` a multiple of 15. */
export function kitOpenMetrics(endSeconds: number): string {
  const start = endSeconds - windowSeconds;
  const times: number[] = [];
  for (let t = start; t <= endSeconds; t += samplePeriodSeconds) times.push(t);
  const lines: string[] = [];

  lines.push('# HELP container_memory_working_set_bytes Current working set of the container in bytes.');
  lines.push('# TYPE container_memory_working_set_bytes gauge');
  for (const pod of kitPods) {
    const labels = `container="${pod.service}",namespace="petadoptions",node="${pod.node}",pod="${pod.pod}"`;
    for (const t of times) lines.push(`container_memory_working_set_bytes{${labels}} ${memoryAt(pod, t - start)} ${t}`);
  }

  // OpenMetrics names the counter family without the _total its samples carry.
  lines.push('# HELP http_requests Requests served, by service, route, method and status code.');
  lines.push('# TYPE http_requests counter');
  for (const rate of requestRates) {
    const labels = `code="${rate.code}",method="GET",route="${rate.route}",service="${rate.service}"`;
    for (const t of times) lines.push(`http_requests_total{${labels}} ${rate.perSecond * (t - start)} ${t}`);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** The newest 15-second boundary at least a minute in the past (the head block stays empty). */
export function kitWindowEnd(nowMs: number): number {
  const seconds = Math.floor(nowMs / 1000) - 60;
  return seconds - (seconds % samplePeriodSeconds);
}
