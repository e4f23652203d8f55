/**
 * The Amazon Managed Service for Prometheus adapter: the Prometheus API under
 * `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/...`, every request SigV4-signed.
 * AMP has no targets or build-info endpoints; those reject with kind 'not_supported'. Failures are
 * explained in IAM and regional terms (which aps: action the role lacks, which region to check).
 */
import { systemClock } from '../../../core/clock.js';
import { ApiClient, type ClientOptions } from './api-client.js';
import type { Failure } from './classify.js';
import { RefreshingCredentials, type CredentialProvider } from './credentials.js';
import { NotSupportedError } from './errors.js';
import { prometheusHint, type Explain } from './hints.js';
import type { ApiSuccess, BackendDescription, BuildInfo, TargetsData } from './port.js';
import { PrometheusApi } from './prometheus-api.js';
import { sigv4Authorizer } from './sigv4.js';

export interface AmpBackendOptions extends ClientOptions {
  region: string;
  workspaceId: string;
  workspaceAlias?: string;
  /** The workspace's `prometheusEndpoint` (DescribeWorkspace); derived from region and id when absent. */
  endpoint?: string;
  /** A provider such as `fromNodeProviderChain()`, or credentials already wrapped for refresh. */
  credentials: CredentialProvider | RefreshingCredentials;
}

export const ampServiceName = 'Amazon Managed Service for Prometheus';

export function ampEndpoint(region: string, workspaceId: string): string {
  return `https://aps-workspaces.${region}.amazonaws.com/workspaces/${workspaceId}/`;
}

/** The IAM action AMP checks for each API path (the AmazonPrometheusQueryAccess policy grants them). */
export function ampActionFor(endpoint: string): string {
  if (/\/query(_range)?$/.test(endpoint)) return 'aps:QueryMetrics';
  if (endpoint.endsWith('/series')) return 'aps:GetSeries';
  if (endpoint.endsWith('/labels') || /\/label\/[^/]+\/values$/.test(endpoint)) return 'aps:GetLabels';
  if (endpoint.endsWith('/metadata')) return 'aps:GetMetricMetadata';
  if (endpoint.endsWith('/rules')) return 'aps:ListRules';
  if (endpoint.endsWith('/alerts')) return 'aps:ListAlerts';
  return 'aps:QueryMetrics';
}

/** "arn:aws:sts::123456789012:assumed-role/PetSiteMcp/botocore-session" -> "role PetSiteMcp". */
function principalName(arn: string): string {
  const assumed = /:assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) return `role ${assumed[1]}`;
  const role = /:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (role) return `role ${role[1]}`;
  return arn;
}

export function ampHint(workspace: { workspaceId: string; region: string }): Explain {
  const where = `workspace ${workspace.workspaceId} (${workspace.region})`;
  return (failure: Failure) => {
    switch (failure.kind) {
      case 'forbidden': {
        const denied = /User: (\S+) is not authorized to perform: (\S+)/.exec(failure.message);
        const who = denied ? `the ${principalName(denied[1]!)}` : 'the IAM role';
        const action = denied?.[2] ?? ampActionFor(failure.endpoint);
        return `AMP denied the request: ${who} needs ${action} on ${where}; grant it (e.g. the AmazonPrometheusQueryAccess managed policy) to the role the MCP server runs as (on EKS, the IRSA role annotated on its service account)`;
      }
      case 'unauthorized':
        return unauthorizedHint(failure, workspace.region);
      case 'not_found':
        return `${where} was not found: check the workspace ID and that the region is the workspace's (workspaces are regional); list them with \`aws amp list-workspaces --region ${workspace.region}\``;
      case 'too_many_requests':
        return 'AMP throttled the request (query rate or samples-processed quota): wait a few seconds, then run fewer or cheaper queries (shorter ranges, larger steps)';
      case 'unavailable':
        if (failure.errorType === 'ENOTFOUND') {
          return `check the region: ${new URL(failure.baseUrl).host} does not resolve ("${workspace.region}" is not a region AMP serves)`;
        }
        if (failure.errorType) {
          return `could not reach AMP at ${new URL(failure.baseUrl).host} (${failure.errorType}): check network egress to AWS (NAT gateway or an aps-workspaces VPC endpoint)`;
        }
        return `AMP is temporarily unavailable for ${where} (HTTP ${failure.status ?? '?'}); try again shortly`;
      default:
        return prometheusHint(failure);
    }
  };
}

function unauthorizedHint(failure: Failure, region: string): string {
  if (failure.credentialsExpired || /expired/i.test(failure.message)) {
    return 'the AWS credentials expired and fresh ones were not accepted: renew them (`aws sso login`, or check that the IRSA token file AWS_WEB_IDENTITY_TOKEN_FILE is mounted) and try again';
  }
  if (failure.errorType === 'InvalidSignatureException' || /signature/i.test(failure.message)) {
    return `AMP rejected the SigV4 signature: the region must be the workspace's (signing for ${region}), and the system clock must be correct`;
  }
  if (failure.errorType === 'UnrecognizedClientException' || /security token included in the request is invalid/i.test(failure.message)) {
    return 'the AWS credentials are not valid: check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or refresh an SSO session with `aws sso login`';
  }
  if (/credential/i.test(failure.message)) {
    return 'no usable AWS credentials: set AWS_PROFILE (and run `aws sso login` for SSO), export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or on EKS give the service account an IRSA role (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)';
  }
  return 'AMP did not accept the credentials: check which identity is in use with `aws sts get-caller-identity`';
}

export class AmpBackend extends PrometheusApi {
  private readonly description: BackendDescription;

  constructor(options: AmpBackendOptions) {
    const clock = options.clock ?? systemClock;
    const credentials =
      options.credentials instanceof RefreshingCredentials
        ? options.credentials
        : new RefreshingCredentials(options.credentials, { clock, logger: options.logger });
    const endpoint = new URL(options.endpoint ?? ampEndpoint(options.region, options.workspaceId));
    if (!endpoint.pathname.endsWith('/')) endpoint.pathname += '/';
    super(
      new ApiClient({
        ...options,
        baseUrl: endpoint,
        authorizer: sigv4Authorizer({ region: options.region, credentials, clock }),
        explain: ampHint(options),
      }),
    );
    this.description = {
      kind: 'amp',
      url: endpoint.href,
      region: options.region,
      workspaceId: options.workspaceId,
      ...(options.workspaceAlias ? { workspaceAlias: options.workspaceAlias } : {}),
    };
  }

  describe(): BackendDescription {
    return { ...this.description };
  }

  override async targets(): Promise<ApiSuccess<TargetsData>> {
    throw new NotSupportedError({
      message: `GET /api/v1/targets is not supported by ${ampServiceName}`,
      hint: 'AMP has no targets API: check scrape health with the up metric (e.g. `up == 0`), or the collector (ADOT / AMP managed scraper) logs',
      endpoint: '/api/v1/targets',
      url: `${this.description.url}api/v1/targets`,
    });
  }

  override async buildInfo(): Promise<ApiSuccess<BuildInfo>> {
    throw new NotSupportedError({
      message: `GET /api/v1/status/buildinfo is not supported by ${ampServiceName}`,
      hint: 'AMP does not report a build version: describe the server with its workspace ID, region and endpoint (backend.describe()) instead',
      endpoint: '/api/v1/status/buildinfo',
      url: `${this.description.url}api/v1/status/buildinfo`,
    });
  }
}
