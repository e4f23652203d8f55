/**
 * A MetricsBackend for handler tests: answers come from functions the test gives, defaulting to the
 * recorded Prometheus 2.42 responses in lib/prometheus/client/fixtures, and every call is logged.
 */
import { readFileSync } from 'node:fs';
import type {
  AlertsData,
  ApiSuccess,
  BuildInfo,
  InstantSample,
  Labels,
  MatrixData,
  MetricMetadata,
  MetricsBackend,
  QueryData,
  QueryOptions,
  QueryRangeOptions,
  RangeSeries,
  RulesData,
  TargetsData,
} from '../../../../lib/prometheus/client/index.js';
import { backendError } from '../../../../lib/prometheus/client/index.js';

export function recorded<T>(name: string): ApiSuccess<T> {
  const file = new URL(`../../../../lib/prometheus/client/fixtures/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: ApiSuccess<T> }).body;
}

export interface FakeAnswers {
  query?: (promql: string, options: QueryOptions) => QueryData | Promise<QueryData>;
  queryRange?: (promql: string, options: QueryRangeOptions) => RangeSeries[] | Promise<RangeSeries[]>;
  labelValues?: (label: string, match?: string[]) => string[];
  labelNames?: (match?: string[]) => string[];
  metadata?: (metric?: string) => Record<string, MetricMetadata[]>;
}

export interface Call {
  method: string;
  args: unknown[];
}

export class FakeBackend implements MetricsBackend {
  readonly calls: Call[] = [];
  constructor(private readonly answers: FakeAnswers = {}) {}

  private log(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  async query(promql: string, options: QueryOptions = {}): Promise<ApiSuccess<QueryData>> {
    this.log('query', promql, options);
    if (options.signal?.aborted) throw backendError('canceled', { message: 'the request was cancelled', hint: 'nothing to do', endpoint: '/api/v1/query' });
    const data = this.answers.query ? await this.answers.query(promql, options) : recorded<QueryData>('query-vector').data;
    return { status: 'success', data };
  }

  async queryRange(promql: string, options: QueryRangeOptions): Promise<ApiSuccess<MatrixData>> {
    this.log('queryRange', promql, options);
    if (options.signal?.aborted) throw backendError('canceled', { message: 'the request was cancelled', hint: 'nothing to do', endpoint: '/api/v1/query_range' });
    const result = this.answers.queryRange ? await this.answers.queryRange(promql, options) : recorded<MatrixData>('query-matrix').data.result;
    return { status: 'success', data: { resultType: 'matrix', result } };
  }

  async series(matchers: string[]): Promise<ApiSuccess<Labels[]>> {
    this.log('series', matchers);
    return recorded<Labels[]>('series');
  }

  async labelNames(options: { match?: string[] } = {}): Promise<ApiSuccess<string[]>> {
    this.log('labelNames', options.match);
    return { status: 'success', data: this.answers.labelNames ? this.answers.labelNames(options.match) : recorded<string[]>('labels').data };
  }

  async labelValues(label: string, options: { match?: string[] } = {}): Promise<ApiSuccess<string[]>> {
    this.log('labelValues', label, options.match);
    return { status: 'success', data: this.answers.labelValues ? this.answers.labelValues(label, options.match) : recorded<string[]>('label-values').data };
  }

  async metadata(options: { metric?: string } = {}): Promise<ApiSuccess<Record<string, MetricMetadata[]>>> {
    this.log('metadata', options.metric);
    return { status: 'success', data: this.answers.metadata ? this.answers.metadata(options.metric) : recorded<Record<string, MetricMetadata[]>>('metadata').data };
  }

  async targets(): Promise<ApiSuccess<TargetsData>> {
    return recorded<TargetsData>('targets');
  }
  async rules(): Promise<ApiSuccess<RulesData>> {
    return recorded<RulesData>('rules');
  }
  async alerts(): Promise<ApiSuccess<AlertsData>> {
    return recorded<AlertsData>('alerts');
  }
  async buildInfo(): Promise<ApiSuccess<BuildInfo>> {
    this.log('buildInfo');
    return recorded<BuildInfo>('buildinfo');
  }
  describe() {
    return { kind: 'prometheus' as const, url: 'http://127.0.0.1:9090/' };
  }
}

/** An instant vector from `[labels, value]` pairs. */
export function vector(at: number, ...samples: [Labels, number][]): QueryData {
  return { resultType: 'vector', result: samples.map(([metric, v]): InstantSample => ({ metric, value: [at / 1000, String(v)] })) };
}

/** A range series from a function of the minute index. */
export function series(metric: Labels, start: number, step: number, points: number, f: (i: number) => number): RangeSeries {
  return { metric, values: Array.from({ length: points }, (_, i) => [(start + i * step) / 1000, String(f(i))] as [number, string]) };
}
