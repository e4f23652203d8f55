/**
 * Reading one Secrets Manager secret at start: the agent's named operator tokens and the MCP server's
 * API key on the eks target (infra/eks generates both; their values are never in the template). The
 * SDK's default credential chain (IRSA or Pod Identity in the pod, the profile on a laptop) and its
 * standard retry mode; an error names the secret and says what to do.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsRetry } from '../platform/retry.js';

export interface ReadSecretOptions {
  /** Defaults to the ARN's region, then the SDK's (AWS_REGION, the profile). */
  region?: string;
  client?: SecretsManagerClient;
}

export class SecretReadError extends Error {
  constructor(
    readonly secretId: string,
    readonly reason: string,
  ) {
    super(`cannot read secret ${secretId}: ${reason}`);
    this.name = 'SecretReadError';
  }
}

/** The region of a Secrets Manager ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME). */
export function regionOfSecretArn(secretId: string): string | undefined {
  return /^arn:[\w-]+:secretsmanager:([a-z0-9-]+):\d{12}:secret:/.exec(secretId)?.[1];
}

/** The secret's current SecretString (AWSCURRENT). A binary-only or empty secret is an error. */
export async function readSecretString(secretId: string, options: ReadSecretOptions = {}): Promise<string> {
  const region = options.region ?? regionOfSecretArn(secretId);
  const client = options.client ?? new SecretsManagerClient({ ...(region ? { region } : {}), ...awsRetry() });
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (response.SecretString === undefined) throw new SecretReadError(secretId, 'it holds binary data (SecretBinary), not text; store the value as the secret string');
    if (!response.SecretString.trim()) throw new SecretReadError(secretId, 'its value is empty; put the value in with aws secretsmanager put-secret-value');
    return response.SecretString;
  } catch (error) {
    if (error instanceof SecretReadError) throw error;
    throw new SecretReadError(secretId, advice(error));
  } finally {
    if (!options.client) client.destroy();
  }
}

function advice(error: unknown): string {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message ?? String(error);
  switch (name) {
    case 'ResourceNotFoundException':
      return `${message} (check the ARN and the region: the stack output gives both)`;
    case 'AccessDeniedException':
      return `${message} (the role needs secretsmanager:GetSecretValue on this secret, and kms:Decrypt if it uses a customer key)`;
    case 'DecryptionFailure':
      return `${message} (the role cannot use the secret's KMS key: allow kms:Decrypt on it for this role)`;
    case 'CredentialsProviderError':
      return `no AWS credentials (${message}); in the pod check the service account's IAM role, elsewhere set AWS_PROFILE or run aws sso login`;
    default:
      return name && !message.startsWith(name) ? `${name}: ${message}` : message;
  }
}
