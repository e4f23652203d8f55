/**
 * The AWS DevOps Agent registers a custom MCP server only if each tool name is at most 64 characters of
 * [a-zA-Z0-9_-] (other MCP hosts, Bedrock's tool use among them, apply the same rule). Checked on what
 * a client sees from tools/list over streamable HTTP, and on the registry the server builds it from,
 * so a new tool with a longer or dotted name fails here, not at registration.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../core/log.js';
import { FakeBackend } from '../../test/support/mcp/tools/fake-backend.js';
import { allTools } from '../tools/index.js';
import { startHttpServer } from './http.js';

const toolName = /^[a-zA-Z0-9_-]{1,64}$/;

test('every tool name fits the AWS DevOps Agent: at most 64 characters of [a-zA-Z0-9_-], none repeated', async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger() });
  const client = new Client({ name: 'aws-devops-agent', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const listed = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(listed.length >= allTools.length, `tools/list returned ${listed.length}`);
    assert.equal([...listed].sort(), allTools.map((t) => t.name).sort(), 'the server lists exactly the registry');
    const offending = listed.filter((name) => !toolName.test(name));
    assert.equal(offending, [], `names outside ^[a-zA-Z0-9_-]{1,64}$: ${offending.join(', ')}`);
    assert.ok(listed.every((name) => name.length <= 64));
    assert.is(new Set(listed).size, listed.length, 'no name twice');
  } finally {
    await client.close();
    await server.close();
  }
});

test('the rule itself: 64 characters pass, 65, dots, spaces and an empty name do not', () => {
  assert.ok(toolName.test('a'.repeat(64)));
  for (const bad of ['a'.repeat(65), 'prometheus.execute_query', 'execute query', '', 'exécuter']) assert.not.ok(toolName.test(bad), bad);
});

test.run();
