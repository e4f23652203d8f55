/**
 * Replay cases (`test/cases/<name>/`): the alert, the evidence recorded from each source while the
 * investigation ran, and the root cause it must reach. A case replays offline through the same
 * playbook, steps and analysis as the live agent; new cases come from recording a scenario run
 * (record-case.ts).
 *
 *   case.yaml             name, description, tags, at, playbook, alerts, expected {kind, target}
 *   prometheus.json       recorded metrics calls (query, range, anomalies)
 *   kubernetes.json       recorded Kubernetes calls (pods, events, logs, rollouts, nodes...)
 *   traces.json           recorded X-Ray calls (summaries, service graph, segments)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { Alert } from '../../../core/types.js';
import { analyse, type Analysis } from '../../../agent/analysis/analyse.js';
import type { Calibration } from '../../../agent/analysis/confidence.js';
import type { EvidenceSources } from '../../../agent/ports.js';
import type { AnalyseOutput } from '../../../agent/steps/analyse.js';
import type { Expected } from './faults.js';
import { memoryContext, type MemoryContext } from './memory-context.js';
import { replaySources, type Ablation, type RecordedSources } from './recorded-evidence.js';
import { playbookFor, playbooks, runPlaybook } from './run-playbook.js';

export const CASES_DIR = fileURLToPath(new URL('../../cases/', import.meta.url));

export interface CaseFile {
  name: string;
  description: string;
  tags: string[];
  /** The investigation instant (ISO 8601). */
  at: string;
  playbook: string;
  alerts: Alert[];
  expected: Expected;
  recordedWith?: Record<string, unknown>;
}

export interface ReplayCase extends CaseFile {
  dir: string;
  calls: RecordedSources;
}

export function saveCase(dir: string, file: CaseFile, calls: RecordedSources): void {
  mkdirSync(dir, { recursive: true });
  const alerts = file.alerts.map(({ raw: _raw, ...a }) => a);
  writeFileSync(join(dir, 'case.yaml'), stringify({ ...file, alerts }, { lineWidth: 0 }));
  for (const source of ['prometheus', 'kubernetes', 'traces'] as const) writeFileSync(join(dir, `${source}.json`), JSON.stringify({ calls: calls[source] }, null, 1) + '\n');
}

export function loadCase(dir: string): ReplayCase {
  const file = parse(readFileSync(join(dir, 'case.yaml'), 'utf8')) as CaseFile;
  const read = (source: string) => (existsSync(join(dir, `${source}.json`)) ? (JSON.parse(readFileSync(join(dir, `${source}.json`), 'utf8')) as { calls: RecordedSources['prometheus'] }).calls : []);
  return { ...file, dir, calls: { prometheus: read('prometheus'), kubernetes: read('kubernetes'), traces: read('traces') } };
}

export function loadCases(root = CASES_DIR): ReplayCase[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'case.yaml')))
    .map((e) => loadCase(join(root, e.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs the case's playbook up to the analysis against the recorded evidence. */
export async function investigateCase(c: ReplayCase, options: { without?: readonly Ablation[]; evidence?: EvidenceSources } = {}): Promise<{ context: MemoryContext; analysis: AnalyseOutput }> {
  const at = Date.parse(c.at);
  const evidence = options.evidence ?? replaySources(c.calls, options.without);
  const playbook = playbooks().get(c.playbook) ?? playbookFor(c.alerts);
  const context = memoryContext({ alerts: c.alerts, evidence, now: () => at });
  const outputs = await runPlaybook(playbook, context, { until: 'analyse' });
  const analysis = outputs.analyse as AnalyseOutput;
  return { context, analysis };
}

/** The analysis alone over a finished investigation (how calibration re-scores without re-running steps). */
export function reanalyse(context: MemoryContext, calibration: Calibration): Analysis {
  return analyse({ alerts: context.alerts, findings: context.incident.findings.filter((f) => f.source !== 'alert'), gaps: context.incident.gaps, now: context.now(), calibration });
}

export function matchesExpected(rc: { kind: string; target: { kind: string; namespace?: string; name: string } }, expected: Expected): boolean {
  if (rc.kind !== expected.kind) return false;
  if (expected.kind === 'unknown') return true;
  return rc.target.kind === expected.target.kind && rc.target.name === expected.target.name && (expected.target.kind === 'Node' || rc.target.namespace === expected.target.namespace);
}
