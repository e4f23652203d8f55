/**
 * Correlation across sources: the findings about each target, which sources they came from and over
 * what time. A root cause the metrics, the Kubernetes API, the logs and the traces agree on is worth
 * more than one seen by a single source; the report shows this table so the reader sees the agreement.
 */
import type { EvidenceSource, Finding } from '../../core/types.js';
import { CONTEXT_KINDS } from './finding-kinds.js';
import { targetKey, targetsOfFinding, type TargetRef } from './targets.js';

export interface Correlation {
  target: TargetRef;
  sources: EvidenceSource[];
  kinds: string[];
  findingIds: string[];
  from: string;
  to: string;
}

export function correlate(findings: readonly Finding[]): Correlation[] {
  const groups = new Map<string, { target: TargetRef; findings: Finding[] }>();
  for (const f of findings) {
    if (CONTEXT_KINDS.has(f.kind)) continue;
    for (const target of targetsOfFinding(f)) {
      const key = targetKey(target);
      if (!groups.has(key)) groups.set(key, { target, findings: [] });
      groups.get(key)!.findings.push(f);
    }
  }
  return [...groups.values()]
    .map(({ target, findings: fs }) => {
      const times = fs.map((f) => Date.parse(f.observedAt)).filter(Number.isFinite);
      return {
        target,
        sources: [...new Set(fs.map((f) => f.source))].sort(),
        kinds: [...new Set(fs.map((f) => f.kind))].sort(),
        findingIds: fs.map((f) => f.id),
        from: new Date(Math.min(...times)).toISOString(),
        to: new Date(Math.max(...times)).toISOString(),
      };
    })
    .sort((a, b) => b.sources.length - a.sources.length || b.findingIds.length - a.findingIds.length);
}

/** Sources that count as independent evidence (the alert is Prometheus re-evaluated). */
export function evidenceSources(sources: readonly EvidenceSource[]): EvidenceSource[] {
  return [...new Set(sources.filter((s) => s !== 'alert'))];
}
