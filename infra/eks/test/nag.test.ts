import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acknowledgements, matching } from '../lib/nag.js';
import { defaultKit } from './kit.js';

test("cdk-nag AwsSolutions: synth passes, so no finding is left unacknowledged", async () => {
  const { nagViolations } = await defaultKit();
  assert.equal(nagViolations, []);
});

test('every acknowledgement says why, and names a construct the stack has', async () => {
  const { stack, clusterInfo } = await defaultKit();
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path.slice(stack.node.path.length + 1), c] as const));
  for (const ack of acknowledgements) {
    assert.ok(ack.reason.length > 40, `${ack.path}: a reason`);
    assert.ok(matching(ack, byPath, clusterInfo.cluster.node.id).length > 0, `${ack.path} exists`);
  }
});

test.run();
