/**
 * What happened during a run, in order, with real timestamps: the runner's own observations (fault
 * injected, alert firing, symptom gone) and the agent's (incident opened, root cause, approvals,
 * actions). Written as timeline.json and drawn in the reports.
 */
export type RunPhase = 'preflight' | 'baseline' | 'inject' | 'detect' | 'investigate' | 'approve' | 'remediate' | 'verify' | 'cleanup' | 'manual';

export interface RunEvent {
  at: string;
  phase: RunPhase;
  /** Who observed or did it. */
  source: 'runner' | 'agent' | 'prometheus' | 'presenter' | 'cloudwatch';
  summary: string;
  data?: Record<string, unknown>;
}

export class RunTimeline {
  readonly events: RunEvent[] = [];
  constructor(private readonly now: () => number) {}

  add(phase: RunPhase, source: RunEvent['source'], summary: string, options: { at?: string; data?: Record<string, unknown> } = {}): RunEvent {
    const event: RunEvent = { at: options.at ?? new Date(this.now()).toISOString(), phase, source, summary, ...(options.data ? { data: options.data } : {}) };
    this.events.push(event);
    return event;
  }

  /** Events sorted by time (agent events arrive late but carry their own timestamps). */
  sorted(): RunEvent[] {
    return [...this.events].sort((a, b) => a.at.localeCompare(b.at));
  }
}
