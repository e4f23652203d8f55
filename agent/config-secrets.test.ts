/**
 * Credentials from AWS Secrets Manager, read once at start: the named operator tokens
 * (--operator-tokens-secret, validated as --operator-tokens-file is) and the MCP server's API key
 * (--mcp-api-key-secret, or --mcp-api-key-file), which the agent's MCP client sends; against
 * aws-sdk-client-mock with GetSecretValue answered as Secrets Manager answers it, and an MCP server on
 * loopback that requires the key.
 */
import { DecryptionFailure, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, memoryLogger } from '../core/log.js';
import { startHttpServer } from '../mcp/server/http.js';
import { FakeBackend } from '../test/support/mcp/tools/fake-backend.js';
import { createLogger as quietLogger } from '../core/log.js';
import { FakeCluster, memoryLeakPlaybook, playbookDir, StubWorld, stubHandlers } from '../test/support/agent/workflow-testkit.js';
import { runDevopsAgent } from './cli.js';
import { loadAgentSecrets, resolveAgentConfig } from './config.js';
import { metricsSource } from './evidence/metrics-fallback.js';
import { EvidenceUnavailable } from './ports.js';

const tokensArn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-OperatorTokensSecret-Qw34Er';
const keyArn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-McpApiKeySecret-Ab12Cd';
const operatorToken = 'hT9vQ2mXk7LpR4wZ8nB3cF6jS1dG5yUa';
const mcpKey = 'Xq3vLm8RtZp2Nw7KcJ4hFd9BsY6gTa1UeVo5WiQxHyMn0PkR';
const metadata = { httpStatusCode: 400, requestId: '3f6bd3a1-5b4e-4f0e-9a7c-2d8e1c4b6a90', attempts: 1, totalRetryDelay: 0 };

/** GetSecretValue as Secrets Manager answers it. */
const secretValue = (arn: string, secretString: string) => ({
  ARN: arn,
  Name: arn.split(':secret:')[1]!.replace(/-\w{6}$/, ''),
  VersionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  SecretString: secretString,
  VersionStages: ['AWSCURRENT'],
  CreatedDate: new Date('2026-11-20T14:03:12.000Z'),
  $metadata: { httpStatusCode: 200 },
});

function secrets(values: Record<string, string>) {
  const sm = mockClient(SecretsManagerClient);
  for (const [arn, value] of Object.entries(values)) sm.on(GetSecretValueCommand, { SecretId: arn }).resolves(secretValue(arn, value));
  return sm;
}

test('--operator-tokens-secret: the stack\'s generated {"name","token"}, a list, or NAME TOKEN lines', async () => {
  const forms: [string, string[]][] = [
    [JSON.stringify({ name: 'eks-operator', token: operatorToken }), ['eks-operator']],
    [JSON.stringify([{ name: 'alice', token: operatorToken }, { name: 'bob', token: operatorToken.split('').reverse().join('') }]), ['alice', 'bob']],
    [`# operators\nalice ${operatorToken}\n`, ['alice']],
  ];
  for (const [value, names] of forms) {
    const sm = secrets({ [tokensArn]: value });
    const config = await loadAgentSecrets(resolveAgentConfig('serve', { 'operator-tokens-secret': tokensArn }, {}));
    assert.equal(config.credentials?.operators.map((o) => o.name), names);
    assert.is(config.credentials?.operators[0]!.token, operatorToken);
    assert.equal(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input), [{ SecretId: tokensArn }]);
    sm.restore();
  }
  const fromEnv = resolveAgentConfig('serve', {}, { DEVOPS_AGENT_OPERATOR_TOKENS_SECRET: tokensArn });
  assert.equal(fromEnv.secrets, { operatorTokens: tokensArn });
  assert.is(resolveAgentConfig('investigate', {}, { DEVOPS_AGENT_OPERATOR_TOKENS_SECRET: tokensArn }).secrets, undefined, 'only serve reads the operator tokens');
});

test('the secret is validated as the tokens file is; it and the file or variable exclude each other', async () => {
  const refused: [string, RegExp][] = [
    [JSON.stringify({ name: 'policy', token: operatorToken }), /--operator-tokens-secret: secret arn:.*OperatorTokensSecret-Qw34Er: "policy" is reserved/],
    [JSON.stringify({ name: 'eks-operator', token: 'short' }), /the token of eks-operator is 5 characters; use at least 22/],
    [JSON.stringify({ name: 'eks-operator', token: 'has"quote' + 'x'.repeat(30) }), /characters a bearer token cannot carry/],
    ['{"name":"eks-operator"', /starts like JSON but is not/],
    [JSON.stringify({ name: 'eks-operator' }), /entry 1 of the operator tokens secret needs string "name" and "token"/],
  ];
  for (const [value, message] of refused) {
    const sm = secrets({ [tokensArn]: value });
    await loadAgentSecrets(resolveAgentConfig('serve', { 'operator-tokens-secret': tokensArn }, {})).then(
      () => assert.unreachable(value),
      (error) => {
        assert.is((error as Error).name, 'UsageError', value);
        assert.match((error as Error).message, message);
      },
    );
    sm.restore();
  }
  const sm = secrets({ [tokensArn]: JSON.stringify({ name: 'eks-operator', token: operatorToken }) });
  await loadAgentSecrets(resolveAgentConfig('serve', { 'operator-tokens-secret': tokensArn }, { DEVOPS_AGENT_WEBHOOK_TOKEN: operatorToken })).then(
    () => assert.unreachable(),
    (error) => assert.match((error as Error).message, /--operator-tokens-secret: .*same token/),
  );
  sm.restore();
  const dir = mkdtempSync(join(tmpdir(), 'agent-secrets-'));
  writeFileSync(join(dir, 'operators.tokens'), `alice ${operatorToken}\n`, { mode: 0o600 });
  assert.throws(() => resolveAgentConfig('serve', { 'operator-tokens-secret': tokensArn, 'operator-tokens-file': join(dir, 'operators.tokens') }, {}), /--operator-tokens-secret and --operator-tokens-file both give the operator tokens; give one of them/);
  assert.throws(() => resolveAgentConfig('serve', { 'operator-tokens-secret': tokensArn }, { DEVOPS_AGENT_OPERATOR_TOKENS_FILE: join(dir, 'operators.tokens') }), /and DEVOPS_AGENT_OPERATOR_TOKENS_FILE both give/);
  assert.throws(() => resolveAgentConfig('serve', {}, { DEVOPS_AGENT_OPERATOR_TOKENS_SECRET: tokensArn, DEVOPS_AGENT_OPERATOR_TOKENS: `alice ${operatorToken}` }), /and DEVOPS_AGENT_OPERATOR_TOKENS both give/);
  assert.throws(() => resolveAgentConfig('serve', { 'mcp-api-key-file': join(dir, 'operators.tokens'), 'mcp-api-key-secret': keyArn }, {}), /--mcp-api-key-file and --mcp-api-key-secret both give/);
});

test('Secrets Manager errors stop the start, naming the secret and what to do', async () => {
  const failures: [Error, RegExp][] = [
    [new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: metadata }), /can't find the specified secret\. \(check the ARN and the region/],
    [new SecretsManagerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: `User: arn:aws:sts::123456789012:assumed-role/devops-agent/eks-pod is not authorized to perform: secretsmanager:GetSecretValue on resource: ${tokensArn}`, $metadata: metadata }), /not authorized .* \(the role needs secretsmanager:GetSecretValue on this secret/],
    [new DecryptionFailure({ message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", $metadata: metadata }), /\(the role cannot use the secret's KMS key/],
  ];
  for (const [failure, message] of failures) {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).rejects(failure);
    const out = { err: '' };
    const code = await runDevopsAgent(['serve', '--port', '0', '--sqlite-path', ':memory:', '--operator-tokens-secret', tokensArn], { stdout: () => undefined, stderr: (t) => void (out.err += t), env: {} });
    assert.is(code, 2, out.err);
    assert.match(out.err, new RegExp(`^devops-agent: --operator-tokens-secret: cannot read secret ${tokensArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    assert.match(out.err, message);
    sm.restore();
  }
});

test('serve with --operator-tokens-secret: the token from the secret opens the API, nothing else does', async () => {
  const sm = secrets({ [tokensArn]: JSON.stringify({ name: 'eks-operator', token: operatorToken }) });
  let stop!: (signal: string) => void;
  const statuses: number[] = [];
  const code = await runDevopsAgent(['serve', '--port', '0', '--sqlite-path', ':memory:', '--playbooks', playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook }), '--operator-tokens-secret', tokensArn], {
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    deps: { stepHandlers: stubHandlers(new StubWorld()), evidence: {}, cluster: new FakeCluster(), log: quietLogger('test', { sink: () => undefined }) },
    stopSignal: new Promise((resolve) => (stop = resolve)),
    onServing(agent) {
      void (async () => {
        for (const authorization of [`Bearer ${operatorToken}`, undefined, 'Bearer wrong-token-wrong-token-wrong']) {
          const res = await fetch(`${agent.url}/incidents`, { headers: authorization ? { authorization } : {} });
          statuses.push(res.status);
          await res.text();
        }
        stop('SIGTERM');
      })();
    },
  });
  assert.is(code, 0);
  assert.equal(statuses, [200, 401, 401]);
  sm.restore();
});

test("the agent's MCP client sends the key: --mcp-api-key-file and --mcp-api-key-secret against a key-protected MCP server", async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger(), apiKey: mcpKey });
  const log = createLogger('test', { sink: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), 'agent-mcp-key-'));
  writeFileSync(join(dir, 'mcp.key'), `${mcpKey}\n`, { mode: 0o600 });
  const sm = secrets({ [keyArn]: mcpKey });
  try {
    const configs = [
      await loadAgentSecrets(resolveAgentConfig('serve', { 'mcp-url': server.url, 'mcp-api-key-file': join(dir, 'mcp.key') }, {})),
      await loadAgentSecrets(resolveAgentConfig('serve', { 'mcp-url': server.url }, { DEVOPS_AGENT_MCP_API_KEY_SECRET: keyArn })),
      await loadAgentSecrets(resolveAgentConfig('investigate', { 'mcp-url': server.url, 'mcp-api-key-secret': keyArn }, {})),
    ];
    for (const config of configs) {
      assert.is(config.evidence.mcpApiKey, mcpKey);
      const metrics = metricsSource.create({ ...config.evidence, log })!;
      const rows = await metrics.instant('sum by (namespace) (up{namespace="petadoptions"})');
      assert.ok(rows.length > 0, 'the MCP server answered the query');
    }
    const keyless = metricsSource.create({ mcpUrl: server.url, logGroups: [], log })!;
    const refused = await keyless.instant('up').catch((error: unknown) => error);
    assert.instance(refused, EvidenceUnavailable);
    assert.match((refused as EvidenceUnavailable).reason, /MCP server answered HTTP 401: it requires its API key; give the agent --mcp-api-key-file or --mcp-api-key-secret/);
    assert.not.ok((refused as EvidenceUnavailable).retryable, 'a missing key is not retried');
    assert.match(resolveAgentConfig('serve', { 'mcp-api-key-file': join(dir, 'mcp.key') }, {}).warnings?.join('\n') ?? '', /--mcp-api-key-file without --mcp-url/);
  } finally {
    sm.restore();
    await server.close();
  }
});

test.run();
