/**
 * What the realism bench does to a public query before it runs it: which queries concern workloads and
 * nodes (by the series they read), alert expressions with their thresholds removed, and Grafana's
 * template variables substituted. PromQL is read with the MCP server's parser (lezer-promql), never
 * with regular expressions.
 */
import { parsePromQL, type ParseResult } from '../../mcp/validation/parse.js';
import type { Expr } from '../../mcp/validation/ast.js';

export type Source = 'kube-prometheus' | 'awesome-prometheus-alerts' | 'aws-observability-accelerator';
export type Kind = 'recording-rule' | 'alert' | 'panel' | 'variable';

export interface CorpusQuery {
  id: string;
  source: Source;
  kind: Kind;
  /** Where it comes from: file, and rule name or dashboard panel title. */
  origin: string;
  /** As published (alerts with their threshold, panels with their template variables). */
  expr: string;
  /** Panels and variables: the dashboard (its `id` in the corpus) whose variables they use. */
  dashboard?: string;
  /** Variables: the variable's name (`namespace` for `$namespace`). */
  variable?: string;
  /** Variables: the label whose values fill the dropdown (`label_values(expr, label)`); none for `query_result`. */
  label?: string;
  /** The series families it reads (metric names, recorded names included). */
  metrics: string[];
  /**
   * Whether it concerns workloads and nodes (see `concernsWorkloadsOrNodes`); a dashboard variable
   * does when its dashboard has a panel that does (its dropdown is what that dashboard needs).
   */
  workloadOrNode: boolean;
}

export interface DashboardVariable {
  name: string;
  type: string;
  /** The PromQL a `query` variable evaluates (the first argument of label_values, or query_result's). */
  expr?: string;
  label?: string;
  /** custom / interval / constant variables: their options, the current first. */
  options?: string[];
}

export interface CorpusDashboard {
  id: string;
  source: Source;
  file: string;
  title: string;
  variables: DashboardVariable[];
}

export interface Corpus {
  sources: Record<Source, { repository: string; commit: string; licence: string; files: string[] }>;
  dashboards: CorpusDashboard[];
  queries: CorpusQuery[];
}

/**
 * Series families of workloads and nodes: cAdvisor (container_, machine_), kube-state-metrics about
 * pods, containers, workloads, nodes and namespaces, node-exporter (node_), the kubelet (kubelet_,
 * its volume stats) and the recorded series the mixins derive from them (`node_namespace_pod_container:`,
 * `namespace_workload_pod:`, `instance:node_`...). Not: the control plane (apiserver_, scheduler_,
 * workqueue_, etcd_), CoreDNS, kube-proxy, the monitoring stack itself (prometheus_, alertmanager_,
 * grafana_), process/Go self-metrics, and `up` alone.
 */
const workloadOrNodeFamily =
  /^(container_|machine_|node_|kubelet_|kube_(pod|deployment|replicaset|daemonset|statefulset|job|cronjob|horizontalpodautoscaler|poddisruptionbudget|node|namespace|persistentvolumeclaim|persistentvolume|resourcequota)(_|$)|kube_state_metrics_)/;
const workloadOrNodeRecording = /(^|:)(node|namespace|pod|container|instance|cluster:namespace|workload)[_:]/;

export function concernsWorkloadsOrNodes(metrics: string[]): boolean {
  return metrics.some((m) => (m.includes(':') ? workloadOrNodeRecording.test(m) && !/apiserver|scheduler/.test(m) : workloadOrNodeFamily.test(m)));
}

const generous = { maxQueryLength: 1_000_000, maxDepth: 1_000, maxRegexLength: 100_000, maxRegexProgram: 1_000_000, regexWorkBudget: Number.MAX_SAFE_INTEGER };

export function parse(expr: string): ParseResult {
  return parsePromQL(expr, generous);
}

export function metricsOf(expr: string): string[] {
  return [...new Set(parse(expr).selectors.flatMap((s) => (s.metric ? [s.metric] : [])))];
}

const comparisons = new Set(['==', '!=', '>', '<', '>=', '<=']);
const setOperators = new Set(['and', 'or', 'unless']);

function isConstant(node: Expr): boolean {
  switch (node.kind) {
    case 'number':
      return true;
    case 'paren':
    case 'unary':
      return isConstant(node.expr);
    case 'binary':
      return isConstant(node.lhs) && isConstant(node.rhs);
    case 'call':
      return node.name === 'vector' || node.name === 'scalar' ? false : node.args.length > 0 && node.args.every(isConstant);
    default:
      return false;
  }
}

/**
 * An alert expression without its thresholds: what it compares against a constant, so it returns data
 * whenever the series it judges exist (`a > 0.25` -> `a`). Through `and`/`or`/`unless` both sides lose
 * theirs, and `unless` becomes `and` and `absent(x)` becomes `x`: the alert needs those series to exist
 * to mean anything (KubeletDown is `nodes unless kubelets`; it can only stay quiet if kubelets exist).
 */
export function withoutThreshold(expr: string): string {
  const parsed = parse(expr);
  if (!parsed.ok || !parsed.expr) return expr;
  const edits: { from: number; to: number; text: string }[] = [];
  const visit = (node: Expr): void => {
    if (node.kind === 'paren') return visit(node.expr);
    if (node.kind === 'call' && (node.name === 'absent' || node.name === 'absent_over_time') && node.args[0]) {
      const inner = node.args[0];
      edits.push({ from: node.from, to: inner.from, text: node.name === 'absent_over_time' ? 'present_over_time(' : '(' });
      return visit(inner);
    }
    if (node.kind !== 'binary') return;
    if (comparisons.has(node.op)) {
      if (isConstant(node.rhs)) {
        edits.push({ from: node.lhs.to, to: node.rhs.to, text: '' });
        return visit(node.lhs);
      }
      if (isConstant(node.lhs)) {
        edits.push({ from: node.lhs.from, to: node.rhs.from, text: '' });
        return visit(node.rhs);
      }
      return;
    }
    if (setOperators.has(node.op)) {
      if (node.op === 'unless') {
        const gap = expr.slice(node.lhs.to, node.rhs.from);
        const at = gap.search(/\bunless\b/);
        if (at >= 0) edits.push({ from: node.lhs.to + at, to: node.lhs.to + at + 'unless'.length, text: 'and' });
      }
      visit(node.lhs);
      visit(node.rhs);
    }
  };
  visit(parsed.expr);
  let out = expr;
  for (const edit of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
  return out.trim();
}

/** Grafana's built-in variables, as a dashboard over the last hour with a 30 s scrape would see them. */
export const builtinVariables: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __interval_ms: '30000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
  __auto_interval_interval: '1m',
  __auto_interval: '1m',
  __auto: '1m',
};

/**
 * Substitutes `$name`, `${name}`, `${name:format}` and `[[name]]` as Grafana does for one selected
 * value. Longest names first, so `$namespace` is never read as `$name` + "space".
 */
export function substitute(expr: string, values: Record<string, string>): string {
  const all = { ...builtinVariables, ...values };
  return expr.replace(/\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/g, (whole, braced?: string, bracketed?: string, plain?: string) => {
    const name = braced ?? bracketed ?? plain!;
    if (name in all) return all[name]!;
    if (plain) {
      // `$node_cpu...` is not a variable; the longest variable the name starts with is.
      const prefix = Object.keys(all)
        .filter((k) => plain.startsWith(k))
        .sort((a, b) => b.length - a.length)[0];
      if (prefix) return all[prefix] + plain.slice(prefix.length);
    }
    return whole;
  });
}

/** The variable names a query uses (builtins excluded). */
export function variablesOf(expr: string): string[] {
  const names = [...expr.matchAll(/\$\{([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)|\$([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return [...new Set(names.filter((n) => !(n in builtinVariables)))];
}

/**
 * A Grafana variable query as PromQL: `label_values(expr, label)` lists the label's values on the
 * series of `expr`; `label_values(label)` on every series; `query_result(expr)` is the query itself.
 */
export function variableQuery(definition: string): { expr: string; label?: string } | undefined {
  const text = definition.trim();
  const labelValues = /^label_values\(\s*(.*?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/s.exec(text);
  if (labelValues) return { expr: labelValues[1]!, label: labelValues[2]! };
  const labelOnly = /^label_values\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(text);
  if (labelOnly) return { expr: `{${labelOnly[1]}!=""}`, label: labelOnly[1]! };
  const result = /^query_result\(\s*(.*)\s*\)$/s.exec(text);
  if (result) return { expr: result[1]! };
  return undefined;
}

/** The instant query that answers a variable: one row per value of its label. */
export function variableInstantQuery(variable: { expr: string; label?: string }): string {
  return variable.label ? `group by (${variable.label}) (${variable.expr})` : variable.expr;
}
