/**
 * Builds the one MetricsBackend the MCP server uses, from flags and environment:
 * `--prometheus-url URL` (env PROMETHEUS_URL) or `--amp-workspace-id ID --region R` (env AWS_REGION).
 * The AWS SDK is loaded only when AMP is chosen, so the local target starts without it.
 */
import { systemClock } from '../../../core/clock.js';
import type { AmpClient } from '@aws-sdk/client-amp';
import type { ClientOptions } from './api-client.js';
import { AmpBackend } from './amp.js';
import { RefreshingCredentials, type CredentialProvider } from './credentials.js';
import { BackendConfigError } from './errors.js';
import type { MetricsBackend } from './port.js';
import { PrometheusBackend, prometheusRoot, type BasicAuth } from './prometheus.js';
import { awsRetry } from '../../platform/retry.js';

export interface PrometheusBackendConfig extends ClientOptions {
  prometheusUrl: string;
  basicAuth?: BasicAuth;
  bearerToken?: string;
  headers?: Record<string, string>;
}

export interface AmpBackendConfig extends ClientOptions {
  region: string;
  ampWorkspaceId?: string;
  ampWorkspaceAlias?: string;
  /** Default: the AWS SDK's node provider chain (env, shared config/SSO, IRSA web identity, ECS/EC2 metadata). */
  credentials?: CredentialProvider;
  /** AMP control-plane client for discovery (tests inject a mocked one). */
  ampClient?: Pick<AmpClient, 'send'>;
  /**
   * Describe the workspace (and resolve an alias) before the first query (default true). With false
   * and an ID, the endpoint is derived from region and ID without calling the control plane.
   */
  discover?: boolean;
}

export type BackendConfig = PrometheusBackendConfig | AmpBackendConfig;

export function isPrometheusConfig(config: BackendConfig): config is PrometheusBackendConfig {
  return 'prometheusUrl' in config && typeof config.prometheusUrl === 'string' && config.prometheusUrl !== '';
}

/** Commercial, GovCloud, China and ISO partitions: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1. */
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const workspaceIdPattern = /^ws-[0-9A-Za-z][-0-9A-Za-z]*$/;

export async function createBackend(config: BackendConfig): Promise<MetricsBackend> {
  if (isPrometheusConfig(config)) {
    return new PrometheusBackend({ ...config, url: config.prometheusUrl });
  }
  if (!('region' in config)) {
    throw new BackendConfigError('no metrics backend configured: give prometheusUrl, or an AMP workspace (ampWorkspaceId or ampWorkspaceAlias) with region');
  }
  validateAmpConfig(config);
  const clock = config.clock ?? systemClock;
  const provider = config.credentials ?? (await import('@aws-sdk/credential-providers')).fromNodeProviderChain();
  // One holder for the control plane and the data plane, so both see the same refreshed credentials.
  const credentials = new RefreshingCredentials(provider, { clock, logger: config.logger });

  if (config.discover === false && config.ampWorkspaceId) {
    return new AmpBackend({ ...config, workspaceId: config.ampWorkspaceId, credentials });
  }
  const { findWorkspace } = await import('./amp-discovery.js');
  const client = config.ampClient ?? (await controlPlaneClient(config.region, credentials));
  const workspace = await findWorkspace(
    { region: config.region, workspaceId: config.ampWorkspaceId, alias: config.ampWorkspaceAlias },
    { client, logger: config.logger },
  );
  return new AmpBackend({
    ...config,
    workspaceId: workspace.workspaceId,
    workspaceAlias: workspace.alias ?? config.ampWorkspaceAlias,
    endpoint: workspace.prometheusEndpoint,
    credentials,
  });
}

async function controlPlaneClient(region: string, credentials: RefreshingCredentials): Promise<Pick<AmpClient, 'send'>> {
  const { AmpClient } = await import('@aws-sdk/client-amp');
  // The SDK's own standard retry mode; our retry loop never wraps an AWS call as well.
  return new AmpClient({ region, credentials: () => credentials.get(), ...awsRetry() });
}

function validateAmpConfig(config: AmpBackendConfig): void {
  if (!regionPattern.test(config.region ?? '')) {
    throw new BackendConfigError(`"${config.region}" is not an AWS region; pass the workspace's region, e.g. --region us-east-1`);
  }
  if (!config.ampWorkspaceId && !config.ampWorkspaceAlias) {
    throw new BackendConfigError('no AMP workspace given: pass --amp-workspace-id ws-... with --region');
  }
  if (config.ampWorkspaceId && !workspaceIdPattern.test(config.ampWorkspaceId)) {
    throw new BackendConfigError(
      `"${config.ampWorkspaceId}" is not an AMP workspace ID (they look like ws-12345678-abcd-1234-abcd-123456789012); to select by alias, pass it as the workspace alias`,
    );
  }
}

/** What the CLI parsed; any may be absent. */
export interface BackendFlags {
  prometheusUrl?: string;
  ampWorkspaceId?: string;
  ampWorkspaceAlias?: string;
  region?: string;
  /** Used when neither flags nor PROMETHEUS_URL name a backend (the running local target's URL). */
  defaultPrometheusUrl?: string;
}

/**
 * Flags over environment: an AMP flag wins over PROMETHEUS_URL; the region comes from --region,
 * AWS_REGION, then AWS_DEFAULT_REGION. Throws BackendConfigError with the fix when ambiguous or short.
 */
export function backendConfigFromFlags(flags: BackendFlags, env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const wantsAmp = Boolean(flags.ampWorkspaceId || flags.ampWorkspaceAlias);
  if (wantsAmp && flags.prometheusUrl) {
    throw new BackendConfigError('pass either --prometheus-url or --amp-workspace-id, not both');
  }
  if (wantsAmp) {
    const region = flags.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) throw new BackendConfigError('--amp-workspace-id needs a region: pass --region (or set AWS_REGION)');
    return {
      region,
      ...(flags.ampWorkspaceId ? { ampWorkspaceId: flags.ampWorkspaceId } : {}),
      ...(flags.ampWorkspaceAlias ? { ampWorkspaceAlias: flags.ampWorkspaceAlias } : {}),
    };
  }
  const url = flags.prometheusUrl || env.PROMETHEUS_URL || flags.defaultPrometheusUrl;
  if (!url) {
    throw new BackendConfigError(
      'no metrics backend: pass --prometheus-url URL (or set PROMETHEUS_URL), or --amp-workspace-id ID --region R; for the local target run `local-cluster up` first',
    );
  }
  prometheusRoot(url); // fail now, with the flag's name in mind, rather than at the first query
  return { prometheusUrl: url };
}
