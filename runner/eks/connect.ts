/**
 * The run's AWS adapters on eks, as the CLI wires them: AWS FIS and CloudWatch alarms in the stack's
 * region, and the metrics of the stack's AMP workspace (every request SigV4-signed with the default
 * credential chain, through the kit's Prometheus client). One set of SDK clients per region.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AmpBackend } from '../../lib/prometheus/client/amp.js';
import type { AwsEndpoints, Endpoints, Metrics } from '../ports.js';
import { PrometheusMetrics } from '../prometheus.js';
import { CloudWatchAlarmStates } from './alarms.js';
import { AwsClients } from './aws.js';
import { AwsFisExperiments } from './fis.js';

const requestTimeoutMs = 10_000;

export function eksRunAdapters() {
  const clients = new Map<string, AwsClients>();
  const inRegion = (region: string) => {
    if (!clients.has(region)) clients.set(region, new AwsClients(region));
    return clients.get(region)!;
  };
  return {
    fis: (aws: AwsEndpoints) => new AwsFisExperiments(inRegion(aws.region)),
    alarms: (aws: AwsEndpoints) => new CloudWatchAlarmStates(inRegion(aws.region)),
    /** The AMP workspace of the stack when the target says so, else the Prometheus-compatible URL given. */
    metrics(prometheusUrl: string, endpoints?: Endpoints): Metrics {
      const aws = endpoints?.aws;
      if (!aws?.ampWorkspaceId) return new PrometheusMetrics(prometheusUrl, requestTimeoutMs);
      const backend = new AmpBackend({ region: aws.region, workspaceId: aws.ampWorkspaceId, credentials: fromNodeProviderChain(), requestTimeoutMs });
      return new PrometheusMetrics(prometheusUrl, requestTimeoutMs, backend);
    },
  };
}
