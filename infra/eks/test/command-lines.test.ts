/**
 * The add-ons and the programs agree: every flag and every variable the stack gives the agent's and the
 * MCP server's containers is one their command line accepts, read from the programs' own option tables
 * (agent/config.ts devopsAgentCli, mcp/server/cli.ts prometheusMcpCli, through lib/platform/cli.ts), and
 * every value passes the option's own check. A variable nothing reads is an error unless the add-on
 * lists it with its reason (agentEnvReadLater).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agent, agentEnvReadLater } from '../addons/agent.js';
import { mcpServer } from '../addons/mcp-server.js';
import { kitRoot } from '../lib/resources.js';
import { readCommandLines, type CommandLineReading, type ContainerCommandLine } from './command-lines.js';
import { defaultKit } from './kit.js';

async function reading(deployment: string): Promise<{ container: ContainerCommandLine; reading: CommandLineReading }> {
  const { template } = await defaultKit();
  const found = readCommandLines(template).find(({ container }) => container.deployment === deployment);
  assert.ok(found, `a node container in Deployment ${deployment}`);
  return found!;
}

/** The variables of the kit's own settings, the ones this contract is about. */
const kitVariable = /^(DEVOPS_AGENT_|PROMETHEUS_MCP_|MCP_)/;

function unreadVariables(container: ContainerCommandLine, read: CommandLineReading, allowed: Record<string, string>): string[] {
  return Object.keys(container.env).filter((name) => !read.acceptedEnv.includes(name) && !(name in allowed));
}

test('the agent: `devops-agent serve`, every variable one of its options reads, every value valid', async () => {
  const { container, reading: read } = await reading(`${agent.namespace}/${agent.name}`);
  assert.is(container.program, 'bin/devops-agent.js');
  assert.ok(existsSync(join(kitRoot, container.program)), 'the bin the image copies');
  assert.equal(read.problems, [], read.problems.join('\n'));
  assert.is(read.command, 'serve');
  for (const flag of Object.keys(read.flags)) assert.ok(read.acceptedFlags.includes(`--${flag}`), `--${flag}`);
  // Every variable, not only the kit's prefixes: AWS_REGION is the agent's --region too.
  assert.equal(unreadVariables(container, read, agentEnvReadLater), [], 'set by the add-on, read by no option of devops-agent serve (add it to the agent, or to agentEnvReadLater with why)');
  assert.ok(Object.keys(container.env).filter((name) => kitVariable.test(name)).length >= 10);
  // What the brief's secrets contract names (docs/deploy-eks.md): the agent takes both from Secrets Manager.
  for (const name of ['DEVOPS_AGENT_OPERATOR_TOKENS_SECRET', 'DEVOPS_AGENT_MCP_API_KEY_SECRET']) assert.ok(read.acceptedEnv.includes(name), `devops-agent serve reads ${name}`);
  assert.is(read.values['--store'], 'dynamodb');
  assert.is(read.values['--queue'], 'sqs');
  assert.is(read.values['--port'], agent.port);
});

test('the MCP server: `prometheus-mcp serve --transport http`, every flag and variable its own, its API key from Secrets Manager', async () => {
  const { container, reading: read } = await reading(`${mcpServer.namespace}/${mcpServer.name}`);
  assert.is(container.program, 'bin/prometheus-mcp.js');
  assert.ok(existsSync(join(kitRoot, container.program)), 'the bin the image copies');
  assert.equal(read.problems, [], read.problems.join('\n'));
  assert.is(read.command, 'serve');
  for (const flag of Object.keys(read.flags)) assert.ok(read.acceptedFlags.includes(`--${flag}`), `--${flag}`);
  assert.equal(unreadVariables(container, read, {}), [], 'set by the add-on, read by no option of prometheus-mcp serve');
  assert.ok(read.acceptedEnv.includes('PROMETHEUS_MCP_API_KEY_SECRET'), 'prometheus-mcp serve reads PROMETHEUS_MCP_API_KEY_SECRET');
  assert.is(read.values['--transport'], 'http');
  assert.is(read.values['--port'], mcpServer.port);
  assert.is(read.values['--host'], '0.0.0.0');
});

test('every variable the agent is given but does not read is listed with a reason', () => {
  for (const [name, reason] of Object.entries(agentEnvReadLater)) {
    assert.match(name, kitVariable);
    assert.ok(reason.length > 40, `${name}: say why`);
  }
});

test.run();
