/**
 * Block Kit messages: everything from the incident escaped (no mention, no link, no broken code block),
 * texts split within 3000 characters per section and 50 blocks per message, buttons bound to the plan.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Action, Incident } from '../../../core/types.js';
import { planHash } from '../../api/decisions.js';
import { approvalMessage, approvalOutcomeMessage, decodeButtonValue, encodeButtonValue, incidentOpenedMessage, mttrOf, paginate, resolutionMessage, rootCauseMessage, sections } from './blocks.js';
import { BLOCKS_PER_MESSAGE, escapeCode, escapeMrkdwn, SECTION_TEXT_LIMIT, splitText } from './mrkdwn.js';

const links = { consoleUrl: (i: Incident) => `http://127.0.0.1:18080/console/incidents/${i.id}`, graphUrl: (q: string) => `http://127.0.0.1:19090/graph?g0.expr=${encodeURIComponent(q)}` };
const hostile = 'pay <!channel> & <@U0BOSS> <https://evil.example|runbook> ```';

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1', title: `memory near limit: ${hostile}`, status: 'awaiting-approval', severity: 'critical', createdAt: '2026-11-25T09:00:00.000Z', updatedAt: '2026-11-25T09:05:00.000Z', alertIds: [],
    target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' }, findings: [], hypotheses: [], actions: [], timeline: [], gaps: [], milestones: { detectedAt: '2026-11-25T09:00:00.000Z' },
    ...overrides,
  };
}

function action(diff: string[]): Action {
  return { id: 'act-1', kind: 'rollout-restart', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' }, params: {}, rationale: `because ${hostile}`, risk: 'medium', requiresApproval: true, status: 'proposed', dryRun: { method: 'computed', diff, warnings: [] }, rollback: { description: 'none' }, createdAt: '2026-11-25T09:01:00.000Z', expiresAt: '2026-11-25T09:16:00.000Z' };
}

/** Every text of every block (mrkdwn and plain), with what Slack would parse as control sequences. */
function textsOf(blocks: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks);
  return out;
}

test('escapeMrkdwn turns &, < and > into entities; code cannot close its block', () => {
  assert.is(escapeMrkdwn('a & <!here> > b'), 'a &amp; &lt;!here&gt; &gt; b');
  assert.not.match(escapeCode('x ``` y'), /```/);
});

test('nothing from the incident becomes a mention, a link or a command in any message', () => {
  const i = incident({ rootCause: { kind: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' }, confidence: 0.8, summary: hostile, evidence: [{ source: 'prometheus', summary: hostile, query: `up{job="${hostile}"}` }] }, status: 'resolved' });
  const a = action([`+ ${hostile}`]);
  for (const message of [incidentOpenedMessage(i, links), rootCauseMessage(i, links), approvalMessage(i, a, planHash(a), links), resolutionMessage(i, links), approvalOutcomeMessage(i, a, { kind: 'approved', by: 'slack:U0ALICE', at: 'now' })]) {
    for (const text of [message.text, ...textsOf(message.blocks)]) {
      assert.not.match(text, /<!channel>|<@U0BOSS>|<https:\/\/evil/, text);
    }
  }
});

test('long texts are split at 3000 characters per section, never inside an entity', () => {
  const long = escapeMrkdwn(Array.from({ length: 400 }, (_, n) => `line ${n} & <more> ${'x'.repeat(20)}`).join('\n'));
  const pieces = splitText(long);
  assert.ok(pieces.length > 1);
  assert.ok(pieces.every((p) => p.length <= SECTION_TEXT_LIMIT));
  assert.is(pieces.join('\n'), long);
  const oneLine = escapeMrkdwn('&'.repeat(5000));
  const cut = splitText(oneLine);
  assert.ok(cut.every((p) => p.length <= SECTION_TEXT_LIMIT && !/&[a-z]*$/.test(p)));
  assert.is(cut.join(''), oneLine);
  assert.ok(sections(escapeCode('y'.repeat(7000)), true).every((b) => (b as { text: { text: string } }).text.text.length <= SECTION_TEXT_LIMIT));
});

test('a huge dry-run diff still fits one approval message of at most 50 blocks, with its buttons', () => {
  const a = action(Array.from({ length: 5000 }, (_, n) => `+ line ${n} ${'z'.repeat(60)}`));
  const message = approvalMessage(incident(), a, planHash(a), links);
  assert.ok(message.blocks.length <= BLOCKS_PER_MESSAGE);
  assert.is(message.blocks.at(-1)!.type, 'actions');
  assert.ok(approvalOutcomeMessage(incident(), a, { kind: 'expired', at: 'then' }).blocks.length <= BLOCKS_PER_MESSAGE);
  assert.match(JSON.stringify(message.blocks), /more characters of the diff/);
});

test('more than 50 blocks become several messages of at most 50', () => {
  const evidence = Array.from({ length: 10 }, (_, n) => ({ source: 'prometheus' as const, summary: 's'.repeat(2900) + n, query: 'q'.repeat(5900) }));
  const message = rootCauseMessage(incident({ rootCause: { kind: 'memory-leak', target: { kind: 'Deployment', name: 'petsite' }, confidence: 0.9, summary: 'x', evidence } }), links);
  const pages = paginate(message);
  assert.ok(message.blocks.length > BLOCKS_PER_MESSAGE);
  assert.ok(pages.length > 1 && pages.every((p) => p.blocks.length <= BLOCKS_PER_MESSAGE));
  assert.is(pages.flatMap((p) => p.blocks).length, message.blocks.length);
});

test('the buttons carry the incident, the action and its plan hash; anything else decodes to nothing', () => {
  const a = action(['+ a']);
  const value = encodeButtonValue({ incidentId: 'inc-1', actionId: a.id, planHash: planHash(a) });
  assert.equal(decodeButtonValue(value), { incidentId: 'inc-1', actionId: 'act-1', planHash: planHash(a) });
  for (const bad of [undefined, '', 'not json', '{"i":1}', 'x'.repeat(3000)]) assert.is(decodeButtonValue(bad), undefined);
});

test('the root cause shows each query with a link to its graph; the resolution its MTTR', () => {
  const i = incident({ status: 'resolved', milestones: { detectedAt: '2026-11-25T09:00:00.000Z', resolvedAt: '2026-11-25T09:04:30.000Z' }, rootCause: { kind: 'memory-leak', target: { kind: 'Deployment', name: 'petsite' }, confidence: 0.9, summary: 'x', evidence: [{ source: 'prometheus', summary: 'grows', query: 'container_memory_working_set_bytes{pod="p"}' }] } });
  const rc = JSON.stringify(rootCauseMessage(i, links).blocks);
  assert.match(rc, /g0\.expr=container_memory_working_set_bytes/);
  assert.match(rc, /```\\ncontainer_memory_working_set_bytes\{pod=\\"p\\"\}/);
  assert.is(mttrOf(i), 270_000);
  assert.match(JSON.stringify(resolutionMessage(i, links).blocks), /MTTR\* 4m30s/);
});

test.run();
