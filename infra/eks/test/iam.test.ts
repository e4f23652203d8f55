/**
 * Every IAM statement of the kit's own roles (the agent's, the MCP server's, the X-Ray collector's,
 * FIS's) names its resources; a `*` is allowed only for the actions in lib/policy-exceptions.ts, which
 * IAM cannot scope.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wildcardExceptions } from '../lib/policy-exceptions.js';
import { defaultKit, resourcesOf } from './kit.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const kitRoles: Record<string, RegExp> = { 'devops-agent': /devopsagentsaRole/, 'prometheus-mcp': /prometheusmcpsaRole/, 'xray-collector': /xraycollectorsaRole/, 'fis-experiment': /FisExperimentRole/ };

for (const [principal, rolePattern] of Object.entries(kitRoles)) {
  test(`${principal}: no "*" resource beyond the listed exceptions, no "*" action`, async () => {
    const { template } = await defaultKit();
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => rolePattern.test(JSON.stringify(p.Properties!.Roles)))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
    assert.ok(statements.length > 0, `${principal} has a policy`);
    const allowed = new Set(wildcardExceptions.filter((e) => e.principal === principal).flatMap((e) => e.actions));
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      for (const action of actions) assert.not.match(action, /\*/, `${principal}: ${action}`);
      const resources = [statement.Resource].flat();
      if (resources.includes('*')) for (const action of actions) assert.ok(allowed.has(action), `${principal}: ${action} on "*" is not a listed exception`);
    }
  });
}

test('every listed exception is used (the list says what the policies do)', async () => {
  const { template } = await defaultKit();
  const text = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
  for (const exception of wildcardExceptions) for (const action of exception.actions) assert.ok(text.includes(`"${action}"`), action);
});

test.run();
