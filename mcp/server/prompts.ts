/**
 * Investigation starters: prompts that give the model a plan in this server's tools for the three
 * questions on-call asks first (a pod's memory, a service's latency, a node's health). Arguments
 * complete from live label values. An argument lands in PromQL and in the model's instructions, so
 * each is held to what it names (a Kubernetes name, a quantile) before anything is spliced, and every
 * value in PromQL is escaped as well: a namespace cannot close a matcher or add an instruction.
 */
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';
import { dns1123Label, dns1123Subdomain, labelMatcher, regexLiteral } from '../../lib/prometheus/promql.js';

const namespaceName = z.string().regex(dns1123Label, 'a namespace is a Kubernetes name: lowercase letters, digits and "-", at most 63 characters');
// "The start of a pod name" may end where a name cannot ("petsite-"), so only the characters are checked.
const podPrefix = z.string().max(253).regex(/^[a-z0-9][-a-z0-9.]*$/, 'a pod name (or its start) is lowercase letters, digits, "-" and "."');
const serviceName = z.string().regex(dns1123Label, 'a service is a Kubernetes name: lowercase letters, digits and "-", at most 63 characters');
const nodeName = z.string().regex(dns1123Subdomain, 'a node name is a DNS subdomain, e.g. ip-192-168-1-10.us-west-2.compute.internal');
const quantile = z
  .string()
  .regex(/^0?\.\d{1,4}$/, 'a percentile is a quantile between 0 and 1, e.g. 0.95 or 0.99')
  .refine((q) => Number(q) > 0 && Number(q) < 1, 'a percentile is a quantile between 0 and 1, e.g. 0.95 or 0.99');

type Values = (label: string) => Promise<string[]>;

function completer(values: Values, label: string) {
  return async (value: string | undefined) => {
    try {
      return (await values(label)).filter((v) => v.startsWith(value ?? '')).slice(0, 100);
    } catch {
      return [];
    }
  };
}

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

export function registerPrompts(server: McpServer, backend: () => MetricsBackend): void {
  const values: Values = async (label) => (await backend().labelValues(label)).data;

  server.registerPrompt(
    'investigate_pod_memory',
    {
      title: 'Investigate a pod\'s memory',
      description: 'Is a pod leaking memory or about to be OOMKilled? Working set vs limit, trend, restarts and termination reasons.',
      argsSchema: {
        namespace: completable(namespaceName.describe('Namespace, e.g. petadoptions'), completer(values, 'namespace')),
        pod: completable(podPrefix.describe('Pod name or the start of it (a deployment name matches its pods)').optional(), completer(values, 'pod')),
      },
    },
    ({ namespace, pod }) => {
      const inNamespace = labelMatcher('namespace', '=', namespace);
      const ofPods = pod ? `,${labelMatcher('pod', '=~', `${regexLiteral(pod)}.*`)}` : '';
      const selector = `${inNamespace}${ofPods},container!="",container!="POD"`;
      return user(
        [
          `Investigate the memory of ${pod ? `pod(s) ${pod}*` : 'the pods'} in namespace ${namespace}. Use the Prometheus MCP tools:`,
          `1. execute_query: \`sum by (pod, container) (container_memory_working_set_bytes{${selector}}) / sum by (pod, container) (kube_pod_container_resource_limits{resource="memory",${selector}})\` — how close each container is to its limit.`,
          `2. detect_anomalies on \`container_memory_working_set_bytes{${selector}}\` over the last 3 hours — look for steady growth (a leak) and its projected time to the limit.`,
          `3. execute_query: \`increase(kube_pod_container_status_restarts_total{${inNamespace}${ofPods}}[1h])\` and \`kube_pod_container_status_last_terminated_reason{${inNamespace},reason="OOMKilled"}\` — restarts and OOMKills.`,
          '4. Conclude: leak, undersized limit, or load-driven growth; the evidence (values, times); and the remediation (raise the limit, roll back, restart) with its risk.',
        ].join('\n'),
      );
    },
  );

  server.registerPrompt(
    'investigate_latency',
    {
      title: 'Investigate a service\'s latency',
      description: 'Why is a service slow? Percentiles vs an hour ago, per route, error rate, CPU throttling, and its downstream calls.',
      argsSchema: {
        service: completable(serviceName.describe('Service, e.g. petsite'), completer(values, 'service')),
        percentile: quantile.describe('Percentile to examine: 0.5, 0.9, 0.95 or 0.99 (default 0.99)').optional(),
      },
    },
    ({ service, percentile }) => {
      const q = String(Number(percentile ?? '0.99'));
      const ofService = labelMatcher('service', '=', service);
      const ofContainer = labelMatcher('container', '=', service);
      return user(
        [
          `Investigate the latency of service ${service}. Use the Prometheus MCP tools:`,
          `1. ask: "p${Math.round(Number(q) * 100)} latency of ${service} by route over the last hour" — or execute_range_query with \`histogram_quantile(${q}, sum by (le, route) (rate(http_request_duration_seconds_bucket{${ofService}}[5m])))\`.`,
          `2. ask: "compare ${service} latency with an hour ago" — is this new?`,
          `3. execute_query: \`sum(rate(http_requests_total{${ofService},code=~"5.."}[5m])) / sum(rate(http_requests_total{${ofService}}[5m]))\` — errors often come with latency.`,
          `4. execute_query: \`sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{${ofContainer}}[5m])) / sum by (pod) (rate(container_cpu_cfs_periods_total{${ofContainer}}[5m]))\` — CPU throttling.`,
          '5. Check the services it calls the same way (latency of their routes); a slow dependency shows up as latency in the caller.',
          '6. Conclude with the most likely cause, the evidence, and what to do next.',
        ].join('\n'),
      );
    },
  );

  server.registerPrompt(
    'investigate_node_health',
    {
      title: 'Investigate node health',
      description: 'Are the nodes healthy? Conditions (memory/disk/PID pressure, Ready), CPU and memory use, load, schedulability and evictions.',
      argsSchema: {
        node: completable(nodeName.describe('Node name; all nodes when omitted').optional(), completer(values, 'node')),
      },
    },
    ({ node }) => {
      const n = node ? labelMatcher('node', '=', node) : '';
      return user(
        [
          `Investigate the health of ${node ? `node ${node}` : 'the cluster\'s nodes'}. Use the Prometheus MCP tools:`,
          `1. execute_query: \`kube_node_status_condition{${n ? `${n},` : ''}status="true",condition!="Ready"} == 1\` and \`kube_node_status_condition{${n ? `${n},` : ''}condition="Ready",status="true"} == 0\` — pressure conditions and NotReady nodes.`,
          `2. execute_query: \`1 - node_memory_MemAvailable_bytes{${n}} / node_memory_MemTotal_bytes{${n}}\` and \`1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"${n ? `,${n}` : ''}}[5m]))\` — memory and CPU use.`,
          `3. execute_range_query over the last 3 hours for the memory use above, and detect_anomalies on it — when did pressure start?`,
          `4. execute_query: \`kube_node_spec_unschedulable{${n}}\` and \`sum by (node) (kube_pod_status_phase{phase="Failed"})\` — cordoned nodes and evicted pods.`,
          '5. Conclude: which node, which resource, since when, which pods are affected, and what to do (cordon and drain, evict the hog, scale the node group).',
        ].join('\n'),
      );
    },
  );
}
