/**
 * The replay suite (test/cases): every recorded case replays offline through the playbook, the steps
 * and the analysis (in milliseconds: bench/replay-cases.bench.ts), and reaches its expected root cause and target; the timeline
 * puts causes before effects; hypotheses only reference facts; a removed source becomes a gap and the
 * investigation still concludes; the stored calibration still describes the suite.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { investigateCase, loadCases, matchesExpected } from '../../test/support/agent/cases.js';
import { ABLATIONS } from '../../test/support/agent/recorded-evidence.js';
import { evaluate, examplesOf, variantsOf } from '../../test/support/agent/calibrate.js';
import { currentCalibration } from './confidence.js';

const cases = loadCases();

test('the suite covers every root-cause kind, several targets each, and a false alarm', () => {
  assert.ok(cases.length >= 15, `${cases.length} cases`);
  const kinds = new Set(cases.map((c) => c.expected.kind));
  for (const kind of ['memory-leak', 'cpu-throttling', 'node-pressure', 'crash-loop', 'network-latency', 'bad-deployment', 'unknown']) assert.ok(kinds.has(kind as never), kind);
  for (const c of cases) assert.ok(c.alerts.length > 0 && c.calls.prometheus.length + c.calls.kubernetes.length > 0, `${c.name} has an alert and evidence`);
});

for (const c of cases) {
  test(`replay ${c.name}: ${c.expected.kind} of ${c.expected.target.name}`, async () => {
    const { analysis, context } = await investigateCase(c);
    const rc = analysis.rootCause;
    assert.ok(matchesExpected(rc, c.expected), `got ${rc.kind} ${rc.target.kind}/${rc.target.namespace}/${rc.target.name} (${rc.confidence}), expected ${c.expected.kind} ${c.expected.target.name}: ${rc.summary}`);
    assert.equal(context.incident.gaps, [], 'every call the playbook makes was recorded');
    if (c.expected.kind === 'unknown') return;
    assert.ok(rc.confidence >= 0.5, `confidence ${rc.confidence}`);
    assert.ok(analysis.sources.length >= 2, `sources ${analysis.sources.join(', ')}`);
    // Facts apart from hypotheses: every hypothesis points at recorded findings only.
    const ids = new Set(context.incident.findings.map((f) => f.id));
    for (const h of context.incident.hypotheses) for (const id of [...h.supportingFindings, ...h.contradictingFindings]) assert.ok(ids.has(id) || id.startsWith('alert:'), `hypothesis references finding ${id}`);
    // The merged timeline is in time order, and the cause comes before the alert it explains.
    const times = analysis.timeline.map((e) => Date.parse(e.at));
    assert.equal(times, [...times].sort((a, b) => a - b), 'timeline ordered');
    const cause = analysis.timeline.findIndex((e) => e.type === 'root-cause');
    const alert = analysis.timeline.findIndex((e) => e.type === 'observation' && e.source === 'alert');
    assert.ok(cause >= 0 && alert >= 0 && cause < alert, 'root cause precedes the alert');
  });
}

test('a source removed from a replay is a gap, and the investigation still concludes', async () => {
  const c = cases.find((x) => x.name === 'memory-leak-petlistadoptions')!;
  const full = await investigateCase(c);
  for (const without of [['traces'], ['logs'], ['events'], ['prometheus']] as const) {
    const { analysis, context } = await investigateCase(c, { without });
    assert.ok(context.incident.gaps.length >= 1, `${without} gap`);
    assert.ok(matchesExpected(analysis.rootCause, c.expected), `without ${without}: ${analysis.rootCause.kind}`);
    assert.ok(analysis.rootCause.confidence <= full.analysis.rootCause.confidence + 1e-9, 'not more confident with less evidence');
    assert.match(analysis.rootCause.summary, /Not reached/);
  }
});

test('the stored calibration still holds on the suite (single-source ablations)', async () => {
  const calibration = currentCalibration();
  assert.is(calibration.cases, cases.length, 'calibration.json was fitted on this suite: re-run test/support/agent/calibrate.ts --write');
  const variants = await variantsOf(cases, [[], ...ABLATIONS.map((a) => [a])]);
  const result = evaluate(examplesOf(variants, { draws: 2 }), calibration);
  assert.ok(result.accuracy >= 0.9, `accuracy ${result.accuracy}`);
  // Never overconfident: in every well-populated bin the conclusions are right at least as often as stated.
  for (const bin of result.table.filter((b) => b.count >= 20)) assert.ok(bin.accuracy >= bin.meanConfidence - 0.05, `stated ${bin.meanConfidence}, right ${bin.accuracy} (${bin.count} examples)`);
});

test.run();
