/**
 * What each exporter of an EKS cluster would report, computed from the simulation; one file per
 * exporter, gathered here for the scrape targets and the tests.
 */
export { collectApp } from './app.js';
export { collectCadvisor } from './cadvisor.js';
export { collectAwsNode, collectApiServer, collectCoreDns, collectKubelet, collectKubeProxy } from './components.js';
export { collectKubeState, collectKubeStateSelf } from './kube-state-metrics.js';
export { collectNodeExporter } from './node-exporter.js';
export type { ExpositionSource, NodeCounters } from './source.js';
