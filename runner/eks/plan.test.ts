import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario } from '../../scenarios/catalog.js';
import { eksRunPlan, formatPlan, type EksPlanOptions } from './plan.js';

const base: EksPlanOptions = { definition: loadScenario('memory-leak'), params: {}, fast: false, stackName: 'eks-incident-kit', injector: 'fis', agentTokenGiven: false, pollSeconds: 5, runId: 'run-1' };
const names = (options: Partial<EksPlanOptions> = {}) => eksRunPlan({ ...base, ...options }).map((c) => `${c.phase} ${c.service} ${c.operation}`);

test('with FIS: credentials, stack, alarm, token, then start, poll, detect by the alarm, stop at cleanup', () => {
  const calls = eksRunPlan(base);
  const aws = calls.filter((c) => c.service !== 'aps').map((c) => `${c.phase} ${c.service} ${c.operation}`);
  assert.equal(aws, [
    'preflight sts GetCallerIdentity',
    'preflight cloudformation DescribeStacks',
    'preflight cloudwatch DescribeAlarms',
    'preflight secretsmanager GetSecretValue',
    'preflight fis GetExperiment',
    'preflight fis StopExperiment',
    'inject fis StartExperiment',
    'inject fis GetExperiment',
    'detect cloudwatch DescribeAlarms',
    'cleanup fis GetExperiment',
    'cleanup fis StopExperiment',
  ]);
  const start = calls.find((c) => c.operation === 'StartExperiment')!;
  assert.equal(start.input, { experimentTemplateId: '<FisTemplateMemoryLeak output of stack eks-incident-kit>', clientToken: 'memory-leak-run-1', tags: { 'eks-incident-kit/run': 'run-1', 'eks-incident-kit/scenario': 'memory-leak' } });
  assert.equal(calls[1]!.input, { StackName: 'eks-incident-kit' });
  assert.equal(calls[2]!.input, { AlarmNames: ['<AlarmMemoryLeak output of stack eks-incident-kit>'], AlarmTypes: ['MetricAlarm'] });
  // AMP: the workspace answers, the baseline, alerts while detecting, the key metric's chart.
  const aps = calls.filter((c) => c.service === 'aps');
  assert.ok(aps.some((c) => c.phase === 'baseline' && JSON.stringify(c.input).includes('container_memory_working_set_bytes')));
  assert.is(aps.at(-1)!.input && (aps.at(-1)!.input as { path: string }).path, '/api/v1/query_range');
});

test('what the options leave out: the secret with a token given, AMP with --prometheus-url, FIS with chaos-mesh, everything without a stack', () => {
  assert.not.ok(names({ agentTokenGiven: true }).includes('preflight secretsmanager GetSecretValue'));
  assert.not.ok(names({ prometheusUrl: 'http://127.0.0.1:9090' }).some((n) => n.includes(' aps ')));
  const chaos = names({ injector: 'chaos-mesh' });
  assert.not.ok(chaos.includes('inject fis StartExperiment'));
  assert.ok(chaos.includes('detect cloudwatch DescribeAlarms'));
  assert.equal(names({ injector: 'chaos-mesh', prometheusUrl: 'http://127.0.0.1:9090', agentUrl: 'http://127.0.0.1:18080' }), []);
});

test('the printed plan numbers each call with its input and says nothing was called', () => {
  const text = formatPlan(eksRunPlan({ ...base, prometheusUrl: 'http://127.0.0.1:9090', agentTokenGiven: true }), ['header']);
  assert.match(text, /^header\n\n 1\. preflight sts GetCallerIdentity {2}\(once: whose credentials, which account\)\n {4}\{\}\n 2\. preflight cloudformation DescribeStacks/);
  assert.match(text, /inject {4}fis StartExperiment {2}\(once\)\n {4}\{"experimentTemplateId":"<FisTemplateMemoryLeak output of stack eks-incident-kit>"/);
  assert.match(text, /Nothing was called\./);
  assert.match(formatPlan([], []), /No AWS calls/);
});

test.run();
