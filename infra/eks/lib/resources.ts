/**
 * The stack's shared AWS resources, as Blueprints resource providers: the blueprint creates each once,
 * and add-ons reach them by name (`clusterInfo.getRequiredResource(resourceNames.stateTable)`), so an
 * add-on's test can provide a stand-in without the rest of the blueprint.
 */
import { Duration, IgnoreMode, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ResourceContext, ResourceProvider } from '@aws-quickstart/eks-blueprints';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resourceNames = {
  vpc: 'vpc',
  ampWorkspace: 'amp-workspace',
  alarmQueue: 'alarm-queue',
  workQueue: 'work-queue',
  stateTable: 'agent-state-table',
  slackSecret: 'slack-secret',
  operatorTokensSecret: 'operator-tokens-secret',
  mcpApiKeySecret: 'mcp-api-key-secret',
  image: 'kit-image',
} as const;

/** The kit's repository root: the Docker build context of its one image. */
export const kitRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A new VPC for a new cluster: two AZs (account-agnostic synth), private subnets for nodes, rejected flows logged. */
export class KitVpcProvider implements ResourceProvider<ec2.IVpc> {
  constructor(private readonly natGateways: number) {}

  provide(context: ResourceContext): ec2.IVpc {
    return new ec2.Vpc(context.scope, 'Vpc', {
      maxAzs: 3,
      natGateways: this.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      ],
      // Rejected traffic only: what explains a blocked call, for a fraction of the cost of all flows.
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT, destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(context.scope, 'VpcFlowLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY })) } },
    });
  }
}

/** The imported cluster's VPC, by id and without a lookup (synth stays offline). */
export class ImportedVpcProvider implements ResourceProvider<ec2.IVpc> {
  constructor(private readonly vpcId: string) {}

  provide(context: ResourceContext): ec2.IVpc {
    return ec2.Vpc.fromVpcAttributes(context.scope, 'ImportedVpc', { vpcId: this.vpcId, availabilityZones: Stack.of(context.scope).availabilityZones });
  }
}

/**
 * The agent's state (agent/store/dynamodb-store.ts): PK/SK strings, GSI1 over GSI1PK/GSI1SK projecting
 * everything, on demand. Point-in-time recovery and a KMS key of the account (auditable in CloudTrail).
 * Retained on `cdk destroy`: incidents and the audit log outlive the cluster (docs/deploy-eks.md).
 */
export class AgentStateTableProvider implements ResourceProvider<dynamodb.Table> {
  provide(context: ResourceContext): dynamodb.Table {
    const table = new dynamodb.Table(context.scope, 'AgentStateTable', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    return table;
  }
}

/**
 * An SQS queue of the agent with its dead-letter queue; both encrypted (SQS-managed keys, which
 * EventBridge can write to without a key policy), TLS only.
 */
export class AgentQueueProvider implements ResourceProvider<sqs.Queue> {
  constructor(
    private readonly id: 'AlarmQueue' | 'WorkQueue',
    /** Receives before a message goes to the DLQ; the agent's own --max-attempts for jobs. */
    private readonly maxReceiveCount: number,
    private readonly visibilityTimeout: Duration,
  ) {}

  provide(context: ResourceContext): sqs.Queue {
    const deadLetters = new sqs.Queue(context.scope, `${this.id}DeadLetters`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    return new sqs.Queue(context.scope, this.id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: this.maxReceiveCount },
    });
  }
}

/**
 * Slack tokens for the agent. CloudFormation creates the secret with a random placeholder, so no value
 * is ever in the template; the operator puts the real tokens (docs/deploy-eks.md).
 */
export class SlackSecretProvider implements ResourceProvider<secretsmanager.Secret> {
  provide(context: ResourceContext): secretsmanager.Secret {
    return new secretsmanager.Secret(context.scope, 'SlackSecret', {
      description: 'Slack tokens of the DevOps agent: put {"botToken":"xoxb-...","signingSecret":"..."} with aws secretsmanager put-secret-value',
      generateSecretString: { secretStringTemplate: JSON.stringify({ botToken: '', signingSecret: '' }), generateStringKey: 'placeholder', excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/**
 * The named operator tokens of the agent's API (approve, reject, incidents, audit), in the format
 * core/operator-tokens.ts reads: `{"name":"eks-operator","token":"<48 random letters and digits>"}`.
 * Secrets Manager generates the token when CloudFormation creates the secret, so it is never in the
 * template; the agent reads it at start (DEVOPS_AGENT_OPERATOR_TOKENS_SECRET), people with
 * `aws secretsmanager get-secret-value` (docs/deploy-eks.md).
 */
export class OperatorTokensSecretProvider implements ResourceProvider<secretsmanager.Secret> {
  provide(context: ResourceContext): secretsmanager.Secret {
    return new secretsmanager.Secret(context.scope, 'OperatorTokensSecret', {
      description: 'Operator tokens of the DevOps agent\'s API: {"name":"...","token":"..."}, a list of those, or NAME TOKEN lines; the agent reads them at start',
      generateSecretString: { secretStringTemplate: JSON.stringify({ name: 'eks-operator' }), generateStringKey: 'token', excludePunctuation: true, passwordLength: 48 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/**
 * The API key of the MCP server (the whole SecretString): the server requires it on every request
 * (PROMETHEUS_MCP_API_KEY_SECRET), the agent sends it (DEVOPS_AGENT_MCP_API_KEY_SECRET), and the AWS
 * DevOps Agent's "API key" registration of a custom MCP server uses it. Generated, never in the template.
 */
export class McpApiKeySecretProvider implements ResourceProvider<secretsmanager.Secret> {
  provide(context: ResourceContext): secretsmanager.Secret {
    return new secretsmanager.Secret(context.scope, 'McpApiKeySecret', {
      description: 'API key of the Prometheus MCP server (Authorization: Bearer <key> or X-API-Key: <key>); the server and the agent read it at start',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/** The kit's one image (agent, MCP server, workload): built from the root Dockerfile at deploy time, or given. */
export class KitImage extends Resource {
  readonly imageUri: string;

  constructor(scope: Construct, id: string, source: ImageSource) {
    super(scope, id);
    if (source.kind === 'prebuilt') {
      this.imageUri = source.imageUri;
    } else {
      if (!existsSync(join(source.directory, source.file))) throw new MissingDockerfileError(join(source.directory, source.file));
      // DockerImageAsset stages the context at synth and builds at deploy (`cdk deploy`), so synth needs no Docker.
      // What it stages is what `docker build` would send: the context's own .dockerignore (which
      // DockerImageAsset reads), with Docker's pattern rules; no second list here (test/image.test.ts).
      const asset = new DockerImageAsset(this, 'Asset', { directory: source.directory, file: source.file, platform: Platform.LINUX_AMD64, ignoreMode: IgnoreMode.DOCKER });
      this.imageUri = asset.imageUri;
    }
  }
}

export class MissingDockerfileError extends Error {
  override name = 'MissingDockerfileError';
  constructor(path: string) {
    super(`the kit's image is built from ${path}, which is missing (it comes with the workload: check out the whole repository), or deploy a prebuilt image with -c image=<registry>/<repository>:<tag>`);
  }
}

export type ImageSource = { kind: 'build'; directory: string; file: string } | { kind: 'prebuilt'; imageUri: string };

/** The default: the Dockerfile at the kit's root (written by the workload's engineer), built by CDK. */
export const rootDockerfile: ImageSource = { kind: 'build', directory: kitRoot, file: 'Dockerfile' };

export class KitImageProvider implements ResourceProvider<KitImage> {
  constructor(private readonly source: ImageSource) {}

  provide(context: ResourceContext): KitImage {
    return new KitImage(context.scope, 'KitImage', this.source);
  }
}
