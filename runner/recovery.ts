/**
 * The runner's own view of the symptom, independent of the agent: which of the scenario's alerts fire
 * for its target, and which of its "unhealthy when" PromQL checks return series. Used to find the
 * detection (an expected alert firing) and to verify recovery (nothing left, for N seconds in a row).
 */
import type { ScenarioSpec } from '../scenarios/catalog.js';
import type { FiringAlert, Metrics } from './ports.js';

export function matchesLabels(alert: FiringAlert, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => alert.labels[key] === value);
}

/** The first expected alert that fires for the scenario's target, if any. */
export async function firingDetectionAlert(spec: ScenarioSpec, metrics: Metrics): Promise<FiringAlert | undefined> {
  const alerts = await metrics.alerts();
  return alerts
    .filter((a) => a.state === 'firing' && spec.detection.alerts.includes(a.name) && matchesLabels(a, spec.detection.labels))
    .sort((a, b) => a.activeAt.localeCompare(b.activeAt))[0];
}

/** What still shows the symptom; empty when recovered. */
export async function remainingSymptoms(spec: ScenarioSpec, metrics: Metrics): Promise<string[]> {
  const left: string[] = [];
  const { alertsGone, unhealthyWhen } = spec.success.recovery;
  if (alertsGone.length) {
    const alerts = await metrics.alerts();
    for (const alert of alerts) {
      if (alert.state === 'firing' && alertsGone.includes(alert.name) && matchesLabels(alert, spec.detection.labels)) {
        left.push(`alert ${alert.name} fires${alert.labels.pod ? ` for ${alert.labels.pod}` : alert.labels.service ? ` for ${alert.labels.service}` : ''}`);
      }
    }
  }
  for (const check of unhealthyWhen) {
    const samples = await metrics.query(check.promql);
    if (samples.length) left.push(`${check.name}${samples[0]!.labels.deployment ? ` (${samples.map((s) => s.labels.deployment).join(', ')})` : ''}`);
  }
  return [...new Set(left)];
}
