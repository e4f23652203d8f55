/**
 * Finding the AMP workspace to query, by ID (DescribeWorkspace) or by alias (ListWorkspaces, then
 * DescribeWorkspace). The workspace must be ACTIVE; its `prometheusEndpoint` becomes the API root.
 * Failures name the likely cause: a workspace in another region, a missing aps: permission, no
 * credentials at all.
 *
 * A query-only role (AmazonPrometheusQueryAccess) may not describe workspaces. For a known ID that is
 * no reason to stop: the endpoint is derived from region and ID, and a warning says so.
 */
import {
  DescribeWorkspaceCommand,
  ListWorkspacesCommand,
  type AmpClient,
  type WorkspaceSummary,
} from '@aws-sdk/client-amp';
import { createLogger, type Logger } from '../../../core/log.js';
import { ampEndpoint } from './amp.js';
import { backendError, BadDataError, NotFoundError, UnavailableError, type BackendError, type BackendErrorKind } from './errors.js';
import { networkErrorCode } from '../../platform/retry.js';

export interface WorkspaceQuery {
  region: string;
  workspaceId?: string;
  alias?: string;
}

export interface AmpWorkspace {
  workspaceId: string;
  alias?: string;
  arn?: string;
  /** ACTIVE, or UNVERIFIED when the workspace could not be described (see `verified`). */
  status: string;
  /** API root, ending with "/". */
  prometheusEndpoint: string;
  region: string;
  /** False when DescribeWorkspace was denied and the endpoint was derived from region and ID. */
  verified: boolean;
}

export interface DiscoveryOptions {
  /** An AMP control-plane client for the workspace's region (tests pass a mocked one). */
  client: Pick<AmpClient, 'send'>;
  logger?: Logger;
  /** Pages of ListWorkspaces to read at most (100 workspaces a page). */
  maxPages?: number;
}

const statusAdvice: Record<string, { kind: BackendErrorKind; advice: string }> = {
  CREATING: { kind: 'unavailable', advice: 'it is still being created; try again in a few minutes' },
  UPDATING: { kind: 'unavailable', advice: 'it is being updated; try again shortly' },
  DELETING: { kind: 'not_found', advice: 'it is being deleted; use another workspace' },
  CREATION_FAILED: { kind: 'unavailable', advice: 'its creation failed; recreate it (see the CloudFormation/CDK stack events)' },
};

export async function findWorkspace(query: WorkspaceQuery, options: DiscoveryOptions): Promise<AmpWorkspace> {
  const logger = options.logger ?? createLogger('mcp.backends');
  if (!query.workspaceId && !query.alias) {
    throw new BadDataError({
      message: 'no AMP workspace given',
      hint: 'pass --amp-workspace-id ws-... (or a workspace alias) together with --region',
      endpoint: 'DescribeWorkspace',
    });
  }
  const summary = query.workspaceId ? undefined : await workspaceByAlias(query.alias!, query.region, options);
  const workspaceId = query.workspaceId ?? summary!.workspaceId!;

  let described;
  try {
    described = (await options.client.send(new DescribeWorkspaceCommand({ workspaceId }))).workspace;
  } catch (error) {
    if (errorName(error) !== 'AccessDeniedException') throw controlPlaneError('DescribeWorkspace', error, query, workspaceId);
    logger.warn('not allowed to describe the AMP workspace (aps:DescribeWorkspace); using its regional endpoint unverified', {
      workspaceId,
      region: query.region,
    });
    return {
      workspaceId,
      ...(summary?.alias ? { alias: summary.alias } : {}),
      ...(summary?.arn ? { arn: summary.arn } : {}),
      status: summary?.status?.statusCode ?? 'UNVERIFIED',
      prometheusEndpoint: ampEndpoint(query.region, workspaceId),
      region: query.region,
      verified: false,
    };
  }

  const status = described?.status?.statusCode ?? 'UNKNOWN';
  if (status !== 'ACTIVE') {
    const { kind, advice } = statusAdvice[status] ?? { kind: 'unavailable' as const, advice: 'wait until it is ACTIVE' };
    throw backendError(kind, {
      message: `AMP workspace ${workspaceId} is ${status}, not ACTIVE`,
      hint: `workspace ${workspaceId} in ${query.region} cannot be queried yet: ${advice}`,
      endpoint: 'DescribeWorkspace',
      errorType: status,
    });
  }
  const endpoint = described?.prometheusEndpoint ?? ampEndpoint(query.region, workspaceId);
  return {
    workspaceId,
    ...(described?.alias ? { alias: described.alias } : {}),
    ...(described?.arn ? { arn: described.arn } : {}),
    status,
    prometheusEndpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/`,
    region: query.region,
    verified: true,
  };
}

/** ListWorkspaces' alias filter is a prefix match; only an exact alias counts, and it must be unique. */
async function workspaceByAlias(alias: string, region: string, options: DiscoveryOptions): Promise<WorkspaceSummary> {
  const matches = await listWorkspaces(options, region, alias);
  const exact = matches.filter((w) => w.alias === alias);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) {
    throw new BadDataError({
      message: `${exact.length} AMP workspaces in ${region} have the alias "${alias}": ${exact.map((w) => w.workspaceId).join(', ')}`,
      hint: `aliases are not unique; pick one with --amp-workspace-id (${exact.map((w) => w.workspaceId).join(' or ')})`,
      endpoint: 'ListWorkspaces',
    });
  }
  // Nothing by that name here: show what this region does have, since a wrong region is the usual cause.
  const all = await listWorkspaces({ ...options, maxPages: 1 }, region);
  const known = all.slice(0, 10).map((w) => `${w.alias ?? '(no alias)'} (${w.workspaceId})`);
  throw new NotFoundError({
    message: `no AMP workspace with the alias "${alias}" in ${region}`,
    hint:
      known.length > 0
        ? `workspaces in ${region}: ${known.join(', ')}; check the alias, or the region if the workspace lives elsewhere`
        : `there are no AMP workspaces in ${region}; check --region (workspaces are regional)`,
    endpoint: 'ListWorkspaces',
  });
}

async function listWorkspaces(options: DiscoveryOptions, region: string, alias?: string): Promise<WorkspaceSummary[]> {
  const found: WorkspaceSummary[] = [];
  let nextToken: string | undefined;
  const maxPages = options.maxPages ?? 20;
  for (let page = 0; page < maxPages; page++) {
    let output;
    try {
      output = await options.client.send(new ListWorkspacesCommand({ ...(alias ? { alias } : {}), ...(nextToken ? { nextToken } : {}), maxResults: 100 }));
    } catch (error) {
      throw controlPlaneError('ListWorkspaces', error, { region, alias });
    }
    found.push(...(output.workspaces ?? []));
    nextToken = output.nextToken;
    if (!nextToken) break;
  }
  return found;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Control-plane failures as BackendErrors, with the action or region to check. */
export function controlPlaneError(operation: 'DescribeWorkspace' | 'ListWorkspaces', error: unknown, query: WorkspaceQuery, workspaceId?: string): BackendError {
  const name = errorName(error) ?? 'Error';
  const message = `${operation} failed: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } } | undefined)?.$metadata;
  const base = { message, endpoint: operation, status: metadata?.httpStatusCode, requestId: metadata?.requestId, errorType: name, cause: error };
  const target = workspaceId ? `workspace ${workspaceId}` : `the workspace with alias "${query.alias}"`;
  switch (name) {
    case 'AccessDeniedException':
      return backendError('forbidden', {
        ...base,
        hint:
          operation === 'ListWorkspaces'
            ? `the IAM role needs aps:ListWorkspaces in ${query.region} to find a workspace by alias; grant it, or pass --amp-workspace-id ws-... instead`
            : `the IAM role needs aps:DescribeWorkspace on ${target}`,
      });
    case 'ResourceNotFoundException':
      return new NotFoundError({
        ...base,
        hint: `no ${target} in ${query.region}: workspaces are regional, so check --region (and the ID); list them with \`aws amp list-workspaces --region ${query.region}\``,
      });
    case 'ValidationException':
      return new BadDataError({ ...base, hint: `"${workspaceId ?? query.alias}" is not a valid workspace ID; IDs look like ws-12345678-abcd-1234-abcd-123456789012` });
    case 'ThrottlingException':
      return backendError('too_many_requests', { ...base, hint: 'the AMP control plane is throttling; wait a few seconds and start again' });
    case 'CredentialsProviderError':
      return backendError('unauthorized', {
        ...base,
        hint: 'no AWS credentials found: set AWS_PROFILE (and run `aws sso login` for SSO), export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or on EKS give the service account an IRSA role',
      });
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return backendError('unauthorized', {
        ...base,
        hint: `AWS rejected the credentials (${name}): check them with \`aws sts get-caller-identity\`, renew an SSO session with \`aws sso login\`, and check the region (${query.region})`,
      });
  }
  const code = networkErrorCode(error);
  if (code === 'ENOTFOUND') {
    return new UnavailableError({ ...base, errorType: code, hint: `check --region: the AMP endpoint for "${query.region}" does not resolve` });
  }
  return new UnavailableError({
    ...base,
    ...(code ? { errorType: code } : {}),
    hint: `could not reach the AMP API in ${query.region}: check network egress to AWS and try again`,
  });
}
