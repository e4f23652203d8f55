/**
 * Links into Grafana Explore with the query, the datasource and the time range filled in, so a person
 * can go from the model's answer to the graph in one click. The `panes` form is Grafana 10+'s.
 */

export interface GrafanaConfig {
  /** Grafana root, e.g. http://localhost:3000 or https://g-abc.grafana-workspace.us-east-1.amazonaws.com */
  url: string;
  /** Prometheus (or AMP) datasource uid in that Grafana; Grafana's default datasource when absent. */
  datasourceUid?: string;
  orgId?: number;
}

export function exploreUrl(grafana: GrafanaConfig, promql: string, range: { start: number; end: number; step?: number }): string {
  const datasource = grafana.datasourceUid ? { type: 'prometheus', uid: grafana.datasourceUid } : undefined;
  const query: Record<string, unknown> = { refId: 'A', expr: promql, range: true, instant: false };
  if (datasource) query.datasource = datasource;
  if (range.step) query.interval = `${Math.round(range.step / 1000)}s`;
  const pane: Record<string, unknown> = { queries: [query], range: { from: String(Math.round(range.start)), to: String(Math.round(range.end)) } };
  if (datasource) pane.datasource = datasource.uid;
  const params = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify({ a: pane }), orgId: String(grafana.orgId ?? 1) });
  return `${grafana.url.replace(/\/+$/, '')}/explore?${params}`;
}
