/**
 * AWS as the eks target's tests see it: the SDK clients mocked with aws-sdk-client-mock (every client
 * instance of a class answers from the mock; nothing leaves the process), and responses and errors in
 * the shapes the AWS API references document (STS GetCallerIdentity, CloudFormation DescribeStacks'
 * Stack, CloudWatch DescribeAlarms' MetricAlarm, FIS Experiment, Secrets Manager GetSecretValue), for
 * the kit's stack `eks-incident-kit` in eu-west-1 of account 123456789012.
 */
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import {
  FisClient,
  GetExperimentCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type Experiment,
  type ExperimentStatus,
  type GetExperimentCommandInput,
  type GetExperimentCommandOutput,
  type StartExperimentCommandInput,
  type StartExperimentCommandOutput,
  type StopExperimentCommandInput,
  type StopExperimentCommandOutput,
} from '@aws-sdk/client-fis';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ExpiredTokenException, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';

export const account = '123456789012';
export const region = 'eu-west-1';
export const stackName = 'eks-incident-kit';
export const clusterName = 'eks-incident-kit';
export const clusterArn = `arn:aws:eks:${region}:${account}:cluster/${clusterName}`;
export const templateId = 'EXT6oWVA1WrLNy4XS';
export const experimentId = 'EXPhjAXCGY78HV2a4A';
export const alarmName = 'eks-pod-memory-over-limit';
export const ampWorkspaceId = 'ws-b3a8e2f1-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const operatorSecretArn = `arn:aws:secretsmanager:${region}:${account}:secret:OperatorTokensSecret3F1A-AbCdEf`;
export const operatorToken = 'q8Zr2LmX4vN7pK1sT9wY3bC6dF0gH5jQ';
const metadata = { httpStatusCode: 200, requestId: '7a62c49f-347e-4fc4-9331-6e8eEXAMPLE', attempts: 1, totalRetryDelay: 0 };

export const callerIdentity = { $metadata: metadata, UserId: 'AROA3XFRBF535EXAMPLE:alice', Account: account, Arn: `arn:aws:sts::${account}:assumed-role/AdministratorAccess/alice` };

/** The kit's stack as DescribeStacks returns it (Stacks[0]); `outputs` replace or remove (undefined) outputs. */
export function kitStack(fields: Partial<Stack> = {}, outputs: Record<string, string | undefined> = {}): Stack {
  const values: Record<string, string | undefined> = {
    ClusterName: clusterName,
    AmpWorkspaceId: ampWorkspaceId,
    AgentService: 'devops-agent/devops-agent:80',
    McpService: 'prometheus-mcp/prometheus-mcp:80',
    AlarmQueueUrl: `https://sqs.${region}.amazonaws.com/${account}/eks-incident-kit-alarms`,
    OperatorTokensSecretArn: operatorSecretArn,
    FisTemplateMemoryLeak: templateId,
    AlarmMemoryLeak: alarmName,
    FisTemplateCpuLatency: 'EXTa1b2c3d4e5f6g7h8',
    AlarmCpuLatency: 'eks-service-latency-p99',
    ...outputs,
  };
  return {
    StackId: `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/5b1f6a30-9d2e-11ef-8c1a-0a8e2f3c4d5b`,
    StackName: stackName,
    Description: 'eks-incident-kit: EKS Blueprints cluster with the observability add-ons, the workload, the agent and the MCP server',
    CreationTime: new Date('2026-12-01T09:12:44.517Z'),
    LastUpdatedTime: new Date('2026-12-05T16:40:02.113Z'),
    StackStatus: 'UPDATE_COMPLETE',
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    Outputs: Object.entries(values).flatMap(([OutputKey, OutputValue]) => (OutputValue === undefined ? [] : [{ OutputKey, OutputValue, Description: `${OutputKey} of the kit` }])),
    Tags: [{ Key: 'eks-incident-kit', Value: clusterName }],
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    ...fields,
  };
}

/** The scenario's alarm as DescribeAlarms returns it (MetricAlarms[0]). */
export function metricAlarm(state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason = state === 'ALARM' ? 'Threshold Crossed: 2 out of the last 2 datapoints [97.4 (06/12/26 15:20:00), 93.1 (06/12/26 15:19:00)] were greater than the threshold (90.0) (minimum 2 datapoints for OK -> ALARM transition).' : 'Threshold Crossed: 2 out of the last 2 datapoints [41.2 (06/12/26 15:00:00), 40.8 (06/12/26 14:59:00)] were not greater than the threshold (90.0) (minimum 2 datapoints for ALARM -> OK transition).'): MetricAlarm {
  return {
    AlarmName: alarmName,
    AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`,
    AlarmDescription: 'Container Insights: a petlistadoptions pod uses more than 90% of its memory limit (memory leak, OOM kill ahead). Routed by EventBridge to the agent.',
    AlarmConfigurationUpdatedTimestamp: new Date('2026-12-05T16:38:11.021Z'),
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: state,
    StateReason: reason,
    StateReasonData: '{"version":"1.0","queryDate":"2026-12-06T15:20:41.112+0000","statistic":"Maximum","period":60,"recentDatapoints":[93.1,97.4],"threshold":90.0}',
    StateUpdatedTimestamp: new Date(state === 'ALARM' ? '2026-12-06T15:20:41.118Z' : '2026-12-06T15:00:41.118Z'),
    MetricName: 'pod_memory_utilization_over_pod_limit',
    Namespace: 'ContainerInsights',
    Statistic: 'Maximum',
    Dimensions: [
      { Name: 'ClusterName', Value: clusterName },
      { Name: 'Namespace', Value: 'petadoptions' },
      { Name: 'PodName', Value: 'petlistadoptions' },
    ],
    Period: 60,
    EvaluationPeriods: 2,
    DatapointsToAlarm: 2,
    Threshold: 90,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    StateTransitionedTimestamp: new Date(state === 'ALARM' ? '2026-12-06T15:20:41.118Z' : '2026-12-06T15:00:41.118Z'),
  };
}

/** A FIS experiment of the memory-leak template, as StartExperiment, GetExperiment and StopExperiment return it. */
export function experiment(status: ExperimentStatus, reason?: string): Experiment {
  return {
    id: experimentId,
    experimentTemplateId: templateId,
    roleArn: `arn:aws:iam::${account}:role/eks-incident-kit-fis`,
    state: { status, ...(reason ? { reason } : {}) },
    targets: {
      LeakingPod: {
        resourceType: 'aws:eks:pod',
        parameters: { clusterIdentifier: clusterArn, namespace: 'petadoptions', selectorType: 'labelSelector', selectorValue: 'app=petlistadoptions', targetContainerName: 'petlistadoptions' },
        selectionMode: 'COUNT(1)',
      },
    },
    actions: {
      LeakMemory: {
        actionId: 'aws:eks:pod-memory-stress',
        description: 'stress-ng memory workers in the petlistadoptions container, past its limit',
        parameters: { duration: 'PT30M', kubernetesServiceAccount: 'fis-experiment', workers: '1', percent: '100', maxErrorsPercent: '0' },
        targets: { Pods: 'LeakingPod' },
        state: { status: status === 'running' ? 'running' : status === 'stopped' ? 'stopped' : 'pending', reason: status === 'running' ? 'Action is running.' : 'Initial state' },
      },
    },
    stopConditions: [{ source: 'aws:cloudwatch:alarm', value: `arn:aws:cloudwatch:${region}:${account}:alarm:eks-incident-kit-fis-guardrail` }],
    creationTime: new Date('2026-12-06T15:18:02.412Z'),
    startTime: new Date('2026-12-06T15:18:02.873Z'),
    ...(status === 'stopped' || status === 'failed' || status === 'completed' ? { endTime: new Date('2026-12-06T15:22:10.004Z') } : {}),
    tags: { Name: 'eks-incident-kit-memory-leak', 'eks-incident-kit/run': 'test-run', 'eks-incident-kit/scenario': 'memory-leak' },
    logConfiguration: { cloudWatchLogsConfiguration: { logGroupArn: `arn:aws:logs:${region}:${account}:log-group:/aws/fis/eks-incident-kit:*` }, logSchemaVersion: 2 },
    experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
  };
}

export const operatorSecret = {
  $metadata: metadata,
  ARN: operatorSecretArn,
  Name: 'OperatorTokensSecret3F1A',
  VersionId: 'a9ec1d05-2b1e-4a5a-8c2e-3f5d6e7f8a9b',
  SecretString: JSON.stringify({ name: 'eks-operator', token: operatorToken }),
  VersionStages: ['AWSCURRENT'],
  CreatedDate: new Date('2026-12-01T09:20:13.201Z'),
};

/** The errors the SDK throws, as it builds them from the services' answers (or from the credential chain). */
export const awsErrors = {
  // @smithy/property-provider's CredentialsProviderError, as the default chain throws it with nothing configured.
  noCredentials: () => Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', tryNextLink: false }),
  expiredToken: () => new ExpiredTokenException({ message: 'The security token included in the request is expired', $metadata: { ...metadata, httpStatusCode: 403 } }),
  stackMissing: () => new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', message: `Stack with id ${stackName} does not exist`, $metadata: { ...metadata, httpStatusCode: 400 } }),
};

// @aws-sdk/client-fis is at 3.523.0 (package.json), on older @smithy types than aws-sdk-client-mock's:
// the mock works at run time (it stubs the client's send), only its types do not line up; these name them.
type FisInput = StartExperimentCommandInput | GetExperimentCommandInput | StopExperimentCommandInput;
type FisOutput = StartExperimentCommandOutput | GetExperimentCommandOutput | StopExperimentCommandOutput;
export const fisCommands = {
  start: StartExperimentCommand as unknown as new (input: StartExperimentCommandInput) => AwsCommand<StartExperimentCommandInput, StartExperimentCommandOutput>,
  get: GetExperimentCommand as unknown as new (input: GetExperimentCommandInput) => AwsCommand<GetExperimentCommandInput, GetExperimentCommandOutput>,
  stop: StopExperimentCommand as unknown as new (input: StopExperimentCommandInput) => AwsCommand<StopExperimentCommandInput, StopExperimentCommandOutput>,
};

/** Every client the runner uses, mocked; the kit's stack healthy, the alarm OK, FIS starting the experiment. */
export function mockKitAws() {
  const mocks = {
    sts: mockClient(STSClient),
    cloudformation: mockClient(CloudFormationClient),
    cloudwatch: mockClient(CloudWatchClient),
    fis: mockClient<FisInput, FisOutput, object>(FisClient as never),
    secrets: mockClient(SecretsManagerClient),
  };
  mocks.sts.on(GetCallerIdentityCommand).resolves(callerIdentity);
  mocks.cloudformation.on(DescribeStacksCommand).resolves({ $metadata: metadata, Stacks: [kitStack()] });
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ $metadata: metadata, MetricAlarms: [metricAlarm('OK')], CompositeAlarms: [] });
  mocks.secrets.on(GetSecretValueCommand).resolves(operatorSecret);
  mocks.fis.on(fisCommands.start).resolves({ $metadata: metadata, experiment: experiment('initiating', 'Experiment is initiating.') });
  mocks.fis.on(fisCommands.get).resolves({ $metadata: metadata, experiment: experiment('running', 'Experiment is running.') });
  mocks.fis.on(fisCommands.stop).resolves({ $metadata: metadata, experiment: experiment('stopping', 'Stopping experiment.') });
  return {
    ...mocks,
    metadata,
    /** Every command sent, in order, as "service Operation". */
    sent(): string[] {
      return Object.entries(mocks)
        .flatMap(([service, mock]) => mock.calls().map((call) => ({ service, name: (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''), order: (call as unknown as { callId: number }).callId })))
        .sort((a, b) => a.order - b.order)
        .map((c) => `${c.service} ${c.name}`);
    },
    restore(): void {
      for (const mock of Object.values(mocks)) mock.restore();
    },
  };
}
