import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertRuleGroups, type AlertRule } from '../../infra/local/deploy/rules.js';
import { PayloadRejected } from './errors.js';
import { detectEventKind, parseAnyEvent, parseEvent } from './events.js';
import { deploymentOfPod, resolveTarget } from './target.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const at = '2026-11-25T09:05:00.000Z';

test('an Alertmanager v4 webhook becomes one Alert per alert, with its target', () => {
  const [alert] = parseEvent('alertmanager', fixture('alertmanager-memory-near-limit.json'), at);
  assert.ok(alert);
  assert.is(alert.id, 'alertmanager:8d5c7c1a6e9b2f40');
  assert.is(alert.name, 'ContainerMemoryNearLimit');
  assert.is(alert.status, 'firing');
  assert.is(alert.severity, 'warning');
  assert.is(alert.startsAt, '2026-11-25T09:02:15.482Z');
  assert.is(alert.endsAt, undefined, "Go's zero time means not ended");
  assert.equal(alert.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite', container: 'petsite' });
  assert.match(alert.summary, /close to its memory limit/);
  assert.is(alert.receivedAt, at);
});

test('grouped alerts, resolved alerts and node alerts normalise', () => {
  const crash = parseEvent('alertmanager', fixture('alertmanager-crash-loop-two-pods.json'), at);
  assert.is(crash.length, 2);
  assert.ok(crash.every((a) => a.severity === 'critical' && a.target?.name === 'payforadoption'));
  const [resolved] = parseEvent('alertmanager', fixture('alertmanager-memory-near-limit-resolved.json'), at);
  assert.is(resolved!.status, 'resolved');
  assert.is(resolved!.endsAt, '2026-11-25T09:14:45.482Z');
  assert.is(resolved!.id, 'alertmanager:8d5c7c1a6e9b2f40', 'same alert id as the firing one');
  const [node] = parseEvent('alertmanager', fixture('alertmanager-node-memory-pressure.json'), at);
  assert.equal(node!.target, { kind: 'Node', name: 'ip-10-0-2-41.ec2.internal' });
  const [latency] = parseEvent('alertmanager', fixture('alertmanager-high-latency.json'), at);
  assert.equal(latency!.target, { kind: 'Service', namespace: 'petadoptions', name: 'petsite' });
});

test('malformed Alertmanager payloads are refused with the reason', () => {
  const base = fixture('alertmanager-memory-near-limit.json') as Record<string, unknown>;
  const cases: [unknown, RegExp][] = [
    [{ ...base, version: '3' }, /version must be "4"/],
    [{ ...base, alerts: [] }, /alerts must not be empty/],
    [{ ...base, alerts: [{ status: 'firing', labels: { severity: 'warning' }, annotations: {}, startsAt: at }] }, /alertname is required/],
    [{ ...base, alerts: [{ status: 'burning', labels: { alertname: 'X' }, startsAt: at }] }, /alerts\.0\.status/],
    [{ ...base, alerts: [{ status: 'firing', labels: { alertname: 'X' }, startsAt: 'yesterday' }] }, /RFC 3339/],
    ['not an object', /not a valid Alertmanager webhook/],
  ];
  for (const [payload, reason] of cases) {
    try {
      parseEvent('alertmanager', payload, at);
      assert.unreachable(`accepted ${JSON.stringify(payload).slice(0, 80)}`);
    } catch (error) {
      assert.instance(error, PayloadRejected);
      assert.is((error as PayloadRejected).reason, 'invalid-payload');
      assert.match((error as Error).message, reason);
    }
  }
});

test('a CloudWatch ALARM event is a firing alert on the Container Insights workload', () => {
  const [alert] = parseEvent('eventbridge', fixture('cloudwatch-alarm-pod-memory.json'), at);
  assert.ok(alert);
  assert.is(alert.source, 'cloudwatch');
  assert.is(alert.id, 'cloudwatch:arn:aws:cloudwatch:us-west-2:123456789012:alarm:petadoptions-petsite-pod-memory-utilization');
  assert.is(alert.status, 'firing');
  assert.is(alert.startsAt, '2026-11-25T09:04:41.139Z', 'the +0000 offset parses');
  assert.is(alert.severity, 'warning', 'severity=warning in the description');
  assert.is(alert.labels.cluster, 'petadoptions-eks');
  assert.is(alert.labels.metric_name, 'pod_memory_utilization_over_pod_limit');
  assert.equal(alert.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' });
  assert.is(alert.summary, 'petadoptions-petsite-pod-memory-utilization: Memory of petsite pods is close to their limit');
});

test('the OK event resolves the same alert; INSUFFICIENT_DATA says nothing', () => {
  const [firing] = parseEvent('eventbridge', fixture('cloudwatch-alarm-pod-memory.json'), at);
  const [ok] = parseEvent('eventbridge', fixture('cloudwatch-alarm-pod-memory-ok.json'), at);
  assert.is(ok!.status, 'resolved');
  assert.is(ok!.id, firing!.id);
  assert.is(ok!.startsAt, firing!.startsAt, 'the OK event ends the ALARM period that began at its start');
  assert.is(ok!.endsAt, '2026-11-25T09:16:41.207Z');
  assert.equal(parseEvent('eventbridge', fixture('cloudwatch-alarm-insufficient-data.json'), at), []);
});

test('metric math and composite alarms normalise too', () => {
  const [node] = parseEvent('eventbridge', fixture('cloudwatch-alarm-node-memory-metric-math.json'), at);
  assert.is(node!.severity, 'critical', 'from the alarm name');
  assert.equal(node!.target, { kind: 'Node', name: 'ip-10-0-2-41.us-west-2.compute.internal' });
  assert.is(node!.labels.instance_id, 'i-0a1b2c3d4e5f60718');
  const [composite] = parseEvent('eventbridge', fixture('cloudwatch-composite-alarm.json'), at);
  assert.is(composite!.target, undefined);
  assert.is(composite!.severity, 'critical');
});

test('EventBridge events of another kind are refused', () => {
  const event = fixture('cloudwatch-alarm-pod-memory.json') as Record<string, unknown>;
  assert.throws(() => parseEvent('eventbridge', { ...event, 'detail-type': 'EC2 Instance State-change Notification' }, at), /detail-type must be "CloudWatch Alarm State Change"/);
  assert.throws(() => parseEvent('eventbridge', { ...event, detail: { alarmName: 'x' } }, at), /detail\.state/);
});

test('an MCP anomaly alert keeps its detector facts', () => {
  const [alert] = parseEvent('anomaly', fixture('anomaly-memory-growth.json'), at);
  assert.ok(alert);
  assert.is(alert.name, 'MetricAnomaly');
  assert.is(alert.labels.anomaly_kind, 'growth');
  assert.is(alert.annotations.score, '0.974');
  assert.equal(alert.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite', container: 'petsite' });
  assert.is(alert.startsAt, '2026-11-25T08:47:00.000Z');
  const again = parseEvent('anomaly', fixture('anomaly-memory-growth.json'), at)[0]!;
  assert.is(again.fingerprint, alert.fingerprint, 'same episode, same identity');
  assert.throws(() => parseEvent('anomaly', { ...(fixture('anomaly-memory-growth.json') as object), extra: 1 }, at), /Unrecognized key/);
});

test('event kinds are detected for investigate --event, SQS bodies unwrapped', () => {
  assert.is(detectEventKind(fixture('alertmanager-cpu-throttling.json')), 'alertmanager');
  assert.is(detectEventKind(fixture('cloudwatch-alarm-pod-memory.json')), 'eventbridge');
  assert.is(detectEventKind(fixture('anomaly-memory-growth.json')), 'anomaly');
  assert.is(detectEventKind(fixture('manual-crash-loop.json')), 'manual');
  const wrapped = parseAnyEvent({ MessageId: 'm-1', Body: JSON.stringify(fixture('cloudwatch-alarm-pod-memory.json')) }, at);
  assert.is(wrapped.kind, 'eventbridge');
  const manual = parseAnyEvent(fixture('manual-crash-loop.json'), at);
  assert.equal(manual.alerts[0]!.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions', container: 'petlistadoptions' });
  assert.throws(() => detectEventKind({ hello: 'world' }), /unrecognised event/);
});

test('targets resolve from labels, most specific workload first', () => {
  assert.is(deploymentOfPod('petsite-7d4b9c6f5b-x2k8q'), 'petsite');
  assert.is(deploymentOfPod('pet-history-5f6c8d9b7c-q4w7z'), 'pet-history');
  assert.is(deploymentOfPod('db-0'), undefined, 'StatefulSet pod');
  assert.is(deploymentOfPod('aws-node-x7k2p'), undefined, 'DaemonSet pod');
  assert.is(deploymentOfPod('ebs-csi-controller-x7k2p'), undefined);
  assert.equal(resolveTarget({ namespace: 'petadoptions', pod: 'petsearch-5f6c8d9b7c-q4w7z', node: 'ip-1' }), { kind: 'Deployment', namespace: 'petadoptions', name: 'petsearch' });
  assert.equal(resolveTarget({ namespace: 'petadoptions', pod: 'db-0', container: 'POD' }), { kind: 'Pod', namespace: 'petadoptions', name: 'db-0' });
  assert.equal(resolveTarget({ node: 'ip-1' }), { kind: 'Node', name: 'ip-1' });
  assert.equal(resolveTarget({ namespace: 'petadoptions' }), { kind: 'Namespace', name: 'petadoptions' });
  assert.is(resolveTarget({ job: 'prometheus' }), undefined);
});

test("the Alertmanager fixtures are alerts of the local target's rules, with the labels those rules set", () => {
  const rules = new Map(
    alertRuleGroups(undefined)
      .flatMap((group) => group.rules)
      .filter((rule): rule is AlertRule => 'alert' in rule)
      .map((rule) => [rule.alert, rule]),
  );
  const files = readdirSync(new URL('./fixtures/', import.meta.url)).filter((f) => f.startsWith('alertmanager-'));
  assert.ok(files.length >= 6);
  for (const file of files) {
    for (const alert of parseEvent('alertmanager', fixture(file), at)) {
      const rule = rules.get(alert.name);
      assert.ok(rule, `${file}: ${alert.name} is not an alert rule of infra/local/deploy/rules.ts`);
      assert.is(alert.labels.severity, rule!.labels.severity, `${file}: severity`);
      assert.ok(alert.target, `${file}: ${alert.name} resolves to a target`);
    }
  }
});

test.run();
