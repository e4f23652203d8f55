/**
 * Every AWS call `run-scenario --target eks` makes, in one place: each operation's input is built by one
 * function here (`awsCalls`), which the adapters send and `--plan` prints, so the plan cannot drift from
 * the run. The clients use the default credential chain (AWS_PROFILE, SSO, environment, IRSA) and the
 * SDK's standard retry (`awsRetry()`); the one retry layer. Failures become one-line reasons that say
 * what to do (`AwsProblem`).
 */
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandInput } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, type DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import { FisClient, GetExperimentCommand, StartExperimentCommand, StopExperimentCommand, type GetExperimentCommandInput, type StartExperimentCommandInput, type StopExperimentCommandInput } from '@aws-sdk/client-fis';
import { GetSecretValueCommand, SecretsManagerClient, type GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient, type GetCallerIdentityCommandInput } from '@aws-sdk/client-sts';
import { awsRetry } from '../../lib/platform/retry.js';
import { TargetUnavailable } from '../local-target.js';

export type AwsService = 'sts' | 'cloudformation' | 'secretsmanager' | 'cloudwatch' | 'fis' | 'aps';

/** One AWS API call: what `--plan` prints and what an adapter sends. */
export interface AwsCall<Input extends object = object> {
  service: AwsService;
  operation: string;
  input: Input;
}

/** The inputs of the runner's AWS calls. */
export const awsCalls = {
  callerIdentity: (): AwsCall<GetCallerIdentityCommandInput> => ({ service: 'sts', operation: 'GetCallerIdentity', input: {} }),
  describeStack: (stackName: string): AwsCall<DescribeStacksCommandInput> => ({ service: 'cloudformation', operation: 'DescribeStacks', input: { StackName: stackName } }),
  operatorToken: (secretArn: string): AwsCall<GetSecretValueCommandInput> => ({ service: 'secretsmanager', operation: 'GetSecretValue', input: { SecretId: secretArn } }),
  describeAlarm: (alarmName: string): AwsCall<DescribeAlarmsCommandInput> => ({ service: 'cloudwatch', operation: 'DescribeAlarms', input: { AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] } }),
  startExperiment: (templateId: string, clientToken: string, tags: Record<string, string>): AwsCall<StartExperimentCommandInput> => ({ service: 'fis', operation: 'StartExperiment', input: { experimentTemplateId: templateId, clientToken, tags } }),
  getExperiment: (experimentId: string): AwsCall<GetExperimentCommandInput> => ({ service: 'fis', operation: 'GetExperiment', input: { id: experimentId } }),
  stopExperiment: (experimentId: string): AwsCall<StopExperimentCommandInput> => ({ service: 'fis', operation: 'StopExperiment', input: { id: experimentId } }),
};

/** The SDK clients of one region, made when first used. */
export class AwsClients {
  private made = new Map<string, unknown>();

  constructor(readonly region: string | undefined) {}

  private client<T>(name: string, make: (config: { region?: string; maxAttempts: number; retryMode: 'standard' }) => T): T {
    if (!this.made.has(name)) this.made.set(name, make({ ...(this.region ? { region: this.region } : {}), ...awsRetry() }));
    return this.made.get(name) as T;
  }

  get sts(): STSClient {
    return this.client('sts', (config) => new STSClient(config));
  }
  get cloudformation(): CloudFormationClient {
    return this.client('cloudformation', (config) => new CloudFormationClient(config));
  }
  get secrets(): SecretsManagerClient {
    return this.client('secrets', (config) => new SecretsManagerClient(config));
  }
  get cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', (config) => new CloudWatchClient(config));
  }
  get fis(): FisClient {
    return this.client('fis', (config) => new FisClient(config));
  }

  /** The region the SDK settles on (the profile's, when none was given); reads configuration files, calls nothing. */
  async resolvedRegion(): Promise<string | undefined> {
    if (this.region) return this.region;
    try {
      return await this.sts.config.region();
    } catch {
      return undefined;
    }
  }

  callerIdentity(call = awsCalls.callerIdentity()) {
    return send(call, () => this.sts.send(new GetCallerIdentityCommand(call.input)));
  }
  describeStack(call: AwsCall<DescribeStacksCommandInput>) {
    return send(call, () => this.cloudformation.send(new DescribeStacksCommand(call.input)));
  }
  secretValue(call: AwsCall<GetSecretValueCommandInput>) {
    return send(call, () => this.secrets.send(new GetSecretValueCommand(call.input)));
  }
  describeAlarms(call: AwsCall<DescribeAlarmsCommandInput>) {
    return send(call, () => this.cloudwatch.send(new DescribeAlarmsCommand(call.input)));
  }
  startExperiment(call: AwsCall<StartExperimentCommandInput>) {
    return send(call, () => this.fis.send(new StartExperimentCommand(call.input)));
  }
  getExperiment(call: AwsCall<GetExperimentCommandInput>) {
    return send(call, () => this.fis.send(new GetExperimentCommand(call.input)));
  }
  stopExperiment(call: AwsCall<StopExperimentCommandInput>) {
    return send(call, () => this.fis.send(new StopExperimentCommand(call.input)));
  }
}

/** An AWS call failed; the message names the call and what to do. */
export class AwsProblem extends TargetUnavailable {
  constructor(
    readonly call: AwsCall,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function send<T>(call: AwsCall, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw awsProblem(call, error);
  }
}

const rejectedCredentials = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'RequestExpired']);
const denied = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);

/** What a failed AWS call means for the person running the scenario. */
export function awsProblem(call: AwsCall, error: unknown): AwsProblem {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const text = e?.message ?? String(error);
  const what = `${call.service} ${call.operation}`;
  let message: string;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(text)) {
    message = `no AWS credentials for ${what}: run \`aws configure\` (or \`aws sso login\`), or set AWS_PROFILE to a profile of the stack's account`;
  } else if (rejectedCredentials.has(name)) {
    message = `AWS refused the credentials for ${what} (${name}: ${text}); refresh them (\`aws sso login\`, or new keys with \`aws configure\`) and check AWS_PROFILE`;
  } else if (denied.has(name)) {
    message = `your AWS identity may not call ${what} (${text}); docs/deploy-eks.md (Running scenarios on EKS) lists the IAM a run needs`;
  } else if (/region is missing/i.test(text)) {
    message = `no AWS region for ${what}: pass --region, set AWS_REGION, or \`aws configure set region <region>\``;
  } else if (['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(e?.code ?? '') || name === 'TimeoutError') {
    message = `cannot reach AWS for ${what} (${e?.code ?? name}); check the network and the region`;
  } else {
    message = `${what} failed: ${name}: ${text}`;
  }
  return new AwsProblem(call, name, message, { cause: error });
}
