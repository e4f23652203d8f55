/**
 * Highlighted anomalies of a range result: the anomaly module's detectors run over every series, and
 * the few most severe findings are kept for the answer (the full report is detect_anomalies' job).
 */
import { detectAnomalies, MIN_SAMPLES_FOR_DETECTION, type Sensitivity } from '../../lib/prometheus/anomaly/index.js';
import type { RangeSeries } from '../../lib/prometheus/client/index.js';
import { seriesName } from './labels.js';

export interface AnomalyHighlight {
  series: string;
  severity: string;
  kind: string;
  at: string;
  ongoing: boolean;
  explanation: string;
}

export interface AnomalyHighlights {
  found: number;
  highlights: AnomalyHighlight[];
  /** Why nothing could be judged, when that is the case ("too few samples"). */
  note?: string;
}

export function highlightAnomalies(query: string, series: readonly RangeSeries[], options: { sensitivity?: Sensitivity; max?: number } = {}): AnomalyHighlights {
  const usable = series.filter((s) => (s.values?.length ?? 0) >= MIN_SAMPLES_FOR_DETECTION);
  if (usable.length === 0) {
    return { found: 0, highlights: [], note: `anomaly detection needs at least ${MIN_SAMPLES_FOR_DETECTION} points per series; use detect_anomalies with a longer range or smaller step` };
  }
  const result = detectAnomalies(
    usable.map((s) => ({ metric: s.metric, values: s.values! })),
    { query, sensitivity: options.sensitivity ?? 'medium', maxAnomaliesPerSeries: 2 },
  );
  const highlights = result.series
    .flatMap((s) => s.anomalies.map((a) => ({ s, a })))
    .slice(0, options.max ?? 3)
    .map(({ s, a }) => ({ series: seriesName(s.metric, s.selector), severity: a.severity, kind: a.kind, at: a.peakAt, ongoing: a.ongoing, explanation: a.explanation }));
  return { found: result.anomalies, highlights };
}
