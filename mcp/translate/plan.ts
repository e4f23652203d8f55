/**
 * Planning: from what the question asks (features), about what (entities) and when (time), to one
 * PromQL query built from the template library, plus alternatives. The scope (one service, each pod
 * of a namespace, each node...) follows from the entities and the grouping asked for; windows, offsets,
 * ranking, thresholds and comparisons are applied to the rendered template on its parse tree.
 */
import { labelMatcher, oneOf } from '../../lib/prometheus/promql.js';
import { formatDuration } from '../../core/duration.js';
import { measureById, renderTemplate, scopeById, templateFor, type ParamValue, type Template } from '../templates/index.js';
import { niceStep } from '../validation/index.js';
import type { TurnTime } from './context.js';
import type { Features, MeasureKey } from './features.js';
import { chooseMeasure, type MeasureChoice } from './measures.js';
import { healthChoices } from './health.js';
import { metricQuery } from './metric-query.js';
import { describeDuration } from './time.js';
import { operand, overTime, withMatchers, withOffset } from './rewrite.js';
import { entitiesOf, sortEntities, subjectOf, unique, type Sets } from './subjects.js';
import type { Workload } from './snapshot.js';
import type { Alternative, Entities, EntityMatch, Intent, TimeRange } from './types.js';

export interface PlanInput {
  features: Features;
  matches: EntityMatch[];
  time: TurnTime;
  now: number;
  maxPoints: number;
  /** The question, lowercased, with names and time phrases taken out. */
  text: string;
  workloads: Workload[];
}

export interface Plan {
  promql: string;
  intent: Intent;
  templateId?: string;
  queryType: 'instant' | 'range';
  range: TimeRange;
  confidence: number;
  explanation: string;
  alternatives: Alternative[];
  suggestions: string[];
  entities: Entities;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const rateWindowDefault = 5 * MIN;
const stateMeasures = new Set(['oom-killed', 'crash-looping', 'pods-evicted', 'node-condition', 'node-unschedulable', 'pods-not-ready', 'targets-up']);
/** Measures that count what happened within the window ("restarts in the last 30 minutes"): one number, not a series. */
const windowCounts = new Set(['restarts-increase', 'request-count', 'error-count']);
/** "how much has it grown/changed ...": a difference with the value that long ago. */
const growthQuestion = /\bhow much (?:has|have|did|does)\b.*\b(?:grow|grown|grew|increase[ds]?|rise|risen|rose|change[ds]?|drop(?:ped)?|fall(?:en)?|fell|gain(?:ed)?|shr[iu]nk)\b/;
const httpMetric = (m: string | undefined) => !!m && m.startsWith('http_request');

/** Whether series of `metric` carry `label` (cAdvisor and the pod-level kube-state-metrics series). */
function carriesLabel(metric: string | undefined, label: 'node' | 'namespace'): boolean {
  if (!metric) return false;
  if (metric.startsWith('container_') || metric === 'kube_pod_info' || metric.startsWith('kube_pod_container_resource_')) return true;
  return label === 'namespace' && metric.startsWith('kube_pod_');
}

/** Scope ids to try, best first, for a measure and the entities asked about. */
function scopeCandidates(measure: string, f: Features, s: Sets): string[] {
  const family = measureById.get(measure)?.families[0];
  const nodeMeasure = family === 'node';
  let group = f.group;
  if (group === undefined && (f.rank || f.listing)) group = family === 'http' || family === 'deployment' ? 'service' : nodeMeasure ? 'node' : s.services.length ? 'pod' : 'pod';
  if (group === undefined && f.compareEntities && s.services.length > 1) group = 'service';
  const out: string[] = [];
  if (s.routes.length === 1 && !group) out.push('route');
  if (s.pods.length) out.push(s.pods.length === 1 && !group ? 'pod' : 'pod-by-pod');
  if (s.services.length) {
    if (group && group !== 'service' && group !== 'namespace') out.push(`service-by-${group}`);
    if (s.services.length > 1 || group === 'service') out.push('service-by-service');
    out.push(s.services.length > 1 ? 'service-by-service' : 'service');
  }
  if (s.nodes.length) {
    if (group === 'pod' && !nodeMeasure) out.push('node-by-pod');
    out.push(s.nodes.length > 1 || group === 'node' ? 'node-by-node' : 'node');
  }
  if (s.namespaces.length) {
    if (group && group !== 'namespace') out.push(`namespace-by-${group}`);
    out.push(s.namespaces.length > 1 || group === 'namespace' ? 'namespace-by-namespace' : 'namespace');
    // Deployment measures have no namespace total: one line per deployment of the namespace.
    out.push('namespace-by-service');
  }
  if (group) out.push(`cluster-by-${group}`);
  if (group === 'node' && s.services.length) out.push('service-by-node');
  // Metrics without a service label (network) rank services by their pods instead.
  if (group === 'service') out.push(...(s.services.length ? ['service-by-pod'] : []), ...(s.namespaces.length ? ['namespace-by-pod'] : []), 'cluster-by-pod');
  // "how many nodes are ready" counts over the cluster; otherwise node measures are read per node.
  if (nodeMeasure) out.push((f.clusterWide || f.count) && !group ? 'cluster' : 'cluster-by-node', 'cluster');
  else out.push(...(family === 'deployment' ? ['cluster-by-service', 'cluster'] : ['cluster']));
  if (family === 'deployment') out.push('namespace-by-service');
  return [...new Set(out)];
}

function paramsFor(template: Template, s: Sets, choice: MeasureChoice): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = { ...choice.params };
  const namespaces = unique(s.namespaces.length ? s.namespaces.map((n) => n.value) : [...s.services, ...s.pods].map((e) => e.namespace));
  if (namespaces.length) params.namespace = namespaces.length === 1 ? namespaces[0]! : namespaces;
  const set = (name: string, values: string[]) => {
    if (values.length) params[name] = values.length === 1 ? values[0]! : values;
  };
  set('service', unique([...s.services.map((e) => e.value), ...(template.scope === 'route' ? s.routes.map((r) => r.service) : [])]));
  set('pod', unique(s.pods.map((e) => e.value)));
  set('node', unique(s.nodes.map((e) => e.value)));
  set('route', unique(s.routes.map((e) => e.value)));
  for (const p of template.params) if (!(p.name in params) && p.default === undefined && p.kind !== 'duration') return {};
  return params;
}

/** Step for a range: round, at least 15 s, points under the cap. */
export function chooseStep(windowMs: number, maxPoints: number): number {
  return Math.max(15, niceStep(Math.ceil(windowMs / 1000 / maxPoints)));
}

function scaleThreshold(value: number, unit: string | undefined, templateUnit: string, percentMode: boolean): number {
  const u = (unit ?? '').toLowerCase();
  if (/^(%|percent)$/.test(u)) return percentMode || templateUnit === 'percent' ? value : value / 100;
  if (!u && templateUnit === 'ratio' && !percentMode && value > 1) return value / 100;
  const factors: Record<string, number> = { kb: 1e3, kib: 1024, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30, ms: 1e-3, millisecond: 1e-3, milliseconds: 1e-3, m: templateUnit === 'cores' ? 1e-3 : 1, millicore: 1e-3, millicores: 1e-3 };
  return value * (factors[u] ?? 1);
}

function intentOf(key: MeasureKey | 'metric', f: Features, choice: MeasureChoice | undefined, range: boolean, compared: boolean, entities = 0): Intent {
  if (compared || (f.compareEntities && !f.rank && entities > 1)) return 'comparison';
  if (f.rank) return 'top_n';
  if (range) return 'trend';
  switch (key) {
    case 'health':
      return 'health';
    case 'node-condition':
      return 'node_condition';
    case 'latency':
      return 'latency_percentile';
    case 'errors':
      return 'error_rate';
    case 'throttling':
    case 'saturation':
      return 'saturation';
    case 'restarts':
    case 'oom':
    case 'crashloop':
    case 'evictions':
      return 'restarts';
    case 'metric':
      return 'metric';
    default:
      break;
  }
  if (f.relative || f.headroom || f.percent || choice?.measure.includes('-vs-')) return 'ratio';
  if (key === 'pods' || key === 'replicas' || key === 'up' || key === 'nodes' || choice?.measure.endsWith('-count')) return 'count';
  if (['cpu', 'network', 'requests', 'network-receive', 'network-transmit'].includes(key) && !/utilisation/.test(choice?.measure ?? '')) return 'rate';
  return 'current_value';
}

interface Built {
  promql: string;
  template?: Template;
  rangeMode: boolean;
  step?: number;
  windowMs: number;
  fallback: boolean;
}

/** Renders one measure for the entities and time, with every modifier applied. */
function build(choice: MeasureChoice, f: Features, s: Sets, time: TurnTime, maxPoints: number, text: string): Built | undefined {
  const candidates = scopeCandidates(choice.measure, f, s);
  let template: Template | undefined;
  let params: Record<string, ParamValue> = {};
  let fallback = false;
  for (const [i, scope] of candidates.entries()) {
    const t = templateFor(choice.measure, scope);
    if (!t) continue;
    const p = paramsFor(t, s, choice);
    if (t.params.some((x) => x.default === undefined && x.kind !== 'duration' && !(x.name in p))) continue;
    template = t;
    params = p;
    // A broader scope than asked for (a named entity or a grouping left out) lowers confidence.
    const named = s.services.length + s.pods.length + s.nodes.length + s.namespaces.length > 0;
    fallback = i > 0 && ((named && scope.startsWith('cluster')) || (f.group !== undefined && !scope.endsWith(`by-${f.group}`)));
    break;
  }
  if (!template) return undefined;
  const rateBased = template.params.some((p) => p.name === 'window');
  const hasWindow = (time.kind === 'window' || time.kind === 'since' || time.kind === 'between' || time.kind === 'period') && time.windowMs > 0;
  const state = stateMeasures.has(choice.measure);
  // "how much has it grown since an hour ago" is one number (a difference), not a series.
  const trend = !!f.trend && !(time.compareMs !== undefined && !hasWindow);
  const rangeMode = trend || (!!f.show && hasWindow && !f.rank && !f.filter && !windowCounts.has(choice.measure)) || (!rateBased && hasWindow && !f.overTime && !state && !f.rank && !f.count && !choice.state && !f.filter);
  let windowMs = hasWindow ? time.windowMs : 0;
  let step: number | undefined;
  if (rangeMode) {
    windowMs = hasWindow ? time.windowMs : HOUR;
    step = chooseStep(windowMs, maxPoints);
    if (rateBased && template.params.find((p) => p.name === 'window')?.default === '5m') params.window = formatDuration(Math.max(rateWindowDefault, step * 1000));
  } else if (rateBased && hasWindow) params.window = formatDuration(windowMs);

  let promql = renderTemplate(template, params);
  if (s.routes.length && template.scope !== 'route') {
    const routes = unique(s.routes.map((r) => r.value));
    promql = withMatchers(promql, httpMetric, [oneOf('route', routes)]);
  }
  // A node or namespace named beside the scope's entity narrows it ("fluent-bit on node X", "pods per node in petadoptions").
  // Names come from the backend's label values: data, escaped like any value that enters PromQL.
  const scopeEntity = scopeById.get(template.scope)?.entity;
  const nodes = scopeEntity === 'node' ? [] : unique(s.nodes.map((n) => n.value));
  if (nodes.length) promql = withMatchers(promql, (m) => carriesLabel(m, 'node'), [oneOf('node', nodes)]);
  const namespaces = scopeEntity === 'namespace' || scopeEntity === 'service' || scopeEntity === 'pod' ? [] : unique(s.namespaces.map((n) => n.value));
  if (namespaces.length) promql = withMatchers(promql, (m) => carriesLabel(m, 'namespace'), [oneOf('namespace', namespaces)]);
  if (f.method && choice.measure.startsWith('request')) promql = withMatchers(promql, (m) => m === 'http_requests_total', [labelMatcher('method', '=', f.method)]);
  if (f.codes && choice.measure.startsWith('request')) promql = withMatchers(promql, (m) => m === 'http_requests_total', [labelMatcher('code', '=~', f.codes)]);
  if (!rangeMode && !rateBased && hasWindow) {
    const fn = f.overTime ?? (state || f.rank?.direction === 'top' || choice.state ? 'max' : f.rank ? 'min' : 'avg');
    promql = overTime(promql, fn, formatDuration(windowMs));
  }
  if (!rangeMode && time.offsetMs > 0) promql = withOffset(promql, formatDuration(time.offsetMs));
  if (time.compareMs) {
    const baseline = withOffset(promql, formatDuration(time.compareMs));
    const difference = /\b(?:grow|grown|grew|growth|increase[ds]?|rise|risen|rose|change[ds]?|difference|delta|more|less|higher|lower|dropped|gained)\b/.test(text);
    promql = `${operand(promql)} ${difference ? '-' : '/'} ${operand(baseline)}`;
  }
  const percentMode = !!f.percent && template.unit === 'ratio';
  if (percentMode) promql = `100 * ${operand(promql)}`;
  if (f.perMinute && /\/s$/.test(template.unit)) promql = `60 * ${operand(promql)}`;
  if (f.milliseconds && template.unit === 'seconds') promql = `1000 * ${operand(promql)}`;
  if (f.rank && !time.compareMs) promql = `${f.rank.direction === 'top' ? 'topk' : 'bottomk'}(${f.rank.n}, ${promql})`;
  if (f.sort && !f.rank) promql = `${f.sort === 'asc' ? 'sort' : 'sort_desc'}(${promql})`;
  if (f.filter) promql = `${promql} ${f.filter.op} ${+scaleThreshold(f.filter.value, f.filter.unit, template.unit, percentMode).toPrecision(12)}`;
  else if (choice.state) promql = `${promql} ${choice.state}`;
  else if (f.nonzero && !f.rank) promql = `${promql} > 0`;
  return { promql, template, rangeMode, step, windowMs, fallback };
}

/** "Latency percentile (p99)", "Node condition (DiskPressure)". */
function measureTitle(c: MeasureChoice): string {
  const p = c.params;
  const detail = p.quantile ? `p${+(Number(p.quantile) * 100).toFixed(1)}` : p.phase ?? p.condition ?? (p.codes && p.codes !== '5..' ? `codes ${p.codes}` : undefined);
  return `${measureById.get(c.measure)?.title ?? c.measure}${detail ? ` (${detail})` : ''}`;
}

function rangeOf(built: { rangeMode: boolean; step?: number; windowMs: number }, time: TurnTime, now: number, rateWindowMs: number): TimeRange {
  const end = now - time.offsetMs;
  const window = built.windowMs || (built.rangeMode ? HOUR : rateWindowMs);
  const description = time.description || (built.rangeMode ? 'last hour' : 'now');
  return {
    start: new Date(end - window).toISOString(),
    end: new Date(end).toISOString(),
    ...(built.rangeMode && built.step ? { step: built.step } : {}),
    description: time.compareLabel ? `${description}, compared with ${time.compareLabel}` : description,
  };
}

export function plan(input: PlanInput): Plan {
  const { features: f, now, text } = input;
  let time = input.time;
  // "how much has X grown in the last hour": the change over the window, now minus then.
  if (growthQuestion.test(text) && time.compareMs === undefined && (time.kind === 'window' || time.kind === 'since') && time.windowMs > 0) {
    time = { kind: 'none', windowMs: 0, offsetMs: 0, compareMs: time.windowMs, compareLabel: `${describeDuration(time.windowMs, true)} ago`, description: '' };
  }
  const s = sortEntities(input.matches);
  const suggestions: string[] = [];
  const nodeLevel = (s.nodes.length > 0 || !!f.nodeLevel) && !s.services.length && !s.pods.length && f.group !== 'pod' && f.group !== 'service' && !(s.namespaces.length && !s.nodes.length);
  const hasWindow = time.windowMs > 0 && time.kind !== 'point';
  let key: MeasureKey | 'metric' | undefined = f.measure;
  let confidence = 0.92;
  if (s.metrics.length && (!key || key === 'health' || key === 'up')) key = 'metric';
  if (!key) {
    if (f.phase || f.notReady) key = 'pods';
    else if (f.cordoned || f.condition) key = 'node-condition';
    else if (input.matches.length) {
      key = 'health';
      confidence = 0.45;
      suggestions.push(`nothing in the question says what to measure about ${subjectOf(s)}; showing its health. Ask e.g. "memory of ${s.services[0]?.value ?? 'petsite'}" or "p95 latency of ${s.services[0]?.value ?? 'petsite'}"`);
    }
  }
  const entities = entitiesOf(input.matches);
  const rateWindowMs = hasWindow ? time.windowMs : rateWindowDefault;
  if (!key) {
    return {
      promql: '',
      intent: 'unknown',
      queryType: 'instant',
      range: { start: new Date(now - rateWindowMs).toISOString(), end: new Date(now).toISOString(), description: time.description || 'now' },
      confidence: 0.05,
      explanation: 'Could not tell what to measure or what about: name a metric (memory, CPU, latency, errors, restarts...) and a service, pod, node or namespace.',
      alternatives: [],
      suggestions: ['try "memory usage of petsite", "p95 latency of petsearch over the last hour" or "which pods restarted today?"'],
      entities,
    };
  }
  if (key === 'metric') {
    const metric = s.metrics[0]!.value;
    const promql = metricQuery(metric, f, s, time);
    const rangeMode = !!f.trend;
    const windowMs = rangeMode ? (hasWindow ? time.windowMs : HOUR) : hasWindow ? time.windowMs : 0;
    const built = { rangeMode, windowMs, step: rangeMode ? chooseStep(windowMs, input.maxPoints) : undefined };
    return {
      promql,
      intent: intentOf('metric', f, undefined, rangeMode, false),
      queryType: rangeMode ? 'range' : 'instant',
      range: rangeOf(built, time, now, rateWindowMs),
      confidence: confidence * Math.min(1, s.metrics[0]!.score + 0.05),
      explanation: `${metric} for ${subjectOf(s)}${/_total$|_count$|_sum$|_bucket$/.test(metric) ? ' (a counter, so its per-second rate)' : ''}, ${time.description || 'now'}.`,
      alternatives: [],
      suggestions,
      entities,
    };
  }

  const measureContext = { f, nodeLevel, hasWindow, text, namedNodes: s.nodes.length > 0 };
  let choice: MeasureChoice | undefined;
  let others: MeasureChoice[] = [];
  if (key === 'health') {
    const h = healthChoices(s, input.workloads);
    choice = h.primary;
    others = h.others;
  } else {
    choice = chooseMeasure(key, measureContext);
    for (const k of f.otherMeasures ?? []) {
      const c = chooseMeasure(k, measureContext);
      if (c) others.push(c);
    }
    if (key === 'latency' && choice?.measure === 'latency-quantile') others.push({ measure: 'latency-average', params: {} });
  }
  const built = choice && build(choice, key === 'health' ? { ...f, trend: false, overTime: undefined } : f, s, time, input.maxPoints, text);
  if (!choice || !built) {
    return {
      promql: '',
      intent: 'unknown',
      queryType: 'instant',
      range: { start: new Date(now - rateWindowMs).toISOString(), end: new Date(now).toISOString(), description: time.description || 'now' },
      confidence: 0.1,
      explanation: `There is no query for ${key} of ${subjectOf(s)}.`,
      alternatives: [],
      suggestions: [`${key} is not available for ${subjectOf(s)}; try a service, a namespace or the whole cluster`],
      entities,
    };
  }
  if (built.fallback) confidence *= 0.8;
  const alternatives: Alternative[] = [];
  for (const o of others) {
    const b = build(o, { ...f, rank: undefined, filter: undefined, nonzero: undefined, percent: undefined }, s, time, input.maxPoints, text);
    if (b && b.promql !== built.promql) alternatives.push({ promql: b.promql, description: `${measureTitle(o)} for ${subjectOf(s)}` });
  }
  const t = built.template!;
  const what = measureTitle(choice);
  const range = rangeOf(built, time, now, rateWindowMs);
  const timeDescription = time.description || (built.rangeMode ? 'last hour' : 'now');
  const explanation = [
    `${what} for ${subjectOf(s)}`,
    built.rangeMode ? `as a series ${/^(last|past)/.test(timeDescription) ? `over the ${timeDescription}` : timeDescription} (step ${built.step}s)` : timeDescription,
    f.rank ? `${f.rank.direction} ${f.rank.n}` : '',
    time.compareLabel ? `compared with ${time.compareLabel}` : '',
    `template ${t.id}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    promql: built.promql,
    intent: intentOf(key, f, choice, built.rangeMode, time.compareMs !== undefined, s.services.length + s.pods.length + s.nodes.length + s.namespaces.length),
    templateId: t.id,
    queryType: built.rangeMode ? 'range' : 'instant',
    range,
    confidence,
    explanation: `${explanation}.`,
    alternatives,
    suggestions,
    entities,
  };
}
