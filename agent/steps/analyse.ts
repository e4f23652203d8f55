/**
 * Step `analyse`: the conclusion. Runs the analysis (agent/analysis) over every fact the evidence
 * steps recorded, records the ranked hypotheses (apart from the facts, referencing them), puts the
 * hypotheses and the root cause on the timeline at the onset of the cause they name, and sets the
 * incident's root cause. Its output carries the correlation table and the merged timeline.
 */
import { z } from 'zod';
import { analyse, type Analysis } from '../analysis/analyse.js';
import { defineStep } from '../workflow/step.js';

const params = z.object({
  keep: z.number().int().positive().default(5).describe('How many ranked causes to keep as hypotheses'),
});

export type AnalyseOutput = Omit<Analysis, 'facts'> & { facts: number };

export const analyseStep = defineStep({
  kind: 'analyse',
  description: 'Correlates the findings of every source into ranked root causes with calibrated confidence, a merged timeline and the investigation gaps',
  params,
  async run(ctx, p): Promise<AnalyseOutput> {
    const analysis = analyse({ alerts: ctx.alerts, findings: ctx.incident.findings, gaps: ctx.incident.gaps, now: ctx.now(), keep: p.keep });
    // Recorded hypotheses and the root cause land on the timeline when they were reached (the recorders
    // do that); the cause itself is placed where it began, before the effects it explains.
    for (const h of analysis.hypotheses) ctx.hypothesis(h);
    ctx.setRootCause(analysis.rootCause);
    const onset = analysis.rootCause.kind !== 'unknown' ? analysis.ranked[0]?.onset : undefined;
    if (onset) {
      ctx.timeline({
        at: onset,
        type: 'root-cause',
        source: 'agent',
        summary: `cause began: ${analysis.rootCause.kind} in ${analysis.rootCause.target.kind} ${analysis.rootCause.target.namespace ? `${analysis.rootCause.target.namespace}/` : ''}${analysis.rootCause.target.name} (earliest evidence; identified at ${new Date(ctx.now()).toISOString()})`,
        refs: analysis.rootCause.evidence.map((e) => e.findingId).filter((id): id is string => Boolean(id)),
      });
    }
    // Said on the timeline too: what only the alert claims, and the agent's own changes.
    for (const note of analysis.notes) ctx.timeline({ type: 'hypothesis', source: 'agent', summary: note });
    ctx.log.info('root cause', { kind: analysis.rootCause.kind, target: analysis.rootCause.target, confidence: analysis.rootCause.confidence, sources: analysis.sources });
    const { facts, ...rest } = analysis;
    return { ...rest, facts: facts.length };
  },
});
