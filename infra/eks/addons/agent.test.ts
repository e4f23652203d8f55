import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { defaultKit, objectsOfKind, resourcesOf, secretId } from '../test/kit.js';
import { AgentAddOn, agent, clusterLogGroups, stateTableActions } from './agent.js';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type RoleObject = { kind: string; metadata: { name: string; namespace?: string }; rules: Rule[] };
type Binding = { kind: string; metadata: { name: string; namespace?: string }; roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace?: string }[] };

async function agentStatements(): Promise<Statement[]> {
  const { template } = await defaultKit();
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties!.Roles).includes('devopsagentsaRole'))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

const refersTo = (resource: unknown, logicalIdPrefix: RegExp) => logicalIdPrefix.test(JSON.stringify(resource));

test('AWS permissions: the one table (and its index), the two queues, its secrets, the one workspace', async () => {
  const { template } = await defaultKit();
  const statements = await agentStatements();
  const sid = (name: string) => statements.find((s) => s.Sid === name)!;
  assert.equal([sid('StateTable').Action].flat(), stateTableActions);
  assert.not.ok(stateTableActions.includes('dynamodb:DeleteItem'), 'the audit log is append-only');
  assert.ok(refersTo(sid('StateTable').Resource, /AgentStateTable/));
  assert.equal((sid('StateTable').Resource as unknown[]).length, 2, 'the table and its index');
  assert.ok(refersTo(sid('ConsumeAlarms').Resource, /"AlarmQueue[0-9A-F]+"/) && !refersTo(sid('ConsumeAlarms').Resource, /WorkQueue/));
  assert.ok(refersTo(sid('WorkQueue').Resource, /"WorkQueue[0-9A-F]+"/));
  assert.not.ok([sid('ConsumeAlarms').Action].flat().includes('sqs:SendMessage'), 'the agent never writes alarms');
  assert.ok(refersTo(sid('SlackTokens').Resource, /SlackSecret/));
  assert.equal(sid('ApiCredentials').Action, 'secretsmanager:GetSecretValue');
  assert.equal(sid('ApiCredentials').Resource, [{ Ref: secretId(template, 'OperatorTokensSecret') }, { Ref: secretId(template, 'McpApiKeySecret') }]);
  assert.ok(refersTo(sid('QueryMetrics').Resource, /ampworkspace/));
});

test('secrets: GetSecretValue on exactly the Slack secret, the operator tokens and the MCP key', async () => {
  const { template } = await defaultKit();
  const secretStatements = (await agentStatements()).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
  const readable = secretStatements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).flatMap((s) => [s.Resource].flat());
  assert.equal(readable, ['SlackSecret', 'OperatorTokensSecret', 'McpApiKeySecret'].map((id) => ({ Ref: secretId(template, id) })));
  for (const statement of secretStatements) for (const action of [statement.Action].flat()) assert.ok(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'].includes(action), action);
});

test("Logs Insights only on the cluster's log groups", async () => {
  const { template } = await defaultKit();
  const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties!.PolicyName ?? '').includes('LogsInsights'));
  const statements = (policy!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
  assert.is(statements.length, 1);
  assert.equal(statements[0]!.Action, 'logs:StartQuery');
  const resources = JSON.stringify(statements[0]!.Resource);
  for (const group of clusterLogGroups('X')) assert.ok(resources.includes(group.replace('/X/', '/').split('/').slice(0, 3).join('/')), group);
  assert.not.match(resources, /"\*"/);
  assert.is((statements[0]!.Resource as unknown[]).length, clusterLogGroups('X').length);
});

test('Kubernetes: reads across the cluster, writes only what the remediation actions do, never cluster-admin or kube-system', async () => {
  const { template } = await defaultKit();
  const roles = [...objectsOfKind<RoleObject>(template, 'ClusterRole'), ...objectsOfKind<RoleObject>(template, 'Role')].filter((r) => r.metadata.name.startsWith('devops-agent'));
  const bindings = [...objectsOfKind<Binding>(template, 'ClusterRoleBinding'), ...objectsOfKind<Binding>(template, 'RoleBinding')].filter((b) => b.subjects.some((s) => s.name === agent.name));
  assert.ok(bindings.length >= 2);
  for (const binding of bindings) {
    assert.not.ok(['cluster-admin', 'admin', 'edit'].includes(binding.roleRef.name), `bound to ${binding.roleRef.name}`);
    assert.is.not(binding.metadata.namespace, 'kube-system');
  }
  const writes = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate']);
  const clusterRole = roles.find((r) => r.kind === 'ClusterRole')!;
  for (const rule of clusterRole.rules) {
    assert.not.ok(rule.verbs.includes('*') || rule.resources.includes('*') || rule.apiGroups.includes('*'), JSON.stringify(rule));
    const written = rule.verbs.filter((v) => writes.has(v));
    // Nodes are cluster-scoped: cordon/uncordon/drain patch spec.unschedulable.
    if (written.length) assert.equal([rule.resources, written], [['nodes'], ['patch']]);
    assert.not.ok(rule.resources.includes('secrets'), 'never reads secrets');
  }
  const remediation = roles.filter((r) => r.kind === 'Role');
  assert.equal(remediation.map((r) => r.metadata.namespace), ['petadoptions']);
  assert.equal(remediation[0]!.rules, [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
    { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
    { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  ]);
});

test("each remediation action is one the RBAC above was written for (a new action needs its verbs here)", () => {
  const actions = readdirSync(new URL('../../../agent/remediation/actions/', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'node-common.ts').map((f) => f.replace(/\.ts$/, '')).sort();
  assert.equal(actions, ['cordon-node', 'delete-pod', 'drain-node', 'raise-limits', 'rollback', 'rollout-restart', 'scale-deployment', 'uncordon-node']);
});

test('the pod: DynamoDB store, SQS queues, MCP server, its secrets and cluster name from the stack', async () => {
  const { template } = await defaultKit();
  const [deployment] = objectsOfKind<{ spec: { template: { spec: { serviceAccountName: string; containers: { env: { name: string; value: string }[] }[] } } } }>(template, 'Deployment', agent.name);
  const env = Object.fromEntries(deployment!.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
  assert.is(env.DEVOPS_AGENT_STORE, 'dynamodb');
  assert.match(env.DEVOPS_AGENT_DYNAMODB_TABLE!, /«Ref:AgentStateTable/);
  assert.is(env.DEVOPS_AGENT_QUEUE, 'sqs');
  assert.match(env.DEVOPS_AGENT_ALARM_QUEUE_URL!, /«Ref:AlarmQueue/);
  assert.match(env.DEVOPS_AGENT_WORK_QUEUE_URL!, /«Ref:WorkQueue/);
  assert.is(env.DEVOPS_AGENT_MCP_URL, 'http://prometheus-mcp.prometheus-mcp.svc.cluster.local:8080/mcp');
  assert.is(env.DEVOPS_AGENT_ALLOWED_NAMESPACES, 'petadoptions');
  assert.is(env.DEVOPS_AGENT_HOST, '0.0.0.0');
  assert.is(env.DEVOPS_AGENT_OPERATOR_TOKENS_SECRET, `«Ref:${secretId(template, 'OperatorTokensSecret')}»`);
  assert.is(env.DEVOPS_AGENT_MCP_API_KEY_SECRET, `«Ref:${secretId(template, 'McpApiKeySecret')}»`);
  assert.is(deployment!.spec.template.spec.serviceAccountName, agent.name);
});

test("no pod but the metrics collector may connect to the agent (its webhooks have no token on EKS)", async () => {
  const { template } = await defaultKit();
  const [policy] = objectsOfKind<{ spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[] }[] } }>(template, 'NetworkPolicy', `${agent.name}-ingress`);
  assert.equal(policy!.spec.podSelector.matchLabels, { app: agent.name });
  assert.equal(policy!.spec.ingress.flatMap((rule) => rule.from.map((f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])), ['default']);
});

test('kube-system can never be an allowed namespace', () => {
  assert.throws(() => new AgentAddOn({ allowedNamespaces: ['petadoptions', 'kube-system'] }), /never changes kube-system/);
});

test.run();
