/**
 * The reports of one run: report.json has exactly DESIGN.md's shape, report.md and report.html carry
 * the numbers, and the HTML opens offline in a real browser (headless Chromium through playwright-core,
 * where Debian's chromium is installed) with its charts drawn and nothing fetched from the network.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT_CAUSE_KINDS } from '../../core/types.js';
import { sampleRecord } from '../../test/support/runner/sample-record.js';
import { buildReport } from './build.js';
import { writeRunReports } from './render.js';

const designKeys = ['scenario', 'target', 'params', 'startedAt', 'injectedAt', 'detectedAt', 'investigationStartedAt', 'rootCauseAt', 'remediationApprovedAt', 'resolvedAt', 'phases', 'mttr', 'rootCause', 'remediation', 'outcome'];

test('report.json has exactly the keys of DESIGN.md, phases that add up, and a DESIGN root-cause kind', () => {
  const { report } = buildReport(sampleRecord());
  assert.equal(Object.keys(report), designKeys);
  assert.equal(Object.keys(report.phases), ['detect', 'investigate', 'approve', 'remediate', 'verify']);
  assert.equal(Object.keys(report.mttr), ['agentSeconds', 'manualBaselineSeconds', 'reductionPct', 'manualModel']);
  assert.equal(Object.keys(report.rootCause!), ['kind', 'target', 'confidence', 'summary', 'evidence']);
  assert.equal(Object.keys(report.remediation!), ['action', 'target', 'dryRun', 'approvedBy', 'result', 'rollback']);
  assert.ok(ROOT_CAUSE_KINDS.includes(report.rootCause!.kind));
  assert.equal(report.phases, { detect: 22, investigate: 1, approve: 1, remediate: 1, verify: 165 });
  assert.is(report.mttr.agentSeconds, 190);
  assert.ok(report.mttr.manualBaselineSeconds! > 500 && report.mttr.reductionPct! > 50, JSON.stringify(report.mttr));
});

test('remediation.approvedBy names the human who approved, though the policy\'s restart ran first', () => {
  const record = sampleRecord();
  const incident = record.incident!;
  const first = incident.actions[0]!;
  incident.actions.push({ ...first, id: 'act-2', kind: 'raise-limits', risk: 'medium', requiresApproval: true, executedAt: '2026-11-25T09:00:40.000Z', approval: { actionId: 'act-2', decision: 'approved', by: 'local:approver', at: '2026-11-25T09:00:39.000Z' } });
  const bundle = buildReport(record);
  assert.is(bundle.report.remediation!.action, 'rollout-restart', 'the first action that ran');
  assert.is(bundle.report.remediation!.approvedBy, 'local:approver');
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  assert.match(readFileSync(writeRunReports(dir, bundle).md, 'utf8'), /`rollout-restart` on Deployment `petlistadoptions`; remediation approved by local:approver: /);
});

test('the run directory: report.json, report.md, report.html, timeline.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const files = writeRunReports(dir, buildReport(sampleRecord()));
  for (const file of Object.values(files)) assert.ok(existsSync(file), file);
  const md = readFileSync(files.md, 'utf8');
  assert.match(md, /\| agent \(measured\) \| 190 \| 3 min 10 s \|/);
  assert.match(md, /\*\*memory-leak\*\* in Deployment `petadoptions\/petlistadoptions`/);
  const html = readFileSync(files.html, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.not.match(html, /<script[^>]*src=|<link[^>]*href=["']https?:|@import|url\(["']?https?:/, 'self-contained');
  assert.match(html, /<svg[^>]*class="chart line-chart"/);
  assert.match(html, /<svg[^>]*class="chart bar-chart"/);
  assert.is((html.match(/class="marker"/g) ?? []).length, 7, 'phase markers on the key metric');
  const timeline = JSON.parse(readFileSync(files.timeline, 'utf8')) as { milestones: Record<string, string | null>; events: unknown[] };
  assert.is(timeline.milestones.alertFiredAt, '2026-11-25T09:00:20.000Z');
  assert.is(timeline.events.length, 3);
});

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

test('report.html in headless Chromium: offline, charts drawn, the numbers visible', async () => {
  if (!chromium) {
    // CI installs chromium (.ci/run); there a missing browser is a failure, not a silent skip.
    assert.ok(!process.env.CI, 'no Debian chromium (apt-get install chromium); CI must have it');
    console.log('  (not run: no Debian chromium; apt-get install chromium)');
    return;
  }
  const { chromium: browserType } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  const files = writeRunReports(dir, buildReport(sampleRecord()));
  const browser = await browserType.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const external: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) external.push(request.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(files.html).href);
    assert.equal(external, [], 'no request leaves the machine');
    assert.equal(errors, []);
    assert.is(await page.textContent('#outcome'), 'resolved');
    assert.is(await page.textContent('#agent-mttr'), '3 min 10 s');
    const chartBox = await page.locator('#key-metric svg').boundingBox();
    assert.ok(chartBox && chartBox.width > 500 && chartBox.height > 150, `chart drawn ${JSON.stringify(chartBox)}`);
    assert.ok((await page.locator('#key-metric path.series').count()) >= 1);
    assert.ok((await page.locator('#comparison rect.bar').count()) >= 3, 'agent and persona bars');
    assert.ok((await page.locator('#evidence tr').count()) >= 3, 'evidence rows');
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
  } finally {
    await browser.close();
  }
});

test.run();
