/**
 * One timeline merged from every source: the alerts and what each source observed (at the time it
 * happened, not when we fetched it), then the hypotheses and the root cause placed at the onset of the
 * cause they name. Entries at the same instant are ordered cause before effect (a rollout before the
 * crash it causes, memory pressure before the eviction), so reading down the timeline reads the story.
 */
import type { Alert, Finding, Hypothesis, InvestigationGap, RootCause, TimelineEntry } from '../../core/types.js';
import { causalRank, CONTEXT_KINDS } from './finding-kinds.js';

export interface TimelineInput {
  alerts: readonly Alert[];
  findings: readonly Finding[];
  hypotheses: readonly { hypothesis: Hypothesis; onset?: number }[];
  rootCause?: { rootCause: RootCause; onset?: number };
  gaps: readonly InvestigationGap[];
  /** When the analysis ran (gaps are placed there). */
  now: number;
}

interface Ordered {
  entry: TimelineEntry;
  at: number;
  rank: number;
}

/** Entry types in the order they explain each other when they share a timestamp. */
const TYPE_RANK: Record<TimelineEntry['type'], number> = {
  'root-cause': 0,
  hypothesis: 1,
  finding: 2,
  observation: 3,
  action: 4,
  approval: 5,
  remediation: 6,
  verification: 7,
  notification: 8,
  gap: 9,
};

export function mergeTimeline(input: TimelineInput): TimelineEntry[] {
  const out: Ordered[] = [];
  const push = (at: number, rank: number, entry: Omit<TimelineEntry, 'at'>) => {
    if (!Number.isFinite(at)) return;
    out.push({ at, rank, entry: { at: new Date(at).toISOString(), ...entry } });
  };
  for (const f of input.findings) {
    if (CONTEXT_KINDS.has(f.kind)) continue;
    push(Date.parse(f.observedAt), TYPE_RANK.finding * 10 + causalRank(f.kind), { type: 'finding', source: f.source, summary: f.summary, refs: [f.id] });
  }
  for (const a of input.alerts) {
    push(Date.parse(a.startsAt), TYPE_RANK.observation * 10 + 9, { type: 'observation', source: 'alert', summary: `alert ${a.name} ${a.status}: ${a.summary}`, refs: [a.id] });
  }
  for (const { hypothesis, onset } of input.hypotheses) {
    push(onset ?? input.now, TYPE_RANK.hypothesis * 10, {
      type: 'hypothesis',
      source: 'agent',
      summary: `hypothesis (${Math.round(hypothesis.confidence * 100)}%): ${hypothesis.summary}`,
      refs: [hypothesis.id, ...hypothesis.supportingFindings],
    });
  }
  if (input.rootCause) {
    const { rootCause, onset } = input.rootCause;
    push(onset ?? input.now, TYPE_RANK['root-cause'] * 10, {
      type: 'root-cause',
      source: 'agent',
      summary: `root cause (${Math.round(rootCause.confidence * 100)}%): ${rootCause.summary}`,
      refs: rootCause.evidence.map((e) => e.findingId).filter((id): id is string => Boolean(id)),
    });
  }
  for (const g of input.gaps) push(input.now, TYPE_RANK.gap * 10, { type: 'gap', source: g.source, summary: `not reached: ${g.source} (${g.reason}); ${g.impact}` });
  return out.sort((a, b) => a.at - b.at || a.rank - b.rank).map((o) => o.entry);
}
