/**
 * Candidate root causes, scored. For each kind's signature and each target that has cause-level
 * evidence of it, the score is the sum, over finding kinds, of the kind's weight corroborated by the
 * number of sources that saw it, minus the contradicting evidence, plus how the target relates to the
 * alert and whether a rollout came before the symptoms. Facts stay as they are: a candidate only
 * holds references to the findings that support or contradict it.
 */
import type { Alert, EvidenceSource, Finding } from '../../core/types.js';
import { CONTEXT_KINDS, CORROBORATING_KINDS, EVENT_KINDS, FindingKind, SYMPTOM_KINDS } from './finding-kinds.js';
import { agentChangedTargets, describeMark, type ChangeMark } from './agent-changes.js';
import { ALERT_SOURCE_FACTOR, CAUSE_LEVEL, corroborated, signatures, type Signature } from './signatures.js';
import { targetKey, targetsOfFinding, type TargetRef } from './targets.js';
import { downstreamOf, relevance, type Relevance, type Topology } from './topology.js';

/** One line of a candidate's score: which evidence, from which sources, worth how much. */
export interface ScoreTerm {
  kind: string;
  weight: number;
  sources: EvidenceSource[];
  findingIds: string[];
  contribution: number;
  note?: string;
}

export interface Candidate {
  kind: Signature['kind'];
  target: TargetRef;
  score: number;
  supporting: ScoreTerm[];
  contradicting: ScoreTerm[];
  relevance: Relevance;
  /** Earliest cause-level evidence (epoch ms): when the cause began, as far as we saw. */
  onset?: number;
  /** The rollout this cause followed, if any. */
  trigger?: { revision?: number; at: number; changes: string[] };
}

/** A rollout explains symptoms that start soon after it; its weight fades over the half hour after. */
const ROLLOUT_FULL_MS = 10 * 60_000;
const ROLLOUT_DECAY_MS = 30 * 60_000;
const ROLLOUT_TOLERANCE_MS = 2 * 60_000;

interface Evidence {
  finding: Finding;
  /** Weight factor: 1 for a current fact about the target; less for a past state or a caller's symptom. */
  factor: number;
  /** About the target itself (not a symptom seen at one of its callers). */
  direct: boolean;
}

/**
 * Findings by target key, symptoms spread to the services their target calls. A rollout of a target
 * whose latest rollout is the agent's own change is not evidence: it is that change (seen by another
 * source) or one the agent's change superseded.
 */
function evidenceByTarget(findings: readonly Finding[], topology: Topology, agentChanged: ReadonlyMap<string, Finding>): Map<string, { target: TargetRef; items: Evidence[] }> {
  const byTarget = new Map<string, { target: TargetRef; items: Evidence[] }>();
  const add = (target: TargetRef, finding: Finding, factor: number, direct = true) => {
    const key = targetKey(target);
    if (finding.kind === FindingKind.recentRollout && agentChanged.has(key)) return;
    if (!byTarget.has(key)) byTarget.set(key, { target, items: [] });
    byTarget.get(key)!.items.push({ finding, factor, direct });
  };
  for (const f of findings) {
    if (CONTEXT_KINDS.has(f.kind)) continue;
    // A state that has already ended (memory back under the limit) is half the evidence of a current one.
    const past = f.data?.ongoing === false && !EVENT_KINDS.has(f.kind) ? 0.5 : 1;
    for (const t of targetsOfFinding(f)) {
      add(t, f, past);
      if (SYMPTOM_KINDS.has(f.kind) && t.kind === 'Deployment') {
        for (const callee of downstreamOf(topology, t.name)) add({ kind: 'Deployment', namespace: t.namespace, name: callee }, f, 0.5 * past, false);
      }
    }
  }
  return byTarget;
}

function terms(items: Evidence[], weights: Record<string, number>, onsetOfOthers: number | undefined): ScoreTerm[] {
  const groups = new Map<string, { weight: number; sources: Set<EvidenceSource>; alert: boolean; findings: Finding[]; factor: number }>();
  for (const { finding, factor } of items) {
    const weight = weights[finding.kind];
    if (weight === undefined || weight === 0) continue;
    const g = groups.get(finding.kind) ?? { weight, sources: new Set(), alert: false, findings: [], factor: 0 };
    if (finding.source === 'alert') g.alert = true;
    else g.sources.add(finding.source);
    g.findings.push(finding);
    g.factor = Math.max(g.factor, factor);
    groups.set(finding.kind, g);
  }
  const out: ScoreTerm[] = [];
  for (const [kind, g] of groups) {
    let weight = g.weight * g.factor;
    let note: string | undefined;
    if (kind === FindingKind.recentRollout) {
      const at = Math.min(...g.findings.map((f) => Date.parse(f.observedAt)));
      const gap = onsetOfOthers === undefined ? 0 : onsetOfOthers - at;
      if (gap < -ROLLOUT_TOLERANCE_MS) {
        weight = -Math.abs(weight);
        note = 'the rollout came after the problem began';
      } else if (gap > ROLLOUT_FULL_MS) {
        weight *= Math.exp(-(gap - ROLLOUT_FULL_MS) / ROLLOUT_DECAY_MS);
        note = `the rollout came ${Math.round(gap / 60_000)} min before the problem`;
      }
    }
    const contribution = corroborated(weight, g.sources.size) + (g.alert ? weight * ALERT_SOURCE_FACTOR : 0);
    out.push({ kind, weight: round(weight), sources: [...g.sources, ...(g.alert ? ['alert' as const] : [])], findingIds: g.findings.map((f) => f.id), contribution: round(contribution), ...(note ? { note } : {}) });
  }
  return out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
}

/** Candidates that can explain the alert (ranked); those that cannot are returned apart by scoreAll. */
export function scoreCandidates(findings: readonly Finding[], alerts: readonly Alert[], topology: Topology): Candidate[] {
  return scoreAll(findings, alerts, topology).filter((c) => !c.relevance.unrelated);
}

export function scoreAll(findings: readonly Finding[], alerts: readonly Alert[], topology: Topology): Candidate[] {
  const agentChanged = agentChangedTargets(findings);
  const byTarget = evidenceByTarget(findings, topology, agentChanged);
  const candidates: Candidate[] = [];
  for (const signature of signatures) {
    for (const { target, items } of byTarget.values()) {
      if (target.kind !== signature.target) continue;
      const direct = items.filter((i) => i.direct && i.finding.kind !== FindingKind.recentRollout && !CORROBORATING_KINDS.has(i.finding.kind));
      const causeLevel = items.filter((i) => i.direct && (signature.supports[i.finding.kind] ?? 0) >= CAUSE_LEVEL && !CORROBORATING_KINDS.has(i.finding.kind));
      if (causeLevel.length === 0) continue;
      const onsetOfOthers = direct.length ? Math.min(...direct.map((i) => Date.parse(i.finding.observedAt))) : undefined;
      const supporting = terms(items, signature.supports, onsetOfOthers);
      const contradicting = terms(items, Object.fromEntries(Object.entries(signature.contradicts).map(([k, w]) => [k, -w])), undefined);
      // A rollout that came after the problem speaks against it: move it to the other side.
      const late = supporting.filter((t) => t.contribution < 0);
      const own = signature.kind === 'bad-deployment' ? agentChanged.get(targetKey(target)) : undefined;
      const ownMark = own?.data?.changedBy as ChangeMark | undefined;
      // "The latest rollout cannot run" would name the agent's own change as the cause: never ranked.
      const rel = own
        ? { adjustment: 0, reason: `its latest rollout is the agent's own change (${ownMark ? describeMark(ownMark) : own.summary}): the agent never takes its own change as the cause`, unrelated: true }
        : relevance(target, alerts, topology);
      const score = [...supporting, ...contradicting].reduce((s, t) => s + t.contribution, 0) + rel.adjustment;
      const causeOnset = Math.min(...causeLevel.map((i) => Date.parse(i.finding.observedAt)));
      const rollout = items.find((i) => i.finding.kind === FindingKind.recentRollout && supporting.some((t) => t.kind === FindingKind.recentRollout && t.contribution > 0));
      const candidate: Candidate = {
        kind: signature.kind,
        target,
        score: round(score),
        supporting: supporting.filter((t) => t.contribution > 0),
        contradicting: [...contradicting, ...late],
        relevance: rel,
        ...(Number.isFinite(causeOnset) ? { onset: causeOnset } : {}),
      };
      if (rollout) {
        const data = rollout.finding.data ?? {};
        candidate.trigger = { at: Date.parse(rollout.finding.observedAt), changes: Array.isArray(data.changes) ? (data.changes as string[]) : [], ...(typeof data.revision === 'number' ? { revision: data.revision } : {}) };
      }
      candidates.push(candidate);
    }
  }
  return candidates.sort((a, b) => b.score - a.score);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
