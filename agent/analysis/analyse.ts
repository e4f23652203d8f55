/**
 * The investigation's conclusion from its facts: candidate causes scored from the findings of every
 * source, ranked with calibrated confidence, the best one as the report's `rootCause` (or `unknown`
 * when none is convincing), with its evidence, the correlation across sources, the merged timeline and
 * the gaps. Pure and synchronous: the replay cases run it offline in milliseconds.
 */
import type { Alert, Evidence, EvidenceSource, Finding, Hypothesis, InvestigationGap, RootCause, TimelineEntry } from '../../core/types.js';
import { agentChangedTargets, describeMark, type ChangeMark } from './agent-changes.js';
import { alertFindings } from './alert-findings.js';
import { currentCalibration, rank, type Calibration } from './confidence.js';
import { correlate, evidenceSources, type Correlation } from './correlate.js';
import { scoreAll, type Candidate, type ScoreTerm } from './hypotheses.js';
import { signatureOf } from './signatures.js';
import { targetKey, targetsOfAlert, type TargetRef } from './targets.js';
import { mergeTimeline } from './timeline.js';
import { topologyOf } from './topology.js';

export interface AnalysisInput {
  alerts: readonly Alert[];
  findings: readonly Finding[];
  gaps: readonly InvestigationGap[];
  /** Epoch ms of the analysis. */
  now: number;
  calibration?: Calibration;
  /** How many ranked causes to keep (default 5). */
  keep?: number;
}

export interface RankedCause {
  kind: Candidate['kind'];
  target: TargetRef;
  confidence: number;
  score: number;
  summary: string;
  supporting: ScoreTerm[];
  contradicting: ScoreTerm[];
  relevance: Candidate['relevance'];
  onset?: string;
  trigger?: Candidate['trigger'];
  /** Only the alert supports it (no metric, cluster state, log or trace): the confidence it would have otherwise. */
  unconfirmed?: { uncapped: number };
}

export interface Analysis {
  rootCause: RootCause;
  /** Best first. */
  ranked: RankedCause[];
  /** Probability that none of the candidates is the cause. */
  none: number;
  /** Candidate explanations, apart from the facts (they reference findings by id). */
  hypotheses: Omit<Hypothesis, 'id'>[];
  /** The facts the conclusion rests on: recorded findings plus the alerts as facts. */
  facts: Finding[];
  correlations: Correlation[];
  timeline: TimelineEntry[];
  gaps: InvestigationGap[];
  /** Independent sources behind the root cause's evidence. */
  sources: EvidenceSource[];
  /** Problems seen that cannot explain this alert (another workload's resource trouble, an unconnected service). */
  otherProblems: { kind: Candidate['kind']; target: TargetRef; score: number; reason: string; summary: string }[];
  /** What the investigation must say about its own claims: causes only the alert supports, changes the agent made. */
  notes: string[];
}

export function analyse(input: AnalysisInput): Analysis {
  const calibration = input.calibration ?? currentCalibration();
  const facts = [...input.findings, ...alertFindings(input.alerts).filter((a) => !input.findings.some((f) => f.id === a.id))];
  const byId = new Map(facts.map((f) => [f.id, f]));
  const topology = topologyOf(facts);
  const all = scoreAll(facts, input.alerts, topology);
  const candidates = all.filter((c) => !c.relevance.unrelated);
  const { ranked, none } = rank(candidates, calibration, new Set(input.gaps.map((g) => g.source)).size);
  const otherProblems = all
    .filter((c) => c.relevance.unrelated && c.score >= 3)
    .map((c) => ({ kind: c.kind, target: c.target, score: c.score, reason: c.relevance.reason, summary: causeSummary(c, byId) }));
  const keep = ranked.slice(0, input.keep ?? 5);
  const rankedCauses: RankedCause[] = keep.map(({ candidate, confidence, unconfirmed }) => ({
    kind: candidate.kind,
    target: candidate.target,
    confidence: round(confidence),
    score: candidate.score,
    summary: `${causeSummary(candidate, byId)}${unconfirmed ? ` ${onlyTheAlert(candidate.kind, candidate.target)}` : ''}`,
    supporting: candidate.supporting,
    contradicting: candidate.contradicting,
    relevance: candidate.relevance,
    ...(candidate.onset !== undefined ? { onset: new Date(candidate.onset).toISOString() } : {}),
    ...(candidate.trigger ? { trigger: candidate.trigger } : {}),
    ...(unconfirmed ? { unconfirmed: { uncapped: round(unconfirmed.uncapped) } } : {}),
  }));
  const hypotheses = rankedCauses.map((c) => ({
    kind: c.kind,
    target: { kind: c.target.kind, ...(c.target.namespace ? { namespace: c.target.namespace } : {}), name: c.target.name },
    confidence: c.confidence,
    summary: c.summary,
    supportingFindings: c.supporting.flatMap((t) => t.findingIds),
    contradictingFindings: c.contradicting.flatMap((t) => t.findingIds),
  }));

  const best = rankedCauses[0];
  const notes = notesOf(rankedCauses, facts, calibration.minConfidence);
  const rootCause = best && best.confidence >= calibration.minConfidence ? conclusion(best, byId, input.gaps, notes) : unknownCause(input, rankedCauses, none, byId, notes);
  const correlations = correlate(facts);
  const sources = evidenceSources(rootCause.evidence.map((e) => e.source));
  const timeline = mergeTimeline({
    alerts: input.alerts,
    findings: facts.filter((f) => f.source !== 'alert'),
    hypotheses: hypotheses.map((h, i) => ({ hypothesis: { id: `hypothesis-${i + 1}`, ...h }, ...(rankedCauses[i]!.onset ? { onset: Date.parse(rankedCauses[i]!.onset!) } : {}) })),
    rootCause: { rootCause, ...(best?.onset && rootCause.kind !== 'unknown' ? { onset: Date.parse(best.onset) } : {}) },
    gaps: input.gaps,
    now: input.now,
  });
  return { rootCause, ranked: rankedCauses, none: round(none), hypotheses, facts, correlations, timeline, gaps: [...input.gaps], sources, otherProblems, notes };
}

function onlyTheAlert(kind: string, target: TargetRef): string {
  return `Only the alert claims ${kind} in ${describeTarget(target)}: no metric, cluster state, log or trace confirms it.`;
}

/**
 * Said in the conclusion whatever it is: causes that would have been acted on if the alert's word were
 * taken (only the alert claims them), and the agent's own changes, which are never taken as a cause.
 */
function notesOf(ranked: readonly RankedCause[], facts: readonly Finding[], minConfidence: number): string[] {
  const notes: string[] = [];
  for (const c of ranked) if (c.unconfirmed && c.unconfirmed.uncapped >= minConfidence) notes.push(`${onlyTheAlert(c.kind, c.target)} It would be ${Math.round(c.unconfirmed.uncapped * 100)}% on the alert's word; it stays below the action threshold.`);
  for (const change of agentChangedTargets(facts).values()) notes.push(`The latest rollout of ${change.subject ? `${change.subject.namespace}/${change.subject.name}` : 'a deployment'} is the agent's own change (${describeMark(change.data?.changedBy as ChangeMark)}): never taken as the cause.`);
  return notes;
}

function describeTarget(t: TargetRef): string {
  return t.kind === 'Node' ? `node ${t.name}` : `deployment ${t.namespace}/${t.name}`;
}

function causeSummary(c: Candidate, byId: Map<string, Finding>): string {
  const meaning = signatureOf.get(c.kind)?.meaning ?? c.kind;
  const top = c.supporting.slice(0, 3).map((t) => `${t.kind} (${t.sources.join(', ')})`);
  const trigger = c.trigger ? `; began after rollout${c.trigger.revision ? ` revision ${c.trigger.revision}` : ''}${c.trigger.changes.length ? ` (${c.trigger.changes.slice(0, 2).join('; ')})` : ''}` : '';
  const example = byId.get(c.supporting[0]?.findingIds[0] ?? '')?.summary;
  return `${c.kind} in ${describeTarget(c.target)}: ${meaning}. Evidence: ${top.join(', ')}${trigger}.${example ? ` E.g. ${example}` : ''}`;
}

/** The evidence list of a root cause: the strongest terms first, one finding per source for each. */
function evidenceOf(terms: ScoreTerm[], byId: Map<string, Finding>, max = 15): Evidence[] {
  const out: Evidence[] = [];
  for (const term of terms) {
    const seen = new Set<string>();
    for (const id of term.findingIds) {
      const f = byId.get(id);
      if (!f || seen.has(f.source)) continue;
      seen.add(f.source);
      out.push({ source: f.source, summary: f.summary, findingId: f.id, ...(f.query ? { query: f.query } : {}), at: f.observedAt });
      if (out.length >= max) return out;
    }
  }
  return out;
}

function gapNote(gaps: readonly InvestigationGap[]): string {
  if (!gaps.length) return '';
  return ` Not reached: ${[...new Set(gaps.map((g) => g.source))].join(', ')} (confidence is lower for it).`;
}

function conclusion(best: RankedCause, byId: Map<string, Finding>, gaps: readonly InvestigationGap[], notes: readonly string[]): RootCause {
  const evidence = evidenceOf(best.supporting, byId);
  const sources = evidenceSources(evidence.map((e) => e.source));
  const since = best.onset ? ` Began around ${best.onset.replace('.000Z', 'Z')}.` : '';
  return {
    kind: best.kind,
    target: { kind: best.target.kind, ...(best.target.namespace ? { namespace: best.target.namespace } : {}), name: best.target.name },
    confidence: best.confidence,
    summary: `${best.summary} Corroborated by ${sources.length} source${sources.length === 1 ? '' : 's'} (${sources.join(', ')}).${since}${gapNote(gaps)}${notes.length ? ` ${notes.join(' ')}` : ''}`,
    evidence,
  };
}

function unknownCause(input: AnalysisInput, ranked: RankedCause[], none: number, byId: Map<string, Finding>, notes: readonly string[]): RootCause {
  const alertTarget = input.alerts.flatMap(targetsOfAlert)[0];
  const target = alertTarget ?? { kind: 'Deployment' as const, namespace: input.alerts[0]?.labels.namespace, name: input.alerts[0]?.labels.service ?? 'unknown' };
  const best = ranked[0];
  const lead = best ? ` The strongest candidate, ${best.kind} in ${describeTarget(best.target)}, has only ${Math.round(best.confidence * 100)}% confidence.` : ' No finding points at a cause.';
  const symptoms = input.findings.filter((f) => byId.has(f.id) && f.severity !== 'info').slice(0, 10);
  return {
    kind: 'unknown',
    target: { kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
    confidence: round(none),
    summary: `No root cause is supported well enough to act on.${lead}${notes.length ? ` ${notes.join(' ')}` : ''}${gapNote(input.gaps)} Investigate ${describeTarget(target)} by hand.`,
    evidence: symptoms.map((f) => ({ source: f.source, summary: f.summary, findingId: f.id, ...(f.query ? { query: f.query } : {}), at: f.observedAt })),
  };
}

/** The key of a root cause's target, to compare conclusions with expectations. */
export function rootCauseKey(rc: Pick<RootCause, 'kind' | 'target'>): string {
  return `${rc.kind}:${targetKey({ kind: rc.target.kind === 'Node' ? 'Node' : 'Deployment', namespace: rc.target.namespace, name: rc.target.name })}`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
