/**
 * The eks target: the kit's eks stack (infra/eks) in the user's account, reached with their AWS
 * credentials and their kubeconfig. Preparing it checks, in order, each with what to do when it fails:
 *
 *   1. the kubeconfig exists;
 *   2. AWS credentials (STS GetCallerIdentity) in the region (--region, AWS_REGION, the profile's, or the
 *      kubeconfig's EKS endpoint);
 *   3. the stack and its outputs (CloudFormation DescribeStacks): the cluster, the AMP workspace, the
 *      agent's Service, the operator tokens secret, the scenario's FIS template and CloudWatch alarm (a
 *      stack older than the scenario has neither);
 *   4. the scenario's alarm is not in ALARM already (CloudWatch DescribeAlarms);
 *   5. the cluster's Kubernetes API answers through the kubeconfig, which names the stack's cluster.
 *
 * Then the endpoints: metrics from the AMP workspace (SigV4; or --prometheus-url); the agent through a
 * port-forward the runner opens itself to the agent's Service (what `kubectl port-forward -n devops-agent
 * svc/devops-agent` does, through the Kubernetes API; or --agent-url) and closes when the run ends
 * (`release`); approvals with the operator token from the stack's secret (Secrets Manager
 * GetSecretValue, kept in a 0600 file for the run; or --agent-token-file).
 *
 * With `--injector chaos-mesh`, --prometheus-url and --agent-url, no AWS is needed: any cluster reached
 * with the kubeconfig (no stack, no alarm; detection by the agent's incident).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { operatorTokenLines } from '../core/operator-tokens.js';
import { loadKubeConfig, kubeApis } from '../lib/kubernetes/connection.js';
import { forwardService, portForwardApi, type RunningPortForward, type ServiceRef } from '../lib/kubernetes/port-forward.js';
import { ampEndpoint } from '../lib/prometheus/client/amp.js';
import { awsCalls, AwsClients } from './eks/aws.js';
import type { Injector } from './eks/injector.js';
import { readsStack } from './eks/plan.js';
import { defaultStackName, readStack, scenarioResources, type StackOutputs } from './eks/stack.js';
import { TargetUnavailable } from './local-target.js';
import type { AwsEndpoints, Endpoints, Target } from './ports.js';

export interface EksTargetOptions {
  kubeconfig?: string;
  /** A Prometheus-compatible URL instead of the stack's AMP workspace (e.g. through aws-sigv4-proxy). */
  prometheusUrl?: string;
  /** The agent's API instead of the runner's own port-forward to it. */
  agentUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** The scenario of the run: its FIS template and CloudWatch alarm come from the stack. */
  scenario?: string;
  /** fis: the stack's experiment template; chaos-mesh (the default): the runner through the kubeconfig. */
  injector?: Injector;
  stackName?: string;
  region?: string;
  /** An operator token was given (--agent-token-file, --agent-token): the stack's secret is not read. */
  agentTokenGiven?: boolean;
  /** The AWS clients (tests hand in their own region; the SDK's are mocked). */
  aws?: AwsClients;
  /** The cluster through the kubeconfig (tests hand in a fake). */
  clusterAccess?: (kubeconfig: string) => ClusterAccess;
}

/** What the eks target needs of the Kubernetes API. */
export interface ClusterAccess {
  /** The current context's cluster entry: its name (the cluster's ARN, from aws eks update-kubeconfig) and server. */
  current(): { name: string; server: string };
  /** One cheap read: the API answers these credentials. */
  probe(): Promise<void>;
  /** A port-forward to a Service, on 127.0.0.1. */
  forward(service: ServiceRef, onError: (message: string) => void): Promise<RunningPortForward>;
}

export function kubeconfigAccess(kubeconfig: string): ClusterAccess {
  const config = loadKubeConfig({ kubeconfigPath: kubeconfig });
  return {
    current: () => ({ name: config.getCurrentCluster()?.name ?? '', server: config.getCurrentCluster()?.server ?? '' }),
    async probe() {
      await kubeApis(config).core.listNode({ limit: 1 });
    },
    forward: (service, onError) => forwardService(portForwardApi(config), service, { onError }),
  };
}

export function eksTarget(options: EksTargetOptions): Target {
  const env = options.env ?? process.env;
  const opened: { forward?: RunningPortForward; tokenDir?: string } = {};
  return {
    name: 'eks',
    async prepare({ fast, say }): Promise<Endpoints> {
      const kubeconfig = options.kubeconfig ?? env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
      const prometheusUrl = options.prometheusUrl ?? env.PROMETHEUS_URL;
      const agentUrl = options.agentUrl ?? env.RUN_SCENARIO_AGENT_URL;
      const stackName = options.stackName ?? env.EKS_INCIDENT_KIT_STACK ?? defaultStackName;
      const needsStack = readsStack({ injector: options.injector ?? 'chaos-mesh', prometheusUrl, agentUrl });
      if (!existsSync(kubeconfig)) {
        const alternatives = prometheusUrl && agentUrl ? '' : `; the AMP workspace and the agent come from the stack ${stackName}'s outputs, or give --prometheus-url (an AMP query URL through aws-sigv4-proxy, or PROMETHEUS_URL) and --agent-url (the agent API, e.g. through kubectl port-forward -n devops-agent svc/devops-agent 18080:8080)`;
        throw new TargetUnavailable(`the eks target needs a kubeconfig (${kubeconfig} does not exist; aws eks update-kubeconfig --name <the stack's ClusterName output> --region <region>)${alternatives}`);
      }
      if (fast) say('eks target: --fast has no effect on a real cluster (its alert timings are the realistic ones)');
      if (!needsStack) return { kubeconfig, prometheusUrl: prometheusUrl!, agentUrl: agentUrl!, description: `eks (kubeconfig ${kubeconfig})`, profile: 'realistic' };

      const access = (options.clusterAccess ?? kubeconfigAccess)(kubeconfig);
      const aws = options.aws ?? new AwsClients(await regionOf(options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION, access));
      const identity = await aws.callerIdentity();
      say(`eks target: AWS ${identity.Arn} (account ${identity.Account}), region ${aws.region}`);
      const stack = await readStack(aws, stackName);
      say(`eks target: stack ${stackName} (${stack.status}), cluster ${stack.clusterName}`);

      const scenario = options.scenario ? scenarioResources(stack, options.scenario) : { missing: [] };
      if (options.injector === 'fis' && !scenario.fisTemplateId) {
        throw new TargetUnavailable(`the stack ${stackName} has no ${scenario.missing[0]} output: it was deployed before scenario ${options.scenario} existed; deploy it again (npm run eks:deploy), or run with --injector chaos-mesh`);
      }
      if (options.scenario && !scenario.alarmName) say(`eks target: the stack has no ${scenario.missing.at(-1)} output (deployed before ${options.scenario} existed; npm run eks:deploy adds it): detection by the agent's incident only`);
      if (scenario.alarmName) await checkAlarm(aws, scenario.alarmName, say);
      await checkCluster(access, stack, kubeconfig, aws.region!);

      const endpointsAws: AwsEndpoints = {
        region: stack.region || aws.region!,
        accountId: stack.accountId || identity.Account || '',
        stackName,
        ...(options.injector === 'fis' && scenario.fisTemplateId ? { fisTemplateId: scenario.fisTemplateId } : {}),
        ...(scenario.alarmName ? { alarmName: scenario.alarmName } : {}),
        ...(!prometheusUrl && stack.ampWorkspaceId ? { ampWorkspaceId: stack.ampWorkspaceId } : {}),
      };
      if (!prometheusUrl && !stack.ampWorkspaceId) throw new TargetUnavailable(`the stack ${stackName} has no AmpWorkspaceId output (deployed with skipAddOns=amp?): give --prometheus-url (a Prometheus-compatible query URL)`);
      const metricsUrl = prometheusUrl ?? ampEndpoint(endpointsAws.region, stack.ampWorkspaceId!).replace(/\/$/, '');

      let reachedAgent = agentUrl;
      if (!reachedAgent) {
        if (!stack.agentService) throw new TargetUnavailable(`the stack ${stackName} has no AgentService output: give --agent-url (e.g. kubectl port-forward -n devops-agent svc/devops-agent 18080:8080, then --agent-url http://127.0.0.1:18080)`);
        const service = stack.agentService;
        opened.forward = await access.forward(service, (message) => say(`eks target: ${message}`)).catch((error: Error) => {
          throw new TargetUnavailable(`cannot port-forward to the agent (${service.namespace}/${service.name}:${service.port}): ${error.message}; or give --agent-url`);
        });
        reachedAgent = opened.forward.url;
        say(`eks target: the agent through a port-forward, ${reachedAgent} -> svc/${service.name} -n ${service.namespace} port ${service.port} (closed when the run ends)`);
      }
      const agentTokenFile = options.agentTokenGiven ? undefined : await operatorTokenFile(aws, stack, opened, say);
      return {
        kubeconfig,
        prometheusUrl: metricsUrl,
        agentUrl: reachedAgent,
        ...(agentTokenFile ? { agentTokenFile } : {}),
        description: `eks (stack ${stackName}, cluster ${stack.clusterName}, ${endpointsAws.region}; ${endpointsAws.fisTemplateId ? `FIS template ${endpointsAws.fisTemplateId}` : 'Chaos Mesh through the kubeconfig'})`,
        profile: 'realistic',
        aws: endpointsAws,
      };
    },
    async release() {
      const { forward, tokenDir } = opened;
      opened.forward = undefined;
      opened.tokenDir = undefined;
      if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
      await forward?.close();
    },
  };
}

/** The region given, else the profile's (the SDK's configuration files), else the kubeconfig's EKS endpoint. */
async function regionOf(given: string | undefined, access: ClusterAccess): Promise<string> {
  if (given) return given;
  const fromProfile = await new AwsClients(undefined).resolvedRegion();
  if (fromProfile) return fromProfile;
  const { name, server } = access.current();
  const fromKubeconfig = /^arn:aws[\w-]*:eks:([a-z0-9-]+):/.exec(name)?.[1] ?? /\.([a-z]{2}(?:-[a-z]+)+-\d)\.eks\.amazonaws\.com/.exec(server)?.[1];
  if (fromKubeconfig) return fromKubeconfig;
  throw new TargetUnavailable('no AWS region: pass --region, set AWS_REGION, or `aws configure set region <region>`');
}

/** The scenario's alarm must exist and be quiet: firing before the fault, it would be detected before it happened. */
async function checkAlarm(aws: AwsClients, alarmName: string, say: (line: string) => void): Promise<void> {
  const response = await aws.describeAlarms(awsCalls.describeAlarm(alarmName));
  const alarm = response.MetricAlarms?.find((a) => a.AlarmName === alarmName);
  if (!alarm) {
    say(`eks target: CloudWatch alarm ${alarmName} is missing (deleted by hand?): npm run eks:deploy restores it; detection by the agent's incident only`);
    return;
  }
  if (alarm.StateValue === 'ALARM') {
    throw new TargetUnavailable(`CloudWatch alarm ${alarmName} is in ALARM before the run (${alarm.StateReason ?? 'no reason given'}); a run needs a healthy start: wait until it is OK (aws cloudwatch describe-alarms --alarm-names ${alarmName})`);
  }
  say(`eks target: CloudWatch alarm ${alarmName} is ${alarm.StateValue}`);
}

/** The kubeconfig names the stack's cluster, and its API answers. */
async function checkCluster(access: ClusterAccess, stack: StackOutputs, kubeconfig: string, region: string): Promise<void> {
  const refresh = `aws eks update-kubeconfig --name ${stack.clusterName} --region ${region}`;
  const { name } = access.current();
  const named = /^arn:aws[\w-]*:eks:[^:]*:[^:]*:cluster\/(.+)$/.exec(name)?.[1];
  if (named && named !== stack.clusterName) throw new TargetUnavailable(`the kubeconfig ${kubeconfig} points at cluster ${named}, not the stack's ${stack.clusterName}: ${refresh} (or pass --kubeconfig)`);
  try {
    await access.probe();
  } catch (error) {
    throw new TargetUnavailable(`the Kubernetes API of ${stack.clusterName} does not answer through ${kubeconfig} (${(error as Error).message.split('\n')[0]}); refresh the kubeconfig (${refresh}) and check that your IAM identity has an access entry on the cluster`);
  }
}

/** The stack's operator token, for the run's approvals: in a 0600 file of a 0700 folder, removed by release(). */
async function operatorTokenFile(aws: AwsClients, stack: StackOutputs, opened: { tokenDir?: string }, say: (line: string) => void): Promise<string | undefined> {
  if (!stack.operatorTokensSecretArn) {
    say(`eks target: the stack has no OperatorTokensSecretArn output: approve with --agent-token-file FILE (an operator token of the agent)`);
    return undefined;
  }
  const secret = await aws.secretValue(awsCalls.operatorToken(stack.operatorTokensSecretArn));
  let lines: string;
  try {
    lines = operatorTokenLines(secret.SecretString ?? '');
  } catch (error) {
    throw new TargetUnavailable(`the operator tokens secret ${stack.operatorTokensSecretArn}: ${(error as Error).message}; or approve with --agent-token-file FILE`);
  }
  const first = lines.split('\n')[0]?.trim().split(/\s+/) ?? [];
  if (first.length !== 2) throw new TargetUnavailable(`the operator tokens secret ${stack.operatorTokensSecretArn} holds no operator token ({"name":"...","token":"..."} or NAME TOKEN lines); put one in (docs/deploy-eks.md, Running scenarios on EKS), or approve with --agent-token-file FILE`);
  opened.tokenDir = mkdtempSync(join(tmpdir(), 'run-scenario-eks-'));
  const file = join(opened.tokenDir, 'operator.token');
  writeFileSync(file, `${first[1]}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  say(`eks target: approving as ${first[0]} (the stack's operator token, from Secrets Manager)`);
  return file;
}
