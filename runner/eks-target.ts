/**
 * The eks target: the user's own cluster, reached with their kubeconfig; Prometheus is AMP behind a
 * SigV4 proxy (or any Prometheus-compatible URL); the agent is the in-cluster agent's API (port-forward
 * or ingress). Nothing here calls AWS: the FIS templates and CloudWatch alarms are exported as files
 * (`run-scenario export`) for `aws fis create-experiment-template` / `aws cloudwatch put-metric-alarm`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TargetUnavailable } from './local-target.js';
import type { Endpoints, Target } from './ports.js';

export interface EksTargetOptions {
  kubeconfig?: string;
  prometheusUrl?: string;
  agentUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export function eksTarget(options: EksTargetOptions): Target {
  const env = options.env ?? process.env;
  return {
    name: 'eks',
    async prepare({ fast, say }): Promise<Endpoints> {
      const kubeconfig = options.kubeconfig ?? env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
      const prometheusUrl = options.prometheusUrl ?? env.PROMETHEUS_URL;
      const agentUrl = options.agentUrl ?? env.RUN_SCENARIO_AGENT_URL;
      const missing = [
        ...(existsSync(kubeconfig) ? [] : [`a kubeconfig (${kubeconfig} does not exist; aws eks update-kubeconfig --name <cluster>)`]),
        ...(prometheusUrl ? [] : ['--prometheus-url (AMP query URL through aws-sigv4-proxy, or PROMETHEUS_URL)']),
        ...(agentUrl ? [] : ['--agent-url (the agent API: kubectl port-forward -n devops-agent svc/devops-agent 18080:80)']),
      ];
      if (missing.length) throw new TargetUnavailable(`the eks target needs ${missing.join('; ')}`);
      if (fast) say('eks target: --fast has no effect on a real cluster (its alert timings are the realistic ones)');
      return { kubeconfig, prometheusUrl: prometheusUrl!, agentUrl: agentUrl!, description: `eks (kubeconfig ${kubeconfig})`, profile: 'realistic' };
    },
  };
}
