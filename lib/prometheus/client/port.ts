/**
 * The metrics backend port: the Prometheus HTTP API (v1) as the MCP tools see it, whether a local
 * Prometheus or Amazon Managed Service for Prometheus (AMP) answers. Result shapes are the API's JSON
 * as documented at https://prometheus.io/docs/prometheus/latest/querying/api/, so recorded answers
 * replay unchanged and the formatting code can be tested against them.
 *
 * Every method resolves with the `status: "success"` envelope (warnings and infos included, never
 * dropped) and rejects with a `BackendError` (see errors.ts) whose `kind` and `hint` say what to do.
 */

/** A series' labels, `__name__` included. */
export type Labels = Record<string, string>;

/** `[unix seconds, "value"]`: Prometheus sends sample values as strings ("NaN", "+Inf" included). */
export type SamplePair = [timestamp: number, value: string];

/** Native histogram bucket: `[boundaryRule, left, right, count]` (boundaryRule 0..3 says which ends are open). */
export type NativeHistogramBucket = [boundaryRule: number, left: string, right: string, count: string];

export interface NativeHistogram {
  count: string;
  sum: string;
  buckets?: NativeHistogramBucket[];
}

export type HistogramPair = [timestamp: number, histogram: NativeHistogram];

/** One element of an instant vector: a float sample (`value`) or a native histogram (`histogram`). */
export interface InstantSample {
  metric: Labels;
  value?: SamplePair;
  histogram?: HistogramPair;
}

/** One series of a range vector. */
export interface RangeSeries {
  metric: Labels;
  values?: SamplePair[];
  histograms?: HistogramPair[];
}

export interface VectorData {
  resultType: 'vector';
  result: InstantSample[];
}

export interface MatrixData {
  resultType: 'matrix';
  result: RangeSeries[];
}

export interface ScalarData {
  resultType: 'scalar';
  result: SamplePair;
}

export interface StringData {
  resultType: 'string';
  result: SamplePair;
}

/** What an instant query yields: usually a vector; a matrix for a range selector such as `up[5m]`. */
export type QueryData = VectorData | MatrixData | ScalarData | StringData;

/** The API's success envelope. Warnings (e.g. "results truncated") must reach the user. */
export interface ApiSuccess<T> {
  status: 'success';
  data: T;
  warnings?: string[];
  infos?: string[];
}

/** The API's error envelope, as Prometheus (and AMP, for PromQL errors) sends it. */
export interface ApiFailure {
  status: 'error';
  errorType: string;
  error: string;
  data?: unknown;
  warnings?: string[];
  infos?: string[];
}

export interface MetricMetadata {
  type: 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';
  help: string;
  unit: string;
}

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface ActiveTarget {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: TargetHealth;
  scrapeInterval: string;
  scrapeTimeout: string;
}

export interface DroppedTarget {
  discoveredLabels: Labels;
}

export interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets: DroppedTarget[];
}

export type AlertState = 'inactive' | 'pending' | 'firing';

/** An alert as Prometheus' rule evaluator holds it (not the kit's domain `Alert`). */
export interface PrometheusAlert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  activeAt?: string;
  value: string;
  keepFiringSince?: string;
}

interface RuleCommon {
  name: string;
  query: string;
  labels?: Labels;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface AlertingRule extends RuleCommon {
  type: 'alerting';
  duration: number;
  keepFiringFor?: number;
  annotations: Labels;
  alerts: PrometheusAlert[];
  state: AlertState;
}

export interface RecordingRule extends RuleCommon {
  type: 'recording';
}

export interface RuleGroup {
  name: string;
  file: string;
  rules: (AlertingRule | RecordingRule)[];
  interval: number;
  limit?: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface RulesData {
  groups: RuleGroup[];
}

export interface AlertsData {
  alerts: PrometheusAlert[];
}

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

/**
 * A point in time as the API takes it: a `Date`, an RFC 3339 string, or Unix **seconds** (the unit of
 * the timestamps in results). Milliseconds are refused rather than silently read as a far future.
 */
export type PromTime = Date | number | string;

/** A step: seconds, or a Prometheus duration such as "30s" or "5m". */
export type PromStep = number | string;

export interface CallOptions {
  /** Aborts the request and any pending retry (the MCP server passes the client's cancellation here). */
  signal?: AbortSignal;
}

export interface QueryOptions extends CallOptions {
  /** Evaluation time; the server's "now" when absent. */
  time?: PromTime;
  /** Evaluation timeout in milliseconds, sent to the server; it also bounds each attempt on our side. */
  timeout?: number;
}

export interface QueryRangeOptions extends CallOptions {
  start: PromTime;
  end: PromTime;
  step: PromStep;
  /** Evaluation timeout in milliseconds (see QueryOptions.timeout). */
  timeout?: number;
}

export interface SeriesOptions extends CallOptions {
  start?: PromTime;
  end?: PromTime;
  /** Most series to return (also enforced here, for servers older than Prometheus 2.51). */
  limit?: number;
}

export interface LabelNamesOptions extends CallOptions {
  /** Series selectors restricting which series' labels count, e.g. `['up{job="api"}']`. */
  match?: string[];
  start?: PromTime;
  end?: PromTime;
  limit?: number;
}

export type LabelValuesOptions = LabelNamesOptions;

export interface MetadataOptions extends CallOptions {
  /** One metric name; all metrics when absent. */
  metric?: string;
  /** Most metrics to return. */
  limit?: number;
}

export interface TargetsOptions extends CallOptions {
  state?: 'active' | 'dropped' | 'any';
}

export interface RulesOptions extends CallOptions {
  type?: 'alert' | 'record';
}

export type BackendKind = 'prometheus' | 'amp';

/** Where queries go, for get_server_info and for messages. Never carries credentials. */
export interface BackendDescription {
  kind: BackendKind;
  /** Base URL of the API (the part before `api/v1/`). */
  url: string;
  region?: string;
  workspaceId?: string;
  workspaceAlias?: string;
}

export interface MetricsBackend {
  /** Instant query (POST, form-encoded, so long expressions fit). */
  query(promql: string, options?: QueryOptions): Promise<ApiSuccess<QueryData>>;
  /** Range query (POST, form-encoded). */
  queryRange(promql: string, options: QueryRangeOptions): Promise<ApiSuccess<MatrixData>>;
  /** Series matching at least one of the selectors. */
  series(matchers: string[], options?: SeriesOptions): Promise<ApiSuccess<Labels[]>>;
  labelNames(options?: LabelNamesOptions): Promise<ApiSuccess<string[]>>;
  labelValues(label: string, options?: LabelValuesOptions): Promise<ApiSuccess<string[]>>;
  /** Metric name -> metadata entries (several when targets disagree). */
  metadata(options?: MetadataOptions): Promise<ApiSuccess<Record<string, MetricMetadata[]>>>;
  /** Scrape targets. AMP: rejects with kind 'not_supported'. */
  targets(options?: TargetsOptions): Promise<ApiSuccess<TargetsData>>;
  rules(options?: RulesOptions): Promise<ApiSuccess<RulesData>>;
  alerts(options?: CallOptions): Promise<ApiSuccess<AlertsData>>;
  /** Server version, for get_server_info. AMP: rejects with kind 'not_supported' (use describe()). */
  buildInfo(options?: CallOptions): Promise<ApiSuccess<BuildInfo>>;
  describe(): BackendDescription;
}
