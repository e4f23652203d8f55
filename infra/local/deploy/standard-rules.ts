/**
 * The standard rules: kube-prometheus's recording and alerting rules (vendored, unchanged, under
 * infra/local/rules/kube-prometheus/, with their licence and source commit), loaded by the local
 * Prometheus beside the kit's own (rules.ts). They are rendered as they are, with the upstream `for:`
 * and windows in both timing profiles: they describe what a real cluster's Prometheus evaluates, and a
 * 15-minute alert stays a 15-minute alert (the kit's own rules are the ones tuned to the profile).
 *
 * Dropped: only what an EKS cluster cannot have (its scheduler and controller manager live in the
 * managed control plane). Firing by design: `Watchdog` and `InfoInhibitor` (alertmanager-config.ts
 * routes them to a null receiver, as kube-prometheus does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../../lib/platform/package-root.js';

/** The release the vendored rules come from (README.md beside them says the same). */
export const standardRulesSource = 'kube-prometheus v0.18.0 (4775d44d1aacfab7effa08293357521a3c603b87)';

/** Where the vendored rule files are (read at `up`, from the package root). */
export const standardRulesDir = join(packageRoot, 'infra', 'local', 'rules', 'kube-prometheus');

/** The vendored files, one per kube-prometheus PrometheusRule object. */
export const standardRuleFiles = ['kubePrometheus', 'kubeStateMetrics', 'kubernetesControlPlane', 'nodeExporter'].map((name) => `${name}.rules.yaml`);

/** Groups left out, and why (the README beside the rules says the same for people). */
export const droppedStandardGroups: Readonly<Record<string, string>> = {
  'kubernetes-system-scheduler': 'EKS runs kube-scheduler in the managed control plane: no target to scrape, so KubeSchedulerDown would fire for ever',
  'kubernetes-system-controller-manager': 'EKS runs kube-controller-manager in the managed control plane: no target to scrape, so KubeControllerManagerDown would fire for ever',
  'kube-scheduler.rules': "they record kube-scheduler's histograms, which no target exposes on EKS",
};

/** Standard alerts that fire in a healthy cluster on purpose, and why. */
export const firingByDesign: Readonly<Record<string, string>> = {
  Watchdog: 'always fires, to prove the alerting pipeline works end to end (a dead man\'s switch)',
  InfoInhibitor: 'fires while an info alert fires in a namespace with no warning or critical one, to inhibit the info alerts',
};

/** A rule as Prometheus reads it; the vendored rules are not the kit's, so nothing more is assumed. */
export interface StandardRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface StandardRuleGroup {
  name: string;
  rules: StandardRule[];
  /** The vendored file it comes from. */
  file: string;
}

/** Every group of the vendored files, dropped ones included. */
export function vendoredRuleGroups(dir = standardRulesDir): StandardRuleGroup[] {
  return standardRuleFiles.flatMap((file) => {
    const content = parse(readFileSync(join(dir, file), 'utf8')) as { groups: Omit<StandardRuleGroup, 'file'>[] };
    return content.groups.map((group) => ({ ...group, file }));
  });
}

/** The groups the local Prometheus loads. */
export function standardRuleGroups(dir = standardRulesDir): StandardRuleGroup[] {
  return vendoredRuleGroups(dir).filter((group) => !(group.name in droppedStandardGroups));
}

export function standardRuleGroupNames(dir = standardRulesDir): string[] {
  return standardRuleGroups(dir).map((group) => group.name);
}

/** One rule file with every loaded group (their names are unique across the vendored files). */
export function renderStandardRules(dir = standardRulesDir): string {
  const groups = standardRuleGroups(dir).map(({ name, rules }) => ({ name, rules }));
  const header =
    `# The rules of ${standardRulesSource}, Apache-2.0, vendored in infra/local/rules/kube-prometheus/\n` +
    `# (README.md there). Dropped groups: ${Object.keys(droppedStandardGroups).join(', ')}.\n`;
  return header + stringify({ groups }, { lineWidth: 0 });
}
