import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultKit, objectsOfKind, resourcesOf, secretId } from '../test/kit.js';
import { agent } from './agent.js';
import { ampQueryActions, mcpServer, mcpServerUrl } from './mcp-server.js';

type Policy = { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown; Effect: string }[] }; Roles: { Ref: string }[] };

test('the MCP server: streamable HTTP on a ClusterIP Service only, reading the one AMP workspace', async () => {
  const { template } = await defaultKit();
  const [deployment] = objectsOfKind<{ spec: { template: { spec: { serviceAccountName: string; containers: { command: string[]; env: { name: string; value: string }[] }[] } } } }>(template, 'Deployment', mcpServer.name);
  const container = deployment!.spec.template.spec.containers[0]!;
  assert.equal(container.command.slice(0, 5), ['node', 'bin/prometheus-mcp.js', 'serve', '--transport', 'http']);
  assert.ok(container.command.includes(`${mcpServer.name}.${mcpServer.namespace}.svc.cluster.local`), 'the Host check admits the Service name');
  assert.match(container.env.find((e) => e.name === 'AMP_WORKSPACE_ID')!.value, /«GetAtt:ampworkspace.*WorkspaceId»/);
  const services = objectsOfKind<{ spec: { type: string } }>(template, 'Service', mcpServer.name);
  assert.equal(services.map((s) => s.spec.type), ['ClusterIP']);
  assert.is(mcpServerUrl, 'http://prometheus-mcp.prometheus-mcp.svc.cluster.local:8080/mcp');
});

test("only the agent's pods may connect (NetworkPolicy), everyone else goes through an authenticated port-forward", async () => {
  const { template } = await defaultKit();
  const [policy] = objectsOfKind<{ spec: { podSelector: unknown; policyTypes: string[]; ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] } }>(template, 'NetworkPolicy', `${mcpServer.name}-clients`);
  assert.equal(policy!.spec.policyTypes, ['Ingress']);
  assert.is(policy!.spec.ingress.length, 1);
  const from = policy!.spec.ingress[0]!.from;
  assert.equal(from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': agent.namespace } }, podSelector: { matchLabels: { app: agent.name } } }]);
  assert.equal(policy!.spec.ingress[0]!.ports, [{ protocol: 'TCP', port: mcpServer.port }]);
  // The VPC CNI enforces NetworkPolicies only with its network policy agent on.
  const [cni] = Object.values(resourcesOf(template, 'AWS::EKS::Addon')).filter((a) => a.Properties!.AddonName === 'vpc-cni');
  assert.match(String(cni!.Properties!.ConfigurationValues), /"enableNetworkPolicy":"true"/);
});

test('its IRSA role: AMP query actions on the workspace ARN and its own API key, nothing else, no wildcard', async () => {
  const { template } = await defaultKit();
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties as unknown as Policy).filter((p) => p.Roles.some((r) => /prometheusmcpsaRole/.test(r.Ref)));
  assert.is(policies.length, 1);
  const statements = policies[0]!.PolicyDocument.Statement;
  assert.is(statements.length, 2, 'the workspace, and the API key');
  assert.equal([statements[0]!.Action].flat().sort(), [...ampQueryActions, 'aps:DescribeWorkspace'].sort());
  assert.equal(statements[0]!.Resource, { 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'AWS::APS::Workspace'))[0], 'Arn'] });
  // GetSecretValue on the MCP key's ARN alone: not the operator tokens, not the Slack secret.
  assert.equal(statements[1]!.Action, 'secretsmanager:GetSecretValue');
  assert.equal(statements[1]!.Resource, { Ref: secretId(template, 'McpApiKeySecret') });
});

test('authentication on: the server reads its API key from the stack\'s secret at start', async () => {
  const { template } = await defaultKit();
  const [deployment] = objectsOfKind<{ spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }>(template, 'Deployment', mcpServer.name);
  const env = Object.fromEntries(deployment!.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
  assert.is(env.PROMETHEUS_MCP_API_KEY_SECRET, `«Ref:${secretId(template, 'McpApiKeySecret')}»`);
  assert.is(env.AWS_REGION, 'us-west-2', 'Secrets Manager and AMP in the stack\'s region');
});

test.run();
