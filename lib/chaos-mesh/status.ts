/**
 * The status Chaos Mesh 2.x writes on an experiment (conditions Selected, AllInjected, AllRecovered,
 * Paused, and a record per injected target), as the simulation writes it and the runner reads it.
 */
export type ChaosCondition = 'Selected' | 'AllInjected' | 'AllRecovered' | 'Paused';

export interface ChaosStatus {
  conditions?: { type: string; status: 'True' | 'False'; reason?: string }[];
  experiment?: {
    desiredPhase?: 'Run' | 'Stop';
    containerRecords?: {
      id: string;
      selectorKey: string;
      phase: 'Injected' | 'NotInjected';
      injectedCount: number;
      recoveredCount: number;
      events?: { type: string; operation: string; timestamp: string; message?: string }[];
    }[];
  };
}

/** The four conditions, in Chaos Mesh's order. */
export function chaosConditions(state: { selected: boolean; injected: boolean; recovered: boolean; paused: boolean }): NonNullable<ChaosStatus['conditions']> {
  const s = (b: boolean) => (b ? 'True' : 'False') as 'True' | 'False';
  return [
    { type: 'Selected', status: s(state.selected) },
    { type: 'AllInjected', status: s(state.injected) },
    { type: 'AllRecovered', status: s(state.recovered) },
    { type: 'Paused', status: s(state.paused) },
  ];
}

/** AllRecovered is True: the fault no longer acts (its duration ran out, or it was paused). */
export function isRecovered(status: { conditions?: { type?: string; status?: string }[] } | undefined): boolean {
  return (status?.conditions ?? []).some((c) => c.type === 'AllRecovered' && c.status === 'True');
}
