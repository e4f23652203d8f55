/**
 * Anomaly detection for the Prometheus MCP server: streaming baselines, detectors (one interface, one
 * registry), the ensemble that scores each sample, the `detect` CLI and the `detect_anomalies` tool
 * handler. See README.md for the methods and their NAB benchmark score.
 */
export type { Sample, Severity, Sensitivity, AnomalyKind, SeriesContext, Unit, Verdict, AnomalyFinding, Detector, DetectorOptions, DetectorKind } from './types.js';
export { RunningStats, DecayingStats, RollingWindow, MAD_TO_STD, median, quantileSorted, medianAbsoluteDeviation } from './stats.js';
export { SeasonalProfile, SeriesHistory, Cadence, slotOf, type SeasonalPeriod, type SlotSummary } from './seasonal.js';
export { RollingRegression, type LineFit } from './trend.js';
export { TailCalibrator, type CalibrationOptions } from './calibration.js';
export { resolveSensitivity, alertSurprise, scoreOf, surpriseOf, sensitivityLevels, MEDIUM_ALERT_SURPRISE } from './sensitivity.js';
export { detectorKinds, detectorKind } from './detectors/registry.js';
export { Ensemble, scoreSeries, DEFAULT_REFRACTORY, type EnsembleOptions, type ScoredSample } from './ensemble.js';
export { anomaliesOf, type Anomaly } from './anomalies.js';
export { followUpQueries, selectorOf } from './promql.js';
export { parseTimestamp } from './timestamps.js';
export {
  detectAnomalies,
  MIN_SAMPLES_FOR_DETECTION,
  type RangeSeries,
  type DetectAnomaliesOptions,
  type DetectAnomaliesResult,
  type SeriesReport,
  type AnomalyReport,
} from './detect-anomalies.js';
