/**
 * The healthy baseline: the scenario's baseline queries before the fault (and again after the fix), and
 * a snapshot of what the run may change, so cleanup can put it back.
 */
import type { Metrics } from '../ports.js';
import { snapshotTarget } from '../preflight.js';
import type { BaselineValue } from '../run-record.js';
import type { Phase } from './context.js';

export const baseline: Phase = {
  name: 'baseline',
  headline: () => 'measuring the healthy baseline',
  async run(run) {
    const { cluster, metrics } = run.target;
    run.record.baseline = await measure(metrics, run.spec.baseline);
    run.snapshot = await snapshotTarget(cluster);
    run.timeline.add('baseline', 'runner', `baseline: ${run.record.baseline.map((b) => `${b.name} ${formatValue(b.value)}`).join('; ')}`);
  },
};

/** Each check's first value (null when there is none, or it is not a finite number). */
export async function measure(metrics: Metrics, checks: { name: string; promql: string }[]): Promise<BaselineValue[]> {
  const values: BaselineValue[] = [];
  for (const check of checks) {
    const samples = await metrics.query(check.promql).catch(() => []);
    const value = samples.length ? samples[0]!.value : null;
    values.push({ name: check.name, promql: check.promql, value: value !== null && Number.isFinite(value) ? value : null });
  }
  return values;
}

export function formatValue(value: number | null): string {
  if (value === null) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(2);
}
