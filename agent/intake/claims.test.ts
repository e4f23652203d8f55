/**
 * An alert is a claim: target labels that are not Kubernetes names are set aside, payload sizes are
 * bounded, text people read is cleaned, each sender has a rate of new alerts, and an unauthenticated
 * sender's severity does not order the queue.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { AgentMetrics } from '../metrics.js';
import { SqliteWorkQueue } from '../queue/sqlite-queue.js';
import { SqliteStateStore } from '../store/sqlite-store.js';
import { AlertsRateLimited, PayloadRejected } from './errors.js';
import { parseEvent } from './events.js';
import { Intake } from './intake.js';
import { ALERT_LIMITS, checkPayloadSize, readableText, shorten } from './limits.js';
import { invalidTargetLabels, isDns1123Label, isDns1123Subdomain, setAsideTargetLabels } from './names.js';
import { SenderRateLimits } from './rate-limit.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const NOW = '2026-11-25T09:05:00.000Z';

function withLabels(labels: Record<string, string>, extra: Record<string, unknown> = {}) {
  const payload = fixture('alertmanager-memory-near-limit.json') as { alerts: Record<string, unknown>[] };
  payload.alerts[0] = { ...payload.alerts[0], labels: { alertname: 'ContainerMemoryNearLimit', ...labels }, ...extra };
  return payload;
}

function bench(rateLimits?: ConstructorParameters<typeof Intake>[0]['rateLimits']) {
  const clock = new ManualClock(Date.parse(NOW));
  const store = new SqliteStateStore(':memory:');
  const queue = new SqliteWorkQueue(':memory:', { clock });
  const metrics = new AgentMetrics({ defaultMetrics: false });
  const intake = new Intake({ store, queue, clock, log: memoryLogger(), metrics, ...(rateLimits ? { rateLimits } : {}) });
  return { clock, store, queue, metrics, intake };
}

const counter = async (metrics: AgentMetrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values;

test('Kubernetes names: DNS-1123 labels and subdomains as the API server checks them', () => {
  for (const ok of ['petadoptions', 'a', 'a-1', '0abc']) assert.ok(isDns1123Label(ok), ok);
  for (const bad of ['', 'Petadoptions', '-a', 'a-', 'a.b', 'a_b', 'x'.repeat(64), 'реtadoptions', 'a b', 'a\n']) assert.not.ok(isDns1123Label(bad), bad);
  for (const ok of ['ip-192-168-74-109.us-west-2.compute.internal', 'petsite-7d4b9c6f5b-x2k8q']) assert.ok(isDns1123Subdomain(ok), ok);
  for (const bad of ['a..b', '.a', 'a.', 'A.b', `${'a'.repeat(250)}.bcd`]) assert.not.ok(isDns1123Subdomain(bad), bad);
  assert.equal(invalidTargetLabels({ namespace: 'petadoptions', container: 'POD', pod: '', job: 'anything"}' }), [], 'POD, empty values and other labels pass');
  assert.equal(invalidTargetLabels({ node: 'x y' }).map((i) => i.label), ['node']);
});

test('one invalid target label sets every target label aside; other labels stay', () => {
  const { labels, setAside, reasons } = setAsideTargetLabels({ alertname: 'X', namespace: 'petadoptions"} or vector(42)', deployment: 'petsite', severity: 'critical', job: 'j' });
  assert.equal(labels, { alertname: 'X', severity: 'critical', job: 'j' });
  assert.equal(Object.keys(setAside).sort(), ['deployment', 'namespace']);
  assert.match(reasons[0]!, /namespace must be a DNS-1123 label/);
  assert.equal(setAsideTargetLabels({ namespace: 'petadoptions', pod: 'petsite-7d4b9c6f5b-x2k8q' }).setAside, {}, 'valid names are kept');
});

test('parsing: an alert with forged target labels is taken, without a target, its labels set aside', () => {
  const [alert] = parseEvent('alertmanager', withLabels({ namespace: 'petadoptions"} or vector(42) or up{job="x', pod: 'petsite-7d4b9c6f5b-x2k8q', deployment: 'petsite' }), NOW);
  assert.is(alert!.target, undefined);
  assert.is(alert!.labels.namespace, undefined);
  assert.is(alert!.labels.deployment, undefined);
  assert.ok(alert!.setAsideLabels?.namespace?.startsWith('petadoptions"}'));
  assert.is(alert!.name, 'ContainerMemoryNearLimit', 'still an alert');
  const [valid] = parseEvent('alertmanager', withLabels({ namespace: 'petadoptions', pod: 'petsite-7d4b9c6f5b-x2k8q' }), NOW);
  assert.equal(valid!.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' });
  assert.is(valid!.setAsideLabels, undefined);
});

test('sizes: strings, nesting, counts and the whole payload are bounded (413 with the limit hit)', () => {
  const tooLarge = (payload: unknown): string => {
    try {
      parseEvent('alertmanager', payload, NOW);
    } catch (error) {
      assert.instance(error, PayloadRejected);
      assert.is((error as PayloadRejected).status, 413);
      assert.is((error as PayloadRejected).reason, 'too-large');
      return (error as Error).message;
    }
    assert.unreachable('accepted');
    return '';
  };
  assert.match(tooLarge(withLabels({ pod: 'a'.repeat(2000) })), /label pod has 2000 characters; label values are limited to 1024/);
  assert.match(tooLarge(withLabels({ pod: 'a'.repeat(20_000) })), /alerts\.0\.labels\.pod has 20000 characters/);
  assert.match(tooLarge(withLabels(Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`l${i}`, 'x'])))), /65 labels; at most 64/);
  assert.match(tooLarge(withLabels({}, { annotations: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, 'x'])) })), /33 annotations; at most 32/);
  let deep: unknown = 1;
  for (let i = 0; i < ALERT_LIMITS.depth + 1; i++) deep = [deep];
  assert.throws(() => checkPayloadSize({ deep }), /nested deeper than 32/);
  assert.throws(() => checkPayloadSize({ many: Array.from({ length: 100 }, () => 'x'.repeat(16_000)) }), /limited to 1048576/);
  const many = withLabels({ namespace: 'petadoptions' }) as { alerts: unknown[] };
  many.alerts = Array.from({ length: 1001 }, () => many.alerts[0]);
  assert.match(tooLarge(many), /1001 alerts; at most 1000/);
});

test('text people read: control characters, terminal escapes and bidi overrides removed, one line, shortened', () => {
  assert.is(readableText('\u001b[31mred\u001b[0m\ttab\nline\u202eevil\u0000', 100), '[31mred[0m tab lineevil');
  assert.is(readableText('a\r\nb\u0007', 10, { multiline: true }), 'a\nb');
  assert.is(readableText('x'.repeat(300), 200).length, 200);
  assert.is(shorten('😀'.repeat(5), 3), '😀😀…', 'never half a surrogate pair');
  assert.is(readableText('a\ud800b', 10), 'a\ufffdb');
  const [alert] = parseEvent('alertmanager', withLabels({ namespace: 'petadoptions' }, { annotations: { summary: `\u001b[2J${'s'.repeat(5000)}`, description: 'd\u0000'.repeat(3000) } }), NOW);
  assert.is(alert!.summary.length, ALERT_LIMITS.summaryLength);
  assert.ok(alert!.summary.startsWith('[2Jsss'));
  assert.is(alert!.description!.length, 3000);
});

test('rate limits: a bucket per sender, refilled over time, with how long to wait; unauthenticated senders get less', () => {
  const clock = new ManualClock(0);
  const rates = new SenderRateLimits(clock, { authenticated: { burst: 3, perMinute: 60 }, unauthenticated: { burst: 1, perMinute: 6 } });
  const am = { name: 'alertmanager', authenticated: true };
  assert.equal([rates.take(am), rates.take(am), rates.take(am)].map((r) => r.ok), [true, true, true]);
  assert.equal(rates.take(am), { ok: false, retryAfterMs: 1000 });
  clock.advance(1000);
  assert.ok(rates.take(am).ok, 'one token back after a second');
  const anon = { name: 'alertmanager', authenticated: false };
  assert.ok(rates.take(anon).ok, 'an unauthenticated sender of the same name has its own bucket');
  assert.equal(rates.take(anon), { ok: false, retryAfterMs: 10_000 });
  assert.ok(rates.take({ name: 'other', authenticated: true }).ok, 'another sender is not affected');
});

test('rate limits: buckets are bounded; a forgotten bucket is a full one', () => {
  const clock = new ManualClock(0);
  const rates = new SenderRateLimits(clock, { authenticated: { burst: 1, perMinute: 60 }, unauthenticated: { burst: 1, perMinute: 60 } }, 2);
  for (const name of ['a', 'b', 'c']) assert.ok(rates.take({ name, authenticated: true }).ok);
  assert.ok(rates.take({ name: 'a', authenticated: true }).ok, 'a was forgotten when c came');
});

test('intake: new alerts over the sender\'s rate are refused (429); those before are kept; duplicates are free', async () => {
  const { intake, store, metrics } = bench({ authenticated: { burst: 100, perMinute: 100 }, unauthenticated: { burst: 2, perMinute: 2 } });
  const group = withLabels({ namespace: 'petadoptions', pod: 'petsite-7d4b9c6f5b-x2k8q' }) as { alerts: Record<string, unknown>[] };
  group.alerts = [0, 1, 2].map((i) => ({ ...group.alerts[0], fingerprint: `fp-${i}`, labels: { alertname: 'ContainerMemoryNearLimit', namespace: 'petadoptions', pod: `petsite-7d4b9c6f5b-x2k8${'qrs'[i]}` } }));
  const error = await intake.receive('alertmanager', group).then(() => undefined, (e: unknown) => e);
  assert.instance(error, AlertsRateLimited);
  assert.is((error as AlertsRateLimited).status, 429);
  assert.equal([(error as AlertsRateLimited).taken, (error as AlertsRateLimited).refused], [2, 1]);
  assert.ok((error as AlertsRateLimited).retryAfterSeconds >= 1);
  assert.is((await store.getAlerts(['alertmanager:fp-0', 'alertmanager:fp-1', 'alertmanager:fp-2'])).length, 2, 'the first two are kept');
  // Sent again later: the two are duplicates (free), the third goes through.
  const again = await intake.receive('alertmanager', group).then(() => 'taken', (e: Error) => e.message);
  assert.match(String(again), /too many new alerts from anonymous/, 'no token left yet');
  assert.equal((await counter(metrics, 'agent_alerts_throttled_total')).map((v) => [v.labels.authenticated, v.value]), [['false', 2]]);
  assert.equal((await counter(metrics, 'agent_alerts_rejected_total')).map((v) => [v.labels.reason, v.value]), [['rate-limited', 2]]);
  const trusted = await intake.receive('alertmanager', group, { name: 'alertmanager', authenticated: true });
  assert.equal(trusted.map((r) => r.outcome), ['duplicate', 'duplicate', 'grouped'], 'another sender\'s budget');
});

test('intake: the sender is recorded on each alert and in the audit; forged target labels are counted and noted on the timeline', async () => {
  const { intake, store, metrics } = bench();
  const [result] = await intake.receive('alertmanager', withLabels({ namespace: 'petadoptions"} or vector(42)', pod: 'petsite-7d4b9c6f5b-x2k8q' }), { name: 'alertmanager', authenticated: true });
  const [alert] = await store.getAlerts([result!.alertId]);
  assert.equal(alert!.sender, { name: 'alertmanager', authenticated: true });
  const incident = (await store.getIncident(result!.incidentId!))!;
  assert.is(incident.target, undefined);
  assert.ok(incident.timeline.some((e) => /set aside/.test(e.summary)));
  const audit = await store.listAudit({ incidentId: incident.id });
  assert.equal((audit[0]!.detail as { sender: unknown }).sender, { name: 'alertmanager', authenticated: true });
  assert.equal((await counter(metrics, 'agent_alert_labels_set_aside_total')).map((v) => v.labels.label).sort(), ['namespace', 'pod']);
});

test('intake: an unauthenticated "critical" is queued as a warning, an authenticated one as critical; counted', async () => {
  const { intake, queue, metrics } = bench();
  const critical = (pod: string, fingerprint: string) => withLabels({ namespace: 'petadoptions', pod, severity: 'critical' }, { fingerprint });
  await intake.receive('alertmanager', critical('petsite-7d4b9c6f5b-x2k8q', 'forged'));
  await intake.receive('alertmanager', critical('petsearch-7d4b9c6f5b-x2k8q', 'real'), { name: 'alertmanager', authenticated: true });
  const first = await queue.lease({ visibilityMs: 1000 });
  const second = await queue.lease({ visibilityMs: 1000 });
  assert.is(first!.priority, 3004);
  assert.is(second!.priority, 2004);
  assert.equal((await counter(metrics, 'agent_alert_priority_capped_total'))[0]!.value, 1);
});

test('intake: what an authenticated sender raised, an unauthenticated one can neither rewrite nor resolve', async () => {
  const { intake, store, metrics } = bench();
  const [opened] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'), { name: 'alertmanager', authenticated: true });
  const id = opened!.incidentId!;
  const incident = (await store.getIncident(id))!;
  await store.putIncident({ ...incident, status: 'verifying' });
  const [forged] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit-resolved.json'));
  assert.is(forged!.outcome, 'ignored');
  assert.is((await store.getIncident(id))!.status, 'verifying', 'the verification goes on');
  const [stored] = await store.getAlerts([opened!.alertId]);
  assert.is(stored!.status, 'firing');
  assert.equal((await counter(metrics, 'agent_alerts_override_refused_total'))[0]!.value, 1);
  const [real] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit-resolved.json'), { name: 'alertmanager', authenticated: true });
  assert.is(real!.outcome, 'resolved');
  assert.is((await store.getIncident(id))!.status, 'resolved');
});

test.run();
