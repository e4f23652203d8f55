/**
 * Builds bench/realism/corpus/ from pinned commits of three public projects (git clones or mirrors):
 *
 *   node --import tsx bench/realism/build-corpus.ts \
 *     --kube-prometheus DIR --awesome-prometheus-alerts DIR --aws-observability-accelerator DIR
 *
 * Each DIR is a git directory (a clone's `.git`, or a bare mirror) holding the pinned commit below.
 * Only the queries are taken (rule expressions, dashboard panel targets, dashboard variable queries),
 * with where they come from; each source's licence is copied beside them. The corpus is the bench's own
 * choice: keep it apart from any blind evaluation set.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { flag } from '../harness.js';
import { concernsWorkloadsOrNodes, metricsOf, variableQuery, type Corpus, type CorpusDashboard, type CorpusQuery, type DashboardVariable, type Source } from './queries.js';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

const pinned = {
  'kube-prometheus': {
    repository: 'https://github.com/prometheus-operator/kube-prometheus',
    commit: '4775d44d1aacfab7effa08293357521a3c603b87',
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
  },
  'awesome-prometheus-alerts': {
    repository: 'https://github.com/samber/awesome-prometheus-alerts',
    commit: 'a8533189af0246de5e21a6d8d25bd37816894f07',
    licence: 'CC-BY-4.0',
    licenceFile: 'LICENSE',
  },
  'aws-observability-accelerator': {
    repository: 'https://github.com/aws-observability/aws-observability-accelerator',
    commit: 'a8a05d2dffc4e320cc5e2af2a0a02714e6608791',
    licence: 'Apache-2.0',
    licenceFile: 'LICENSE',
  },
} as const satisfies Record<Source, { repository: string; commit: string; licence: string; licenceFile: string }>;

/** kube-prometheus's PrometheusRule manifests: every one, the monitoring stack's included (the scope filter sorts them). */
const kubePrometheusRules = ['kubePrometheus', 'kubeStateMetrics', 'kubernetesControlPlane', 'nodeExporter', 'prometheus', 'alertmanager', 'prometheusOperator', 'grafana'].map((n) => `manifests/${n}-prometheusRule.yaml`);
const kubePrometheusDashboards = 'manifests/grafana-dashboardDefinitions.yaml';
/** Dashboards for nodes an EKS Linux cluster does not have. */
const otherOperatingSystems = /windows|aix|darwin/;
/** awesome-prometheus-alerts: the exporters of a Kubernetes cluster's workloads and nodes (the rest is other software). */
const awesomeExporters = ['node-exporter', 'google/cAdvisor', 'kube-state-metrics'];
const awesomeServices = ['Host and hardware', 'Docker containers', 'Kubernetes'];
const acceleratorDashboards = 'artifacts/grafana-dashboards/eks/';
/** The accelerator's EKS dashboards that read Prometheus (the others are CloudWatch, Istio, Java, NGINX, GPU... workloads we do not run). */
const acceleratorFolders = ['infrastructure', 'apiserver', 'kube-proxy'];

type GrafanaPanel = { title?: string; targets?: { expr?: string; datasource?: unknown }[]; panels?: GrafanaPanel[] };
type GrafanaDashboard = { title?: string; panels?: GrafanaPanel[]; rows?: { panels?: GrafanaPanel[] }[]; templating?: { list?: GrafanaVariable[] } };
type GrafanaVariable = { name: string; type: string; query?: unknown; definition?: string; options?: { value?: string; text?: string }[]; current?: { value?: unknown } };

function gitShow(gitDir: string, commit: string, path: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

function gitList(gitDir: string, commit: string, path: string): string[] {
  return execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', commit, path], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function query(source: Source, kind: CorpusQuery['kind'], origin: string, expr: string, extra: Partial<CorpusQuery> = {}): Omit<CorpusQuery, 'id'> {
  // Template variables parse as text: give them a harmless value to read the metric names.
  const metrics = metricsOf(expr.replace(/\$\{[^}]+\}|\[\[[^\]]+\]\]|\$[A-Za-z0-9_]+/g, (v) => (/(interval|range|resolution)/.test(v) ? '5m' : 'x')));
  return { source, kind, origin, expr: expr.trim(), metrics, workloadOrNode: concernsWorkloadsOrNodes(metrics), ...extra };
}

function rulesOf(source: Source, file: string, groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[]) {
  return groups.flatMap((group) => group.rules.map((rule) => query(source, rule.alert ? 'alert' : 'recording-rule', `${file} ${group.name}/${rule.alert ?? rule.record}`, String(rule.expr))));
}

function variablesOf(dashboard: GrafanaDashboard): DashboardVariable[] {
  return (dashboard.templating?.list ?? []).map((v) => {
    const definition = typeof v.query === 'string' ? v.query : typeof (v.query as { query?: unknown })?.query === 'string' ? (v.query as { query: string }).query : v.definition ?? '';
    if (v.type === 'query') {
      const parsed = variableQuery(definition);
      return { name: v.name, type: v.type, ...(parsed ? { expr: parsed.expr, ...(parsed.label ? { label: parsed.label } : {}) } : {}) };
    }
    const current = v.current?.value;
    const options = [...(typeof current === 'string' ? [current] : []), ...(v.options ?? []).map((o) => o.value ?? o.text ?? '').filter(Boolean), ...(typeof v.query === 'string' ? v.query.split(',').map((s) => s.trim()) : [])];
    return { name: v.name, type: v.type, options: [...new Set(options)].filter((o) => o !== '$__all') };
  });
}

function dashboardQueries(source: Source, id: string, file: string, dashboard: GrafanaDashboard): { dashboard: CorpusDashboard; queries: Omit<CorpusQuery, 'id'>[] } {
  const variables = variablesOf(dashboard);
  const panels: GrafanaPanel[] = [];
  const walk = (list: GrafanaPanel[] = []) => {
    for (const panel of list) {
      panels.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const row of dashboard.rows ?? []) walk(row.panels);
  const title = dashboard.title ?? file;
  const queries = [
    ...variables.filter((v) => v.expr).map((v) => query(source, 'variable', `${file} ${title} $${v.name}`, v.expr!, { dashboard: id, variable: v.name, ...(v.label ? { label: v.label } : {}) })),
    ...panels.flatMap((panel) => (panel.targets ?? []).filter((t) => typeof t.expr === 'string' && t.expr.trim()).map((t) => query(source, 'panel', `${file} ${title} / ${panel.title ?? '(untitled)'}`, t.expr!, { dashboard: id }))),
  ];
  const dashboardInScope = queries.some((q) => q.kind === 'panel' && q.workloadOrNode);
  for (const q of queries) if (q.kind === 'variable') q.workloadOrNode = dashboardInScope;
  return { dashboard: { id, source, file, title, variables }, queries };
}

function kubePrometheus(gitDir: string) {
  const { commit } = pinned['kube-prometheus'];
  const queries: Omit<CorpusQuery, 'id'>[] = [];
  const dashboards: CorpusDashboard[] = [];
  for (const file of kubePrometheusRules) {
    const rule = parseYaml(gitShow(gitDir, commit, file)) as { spec: { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] } };
    queries.push(...rulesOf('kube-prometheus', file, rule.spec.groups));
  }
  const list = parseYaml(gitShow(gitDir, commit, kubePrometheusDashboards)) as { items: { data: Record<string, string> }[] };
  for (const item of list.items) {
    for (const [name, json] of Object.entries(item.data)) {
      if (otherOperatingSystems.test(name)) continue;
      const built = dashboardQueries('kube-prometheus', `kube-prometheus/${name}`, `${kubePrometheusDashboards}#${name}`, JSON.parse(json) as GrafanaDashboard);
      dashboards.push(built.dashboard);
      queries.push(...built.queries);
    }
  }
  return { queries, dashboards, files: [...kubePrometheusRules, kubePrometheusDashboards] };
}

function awesome(gitDir: string) {
  const { commit } = pinned['awesome-prometheus-alerts'];
  const file = '_data/rules.yml';
  type Exporter = { name?: string; slug?: string; rules?: { name: string; query: string }[] };
  const data = parseYaml(gitShow(gitDir, commit, file)) as { groups: { services: { name: string; exporters?: Exporter[] }[] }[] };
  const queries = data.groups.flatMap((group) =>
    group.services
      .filter((service) => awesomeServices.includes(service.name))
      .flatMap((service) =>
        (service.exporters ?? [])
          .filter((exporter) => awesomeExporters.includes(exporter.name ?? exporter.slug ?? ''))
          .flatMap((exporter) => (exporter.rules ?? []).map((rule) => query('awesome-prometheus-alerts', 'alert', `${file} ${service.name}/${exporter.name}/${rule.name}`, rule.query))),
      ),
  );
  return { queries, dashboards: [], files: [file] };
}

function accelerator(gitDir: string) {
  const { commit } = pinned['aws-observability-accelerator'];
  const files = acceleratorFolders.flatMap((folder) => gitList(gitDir, commit, `${acceleratorDashboards}${folder}/`).filter((f) => f.endsWith('.json')));
  const queries: Omit<CorpusQuery, 'id'>[] = [];
  const dashboards: CorpusDashboard[] = [];
  for (const file of files) {
    const built = dashboardQueries('aws-observability-accelerator', `aws-observability-accelerator/${file.slice(acceleratorDashboards.length)}`, file, JSON.parse(gitShow(gitDir, commit, file)) as GrafanaDashboard);
    dashboards.push(built.dashboard);
    queries.push(...built.queries);
  }
  return { queries, dashboards, files };
}

function main(): void {
  const args = process.argv.slice(2);
  const dirs: Record<Source, string | undefined> = {
    'kube-prometheus': flag(args, '--kube-prometheus'),
    'awesome-prometheus-alerts': flag(args, '--awesome-prometheus-alerts'),
    'aws-observability-accelerator': flag(args, '--aws-observability-accelerator'),
  };
  const missing = Object.entries(dirs).filter(([, dir]) => !dir);
  if (missing.length) throw new Error(`build-corpus: give the git directory of ${missing.map(([s]) => `--${s}`).join(', ')} (each holding the pinned commit)`);
  const parts = { 'kube-prometheus': kubePrometheus(dirs['kube-prometheus']!), 'awesome-prometheus-alerts': awesome(dirs['awesome-prometheus-alerts']!), 'aws-observability-accelerator': accelerator(dirs['aws-observability-accelerator']!) };
  const corpus: Corpus = {
    sources: Object.fromEntries(Object.entries(pinned).map(([source, p]) => [source, { repository: p.repository, commit: p.commit, licence: p.licence, files: parts[source as Source].files }])) as Corpus['sources'],
    dashboards: Object.values(parts).flatMap((p) => p.dashboards),
    queries: Object.values(parts)
      .flatMap((p) => p.queries)
      .map((q, i) => ({ id: `q${String(i + 1).padStart(4, '0')}`, ...q })),
  };
  mkdirSync(join(corpusDir, 'licences'), { recursive: true });
  writeFileSync(join(corpusDir, 'corpus.json'), JSON.stringify(corpus, null, 1) + '\n');
  for (const [source, p] of Object.entries(pinned)) writeFileSync(join(corpusDir, 'licences', `${source}.${p.licence}.txt`), gitShow(dirs[source as Source]!, p.commit, p.licenceFile));
  const inScope = corpus.queries.filter((q) => q.workloadOrNode);
  process.stdout.write(`${corpus.queries.length} queries (${inScope.length} about workloads and nodes) from ${corpus.dashboards.length} dashboards and the rules, written to ${corpusDir}\n`);
}

main();
