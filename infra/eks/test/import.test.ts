/**
 * Importing an existing cluster (a One Observability cluster, say): no new cluster, VPC or node group;
 * the basics it already runs are left alone; the kit's own add-ons, FIS, the alarms and the agent's
 * resources are added to it. Also offline: the cluster's attributes come from context, not a lookup.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resourcesOf, synthesise } from './kit.js';

const imported = {
  region: 'us-west-2',
  existingClusterName: 'PetSite',
  kubectlRoleArn: 'arn:aws:iam::123456789012:role/PetSiteClusterAdmin',
  openIdConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF',
  vpcId: 'vpc-0123456789abcdef0',
  clusterSecurityGroupId: 'sg-0123456789abcdef0',
};

test('an imported cluster: nothing of the cluster is created, the kit is added', async () => {
  const { template, app, nagViolations } = await synthesise(imported);
  for (const type of ['Custom::AWSCDK-EKS-Cluster', 'AWS::EKS::Nodegroup', 'AWS::EC2::VPC', 'AWS::EC2::NatGateway']) assert.is(Object.keys(resourcesOf(template, type)).length, 0, type);
  const addons = Object.values(resourcesOf(template, 'AWS::EKS::Addon')).map((a) => a.Properties!.AddonName);
  assert.equal(addons, ['adot'], 'vpc-cni, coredns, kube-proxy and Container Insights are the cluster\'s own');
  const charts = Object.values(resourcesOf(template, 'Custom::AWSCDK-EKS-HelmChart')).map((c) => c.Properties!.Chart).sort();
  assert.equal(charts, ['aws-load-balancer-controller', 'cert-manager', 'chaos-mesh', 'kube-state-metrics', 'prometheus-node-exporter']);
  assert.is(Object.keys(resourcesOf(template, 'AWS::FIS::ExperimentTemplate')).length, 5);
  template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'PetSite', Username: 'fis-experiment' });
  template.hasOutput('ClusterName', { Value: 'PetSite' });
  assert.equal(app.synth().manifest.missing ?? [], [], 'no context lookups');
  assert.equal(nagViolations, []);
});

test.run();
