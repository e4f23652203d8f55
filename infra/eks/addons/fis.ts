/**
 * AWS FIS for the scenarios: one experiment template per scenario, generated from
 * scenarios/<name>/fis-template.json (rendered with the scenario's defaults by the kit's own renderer),
 * the experiment role, and what FIS's EKS actions need inside the cluster:
 *
 * - aws:eks:pod-* actions start a FIS pod that injects an ephemeral container into the target pods. The
 *   experiment role is mapped to the Kubernetes user `fis-experiment` by an EKS access entry; that user
 *   and the service account `fis-experiment` (named in the templates' kubernetesServiceAccount) get the
 *   Role AWS documents: configmaps, pods, pods/ephemeralcontainers update, pods/exec, deployments get.
 * - aws:eks:inject-kubernetes-custom-resource creates Chaos Mesh objects: the user may create, read and
 *   delete them in the namespaces the templates write to.
 *
 * From each file the stack keeps targets, actions, options, tags and the stop conditions; it replaces
 * what only the stack knows: the role (the template names a placeholder ARN), the stop conditions'
 * alarm ARNs (alarms this stack creates, looked up by name) and the log group.
 */
import { utils, type ClusterAddOn, type ClusterInfo } from '@aws-quickstart/eks-blueprints';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { APP_NAMESPACE, type FisTemplateDocument, type ScenarioResources } from '../lib/kit-sources.js';
import { apply, managedBy, type Manifest } from '../lib/kubernetes.js';
import { output, pascal } from '../lib/outputs.js';
import { ChaosMeshAddOn, chaosMeshChart } from './chaos-mesh.js';
import { ScenarioAlarmsAddOn, alarmArn, guardrailAlarmName } from './scenario-alarms.js';
import { PetAdoptionWorkloadAddOn } from './workload.js';

/** The Kubernetes user and service account FIS's EKS actions run as (the templates name it). */
export const fisKubernetesIdentity = 'fis-experiment';

/** Where Chaos Mesh objects may be created by FIS: the workload's namespace and Chaos Mesh's own (node-pressure). */
const customResourceNamespaces = [APP_NAMESPACE, chaosMeshChart.namespace];

export class FisAddOn implements ClusterAddOn {
  constructor(private readonly scenarios: ScenarioResources[]) {}

  @utils.dependable(PetAdoptionWorkloadAddOn.name, ChaosMeshAddOn.name, ScenarioAlarmsAddOn.name)
  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const cluster = clusterInfo.cluster;
    const stack = Stack.of(cluster);
    const scope = new Construct(stack, 'Fis');

    const logGroup = new logs.LogGroup(scope, 'ExperimentLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(scope, 'ExperimentRole', {
      description: 'AWS FIS experiments of the eks-incident-kit scenarios',
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DescribeTheCluster', actions: ['eks:DescribeCluster'], resources: [cluster.clusterArn] }));
    // FIS's EKS pod actions read the cluster's subnets; ec2:DescribeSubnets has no resource-level permissions.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DescribeSubnets', actions: ['ec2:DescribeSubnets'], resources: ['*'] }));
    // Experiment logs to CloudWatch Logs go through log delivery, whose actions have no resource-level permissions.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'DeliverExperimentLogs', actions: ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'], resources: ['*'] }));

    const accessEntry = new eks.CfnAccessEntry(scope, 'AccessEntry', { clusterName: cluster.clusterName, principalArn: role.roleArn, username: fisKubernetesIdentity, type: 'STANDARD' });
    const rbac = apply(clusterInfo, 'fis-rbac', ...fisRbac());
    rbac.node.addDependency(accessEntry);

    output(scope, 'FisRoleArn', role.roleArn, 'IAM role of the FIS experiments');
    for (const scenario of this.scenarios) {
      const template = new fis.CfnExperimentTemplate(scope, `Template-${scenario.name}`, experimentTemplate(scope, scenario, role.roleArn, logGroup.logGroupArn));
      template.node.addDependency(rbac);
      output(scope, `FisTemplate${pascal(scenario.name)}`, template.attrId, `FIS experiment template of scenario ${scenario.name} (aws fis start-experiment --experiment-template-id <this>)`);
    }
    return Promise.resolve(scope);
  }
}

/** The FIS template of a scenario as CloudFormation properties. */
export function experimentTemplate(scope: Construct, scenario: ScenarioResources, roleArn: string, logGroupArn: string): fis.CfnExperimentTemplateProps {
  const file: FisTemplateDocument = scenario.fisTemplate;
  return {
    description: file.description,
    roleArn,
    targets: file.targets,
    actions: file.actions,
    stopConditions: file.stopConditions.map((condition) => (condition.source === 'aws:cloudwatch:alarm' ? { source: condition.source, value: alarmArn(scope, stackAlarmName(scenario, condition.value)) } : condition)),
    // cloudWatchLogsConfiguration is untyped JSON in the L1: CloudFormation's own key case, which CDK passes through.
    logConfiguration: { cloudWatchLogsConfiguration: { LogGroupArn: logGroupArn }, logSchemaVersion: file.logConfiguration?.logSchemaVersion ?? 2 },
    experimentOptions: file.experimentOptions,
    tags: file.tags,
  };
}

/** The alarm a stop condition names (by ARN in the file), which must be one this stack creates. */
function stackAlarmName(scenario: ScenarioResources, value: string | undefined): string {
  // The region and account in the ARN are tokens at this point: read the name after ':alarm:'.
  const name = value ? /:alarm:([^:]+)$/.exec(value)?.[1] : undefined;
  const known = [guardrailAlarmName, scenario.alarm.AlarmName];
  if (!name || !known.includes(name)) {
    throw new Error(`scenarios/${scenario.name}/fis-template.json: stop condition ${value} names an alarm this stack does not create; use one of ${known.map((n) => `arn:aws:cloudwatch:{{region}}:{{accountId}}:alarm:${n}`).join(', ')}`);
  }
  return name;
}

/** RBAC of FIS's Kubernetes identity (AWS FIS user guide, "Use the AWS FIS aws:eks:pod actions"). */
export function fisRbac(): Manifest[] {
  const subjects = [
    { kind: 'User', name: fisKubernetesIdentity, apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: fisKubernetesIdentity, namespace: APP_NAMESPACE },
  ];
  const podActions: Manifest = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'fis-pod-actions', namespace: APP_NAMESPACE, labels: managedBy },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ],
  };
  const chaosObjects = (ns: string): Manifest[] => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'fis-chaos-mesh-objects', namespace: ns, labels: managedBy },
      rules: [{ apiGroups: ['chaos-mesh.org'], resources: ['stresschaos', 'podchaos', 'networkchaos'], verbs: ['create', 'get', 'list', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'fis-chaos-mesh-objects', namespace: ns, labels: managedBy },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'fis-chaos-mesh-objects' },
      subjects: [subjects[0]],
    },
  ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: fisKubernetesIdentity, namespace: APP_NAMESPACE, labels: managedBy } },
    podActions,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'fis-pod-actions', namespace: APP_NAMESPACE, labels: managedBy },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'fis-pod-actions' },
      subjects,
    },
    ...customResourceNamespaces.flatMap(chaosObjects),
  ];
}
