/**
 * The MetricsBackend methods mapped onto Prometheus API endpoints, shared by the Prometheus and AMP
 * adapters (AMP serves the same API under its workspace URL). Arguments are checked here, before any
 * request, so a missing selector or a millisecond timestamp fails with a precise message.
 */
import type { ApiClient } from './api-client.js';
import { BadDataError } from './errors.js';
import type {
  AlertsData,
  ApiSuccess,
  BackendDescription,
  BuildInfo,
  CallOptions,
  LabelNamesOptions,
  LabelValuesOptions,
  Labels,
  MatrixData,
  MetadataOptions,
  MetricMetadata,
  MetricsBackend,
  PromTime,
  QueryData,
  QueryOptions,
  QueryRangeOptions,
  RulesData,
  RulesOptions,
  SeriesOptions,
  TargetsData,
  TargetsOptions,
} from './port.js';
import { formatStep, formatTime, formatTimeout, rfc3986, type Param } from './request.js';

/** Time granted beyond the server's evaluation timeout, so its clearer error arrives before ours. */
const evaluationGraceMs = 1_000;

const resultTypes = new Set(['vector', 'matrix', 'scalar', 'string']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQueryData(data: unknown): boolean {
  if (!isRecord(data) || typeof data.resultType !== 'string' || !resultTypes.has(data.resultType)) return false;
  if (data.resultType === 'scalar' || data.resultType === 'string') return Array.isArray(data.result) && data.result.length === 2;
  return Array.isArray(data.result);
}

const isMatrixData = (data: unknown) => isQueryData(data) && (data as QueryData).resultType === 'matrix';
const isArray = (data: unknown) => Array.isArray(data);
const isObject = (data: unknown) => isRecord(data);
const isTargetsData = (data: unknown) => isRecord(data) && Array.isArray(data.activeTargets ?? []) && Array.isArray(data.droppedTargets ?? []);
const isRulesData = (data: unknown) => isRecord(data) && Array.isArray(data.groups);
const isAlertsData = (data: unknown) => isRecord(data) && Array.isArray(data.alerts);
const isBuildInfo = (data: unknown) => isRecord(data) && typeof data.version === 'string';

function invalid(endpoint: string, message: string, hint: string): BadDataError {
  return new BadDataError({ message, hint, endpoint, attempts: 0 });
}

function requireExpression(promql: string, endpoint: string): string {
  if (typeof promql !== 'string' || promql.trim() === '') {
    throw invalid(endpoint, 'the query is empty', 'pass a PromQL expression, e.g. sum by (pod) (rate(container_cpu_usage_seconds_total[5m]))');
  }
  return promql;
}

function limitParam(limit: number | undefined, endpoint: string): Param[] {
  if (limit === undefined) return [];
  if (!Number.isInteger(limit) || limit <= 0) {
    throw invalid(endpoint, `invalid parameter "limit": must be a positive integer (got ${limit})`, 'pass a positive whole number as limit, or leave it out');
  }
  return [['limit', String(limit)]];
}

function rangeParams(options: { start?: PromTime; end?: PromTime }): Param[] {
  const params: Param[] = [];
  if (options.start !== undefined) params.push(['start', formatTime(options.start, 'start')]);
  if (options.end !== undefined) params.push(['end', formatTime(options.end, 'end')]);
  return params;
}

function matchParams(match: string[] | undefined): Param[] {
  return (match ?? []).map((selector) => ['match[]', selector] as const);
}

/**
 * Servers before Prometheus 2.51 ignore `limit` on series and label endpoints; enforce it here too,
 * and say so in a warning, since a silently cut list reads as "that is all there is".
 */
function truncated<T>(envelope: ApiSuccess<T[]>, limit: number | undefined): ApiSuccess<T[]> {
  if (limit === undefined || envelope.data.length <= limit) return envelope;
  const warning = `results truncated to ${limit} of ${envelope.data.length} (limit)`;
  return { ...envelope, data: envelope.data.slice(0, limit), warnings: [...(envelope.warnings ?? []), warning] };
}

export abstract class PrometheusApi implements MetricsBackend {
  protected constructor(protected readonly client: ApiClient) {}

  abstract describe(): BackendDescription;

  async query(promql: string, options: QueryOptions = {}): Promise<ApiSuccess<QueryData>> {
    const params: Param[] = [['query', requireExpression(promql, '/api/v1/query')]];
    if (options.time !== undefined) params.push(['time', formatTime(options.time, 'time')]);
    if (options.timeout !== undefined) params.push(['timeout', formatTimeout(options.timeout)]);
    return this.client.call<QueryData>(
      { path: 'query', method: 'POST', params, signal: options.signal, timeoutMs: clientTimeout(options.timeout) },
      isQueryData,
    );
  }

  async queryRange(promql: string, options: QueryRangeOptions): Promise<ApiSuccess<MatrixData>> {
    const params: Param[] = [
      ['query', requireExpression(promql, '/api/v1/query_range')],
      ['start', formatTime(options.start, 'start')],
      ['end', formatTime(options.end, 'end')],
      ['step', formatStep(options.step)],
    ];
    if (options.timeout !== undefined) params.push(['timeout', formatTimeout(options.timeout)]);
    return this.client.call<MatrixData>(
      { path: 'query_range', method: 'POST', params, signal: options.signal, timeoutMs: clientTimeout(options.timeout) },
      isMatrixData,
    );
  }

  async series(matchers: string[], options: SeriesOptions = {}): Promise<ApiSuccess<Labels[]>> {
    const endpoint = '/api/v1/series';
    if (!Array.isArray(matchers) || matchers.length === 0 || matchers.some((m) => typeof m !== 'string' || m.trim() === '')) {
      throw invalid(endpoint, 'series needs at least one non-empty series selector', 'pass selectors such as up or {namespace="petadoptions"}');
    }
    const params = [...matchParams(matchers), ...rangeParams(options), ...limitParam(options.limit, endpoint)];
    const envelope = await this.client.call<Labels[]>({ path: 'series', method: 'GET', params, signal: options.signal }, isArray);
    return truncated(envelope, options.limit);
  }

  async labelNames(options: LabelNamesOptions = {}): Promise<ApiSuccess<string[]>> {
    const params = [...matchParams(options.match), ...rangeParams(options), ...limitParam(options.limit, '/api/v1/labels')];
    const envelope = await this.client.call<string[]>({ path: 'labels', method: 'GET', params, signal: options.signal }, isArray);
    return truncated(envelope, options.limit);
  }

  async labelValues(label: string, options: LabelValuesOptions = {}): Promise<ApiSuccess<string[]>> {
    if (typeof label !== 'string' || label.trim() === '') {
      throw invalid('/api/v1/label/<name>/values', 'the label name is empty', 'pass a label name such as pod, namespace or __name__ (for metric names)');
    }
    const path = `label/${rfc3986(label)}/values`;
    const params = [...matchParams(options.match), ...rangeParams(options), ...limitParam(options.limit, `/api/v1/${path}`)];
    const envelope = await this.client.call<string[]>({ path, method: 'GET', params, signal: options.signal }, isArray);
    return truncated(envelope, options.limit);
  }

  async metadata(options: MetadataOptions = {}): Promise<ApiSuccess<Record<string, MetricMetadata[]>>> {
    const params: Param[] = [...limitParam(options.limit, '/api/v1/metadata')];
    if (options.metric !== undefined) params.push(['metric', options.metric]);
    return this.client.call({ path: 'metadata', method: 'GET', params, signal: options.signal }, isObject);
  }

  async targets(options: TargetsOptions = {}): Promise<ApiSuccess<TargetsData>> {
    const params: Param[] = options.state ? [['state', options.state]] : [];
    return this.client.call({ path: 'targets', method: 'GET', params, signal: options.signal }, isTargetsData);
  }

  async rules(options: RulesOptions = {}): Promise<ApiSuccess<RulesData>> {
    const params: Param[] = options.type ? [['type', options.type]] : [];
    return this.client.call({ path: 'rules', method: 'GET', params, signal: options.signal }, isRulesData);
  }

  async alerts(options: CallOptions = {}): Promise<ApiSuccess<AlertsData>> {
    return this.client.call({ path: 'alerts', method: 'GET', params: [], signal: options.signal }, isAlertsData);
  }

  async buildInfo(options: CallOptions = {}): Promise<ApiSuccess<BuildInfo>> {
    return this.client.call({ path: 'status/buildinfo', method: 'GET', params: [], signal: options.signal }, isBuildInfo);
  }
}

function clientTimeout(evaluationTimeoutMs: number | undefined): number | undefined {
  return evaluationTimeoutMs === undefined ? undefined : evaluationTimeoutMs + evaluationGraceMs;
}
