/**
 * "The symptom is gone", in PromQL: for the alert that opened the incident, the same condition with
 * the workload pinned, which must stay below its threshold during the verification hold. Node memory
 * pressure has none here: draining moves the workload away while the node itself may stay under
 * pressure until it is replaced, so its verification is the drained node and the healthy workloads.
 */
import type { Alert, RootCause } from '../../core/types.js';
import { promqlDuration, promqlRegexContent, promqlStringContent } from '../evidence/promql.js';
import type { VerificationCondition } from './verification.js';

// Label values come from alerts: data, escaped inside their strings and regexes (agent/evidence/promql.ts).
const q = promqlStringContent;

function podsOf(namespace: string, deployment: string): string {
  return `namespace="${q(namespace)}", pod=~"${promqlRegexContent(deployment)}-[a-z0-9]+-[a-z0-9]+"`;
}

export function symptomChecks(alerts: readonly Alert[], rc: RootCause | undefined, rate = '2m'): VerificationCondition[] {
  const out: VerificationCondition[] = [];
  const seen = new Set<string>();
  rate = promqlDuration(rate);
  for (const alert of alerts) {
    const ns = alert.labels.namespace ?? rc?.target.namespace;
    const workload = alert.labels.deployment ?? (rc?.target.kind === 'Deployment' ? rc.target.name : undefined);
    const service = alert.labels.service;
    let check: VerificationCondition | undefined;
    switch (alert.name) {
      case 'ContainerMemoryNearLimit':
      case 'ContainerMemoryGrowingToLimit':
        if (ns && workload) check = { type: 'promql', description: 'working set back under 90% of the limit', query: `max(max by (namespace, pod, container) (container_memory_working_set_bytes{${podsOf(ns, workload)}, container!="", container!="POD"}) / on (namespace, pod, container) max by (namespace, pod, container) (kube_pod_container_resource_limits{${podsOf(ns, workload)}, resource="memory", unit="byte"} > 0))`, op: '<', threshold: 0.9 };
        break;
      case 'ContainerOOMKilled':
      case 'PodCrashLooping':
        if (ns && workload) check = { type: 'promql', description: 'no container restarts', query: `sum(increase(kube_pod_container_status_restarts_total{${podsOf(ns, workload)}}[${rate}])) > 0`, op: 'empty' };
        break;
      case 'CPUThrottlingHigh':
        if (ns && workload) check = { type: 'promql', description: 'throttling back under 25% of CPU periods', query: `max(sum by (pod, container) (increase(container_cpu_cfs_throttled_periods_total{${podsOf(ns, workload)}, container!="", container!="POD"}[${rate}])) / sum by (pod, container) (increase(container_cpu_cfs_periods_total{${podsOf(ns, workload)}, container!="", container!="POD"}[${rate}])))`, op: '<', threshold: 0.25 };
        break;
      case 'HighRequestLatency':
        if (ns && service) check = { type: 'promql', description: `p99 latency of ${service} back under 1 s`, query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${q(ns)}", service="${q(service)}"}[${rate}])))`, op: '<', threshold: 1 };
        break;
      case 'HighErrorRate':
        if (ns && service) check = { type: 'promql', description: `5xx share of ${service} back under 5%`, query: `sum(rate(http_requests_total{namespace="${q(ns)}", service="${q(service)}", code=~"5.."}[${rate}])) / sum(rate(http_requests_total{namespace="${q(ns)}", service="${q(service)}"}[${rate}]))`, op: '<', threshold: 0.05 };
        break;
      case 'DeploymentReplicasUnavailable':
        if (ns && workload) check = { type: 'promql', description: 'every desired replica available', query: `max(kube_deployment_spec_replicas{namespace="${q(ns)}", deployment="${q(workload)}"}) - max(kube_deployment_status_replicas_available{namespace="${q(ns)}", deployment="${q(workload)}"}) > 0`, op: 'empty' };
        break;
      default:
        break;
    }
    if (check && check.type === 'promql' && !seen.has(check.query)) {
      seen.add(check.query);
      out.push(check);
    }
  }
  return out;
}
