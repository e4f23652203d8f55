import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SettingsError, readSettings, supportedEksVersions } from './settings.js';

const read = (context: Record<string, unknown>) => readSettings(context, {});
const fails = (context: Record<string, unknown>, ...expected: RegExp[]) => {
  try {
    read(context);
  } catch (error) {
    assert.instance(error, SettingsError);
    for (const pattern of expected) assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`context ${JSON.stringify(context)} should have been refused`);
};

test('defaults: a new cluster eks-incident-kit, newest EKS version, 3 x t3.large on demand, account-agnostic', () => {
  const s = read({});
  assert.is(s.clusterName, 'eks-incident-kit');
  assert.is(s.eksVersion, supportedEksVersions[0]);
  assert.is(s.nodeInstanceType, 't3.large');
  assert.is(s.nodeCount, 3);
  assert.is(s.capacityType, 'on-demand');
  assert.is(s.account, undefined);
  assert.is(s.importCluster, undefined);
  assert.equal(s.skipAddOns, []);
});

test('region and account come from the CLI environment when the context has none', () => {
  const s = readSettings({}, { CDK_DEFAULT_REGION: 'eu-west-1', CDK_DEFAULT_ACCOUNT: '123456789012' });
  assert.is(s.region, 'eu-west-1');
  assert.is(s.account, '123456789012');
  assert.is(readSettings({ region: 'us-east-2' }, { CDK_DEFAULT_REGION: 'eu-west-1' }).region, 'us-east-2');
});

test('the workshop preset is cheaper (Spot, one NAT gateway) and explicit keys still win', () => {
  const s = read({ preset: 'workshop' });
  assert.is(s.capacityType, 'spot');
  assert.is(s.natGateways, 1);
  assert.is(s.nodeCount, 3);
  assert.is(read({ preset: 'workshop', capacityType: 'on-demand', nodeCount: '4' }).nodeCount, 4);
  assert.is(read({ preset: 'workshop', capacityType: 'on-demand' }).capacityType, 'on-demand');
});

test('bad values are refused with what was given and what would do', () => {
  fails({ preset: 'cheap' }, /preset=cheap/, /workshop/);
  fails({ region: 'Oregon' }, /region=Oregon/, /us-west-2/);
  fails({ account: '1234' }, /12-digit/);
  fails({ clusterName: '1-cluster' }, /clusterName=1-cluster/);
  fails({ eksVersion: '1.20' }, /eksVersion=1.20/, new RegExp(supportedEksVersions[0].replace('.', '\\.')));
  fails({ nodeInstanceType: 'large' }, /nodeInstanceType=large/, /t3\.large/);
  fails({ nodeCount: '1' }, /nodeCount=1/, /2 to 20/, /node-pressure/);
  fails({ nodeCount: 'three' }, /nodeCount=three/);
  fails({ capacityType: 'reserved' }, /on-demand or spot/);
  fails({ natGateways: 0 }, /natGateways=0/);
  fails({ image: 'kit' }, /image=kit/, /tag or digest/);
  fails({ skipAddOns: 'vpc-cni,istio' }, /istio/, /vpc-cni/);
  fails({ nodeCount: { three: 3 } }, /nodeCount must be a string or a number/);
});

test('add-ons that others need cannot be left out alone', () => {
  fails({ skipAddOns: 'adot' }, /amp needs adot/);
  fails({ skipAddOns: 'adot,amp' }, /xray needs adot/);
  fails({ skipAddOns: 'cert-manager' }, /adot needs cert-manager/);
  fails({ skipAddOns: 'aws-load-balancer-controller' }, /cert-manager needs aws-load-balancer-controller/);
  assert.equal(read({ skipAddOns: 'adot, amp,xray' }).skipAddOns, ['adot', 'amp', 'xray']);
});

test('importing a cluster needs its kubectl role, OIDC provider and VPC, and skips the basics it already runs', () => {
  fails({ existingClusterName: 'PetSite' }, /-c kubectlRoleArn=/, /-c openIdConnectProviderArn=/, /-c vpcId=/, /-c clusterSecurityGroupId=/, /describe-cluster --name PetSite/);
  fails({ existingClusterName: 'PetSite', kubectlRoleArn: 'admin', openIdConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC', vpcId: 'vpc-0123456789abcdef0', clusterSecurityGroupId: 'sg-0123456789abcdef0' }, /kubectlRoleArn=admin/);
  const s = read({
    existingClusterName: 'PetSite',
    kubectlRoleArn: 'arn:aws:iam::123456789012:role/PetSiteAdmin',
    openIdConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC',
    vpcId: 'vpc-0123456789abcdef0',
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
  });
  assert.is(s.clusterName, 'PetSite');
  assert.is(s.importCluster?.vpcId, 'vpc-0123456789abcdef0');
  assert.ok(s.skipAddOns.includes('vpc-cni') && s.skipAddOns.includes('container-insights'));
});

test('import-only keys without an imported cluster are refused', () => {
  fails({ vpcId: 'vpc-0123456789abcdef0' }, /only applies to an imported cluster/, /existingClusterName/);
});

test.run();
