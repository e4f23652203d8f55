/**
 * The standard rules: kube-prometheus's recording and alerting rules (vendored, unchanged, under
 * infra/local/rules/kube-prometheus/, with their licence and source commit), loaded by the local
 * Prometheus beside the kit's own (rules.ts). The realistic profile renders them as they are. The fast
 * profile compresses only their `for:` durations, by the ratio its own alerts use (`profileForScale`:
 * 5m -> 10s), so a scenario's fault fires the standard alerts within a CI run as it fires the kit's;
 * expressions and windows stay upstream's (the backfilled history fills their windows).
 *
 * Dropped: only what an EKS cluster cannot have (its scheduler and controller manager live in the
 * managed control plane). Firing by design: `Watchdog` and `InfoInhibitor` (alertmanager-config.ts
 * routes them to a null receiver, as kube-prometheus does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { formatDuration, parseDuration } from '../../../core/duration.js';
import { packageRoot } from '../../../lib/platform/package-root.js';
import { profiles, type TimingProfile } from '../profiles.js';

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

/** How much a profile compresses `for:` against the realistic profile (its warning alerts' ratio). */
export function profileForScale(profile: TimingProfile): number {
  return parseDuration(profile.alertFor.warning) / parseDuration(profiles.realistic.alertFor.warning);
}

/** A rule's `for:` in this profile: scaled, never below two evaluations (a pending state must exist). */
function scaledFor(rule: StandardRule, profile: TimingProfile): StandardRule {
  const scale = profileForScale(profile);
  if (!rule.for || scale === 1) return rule;
  const ms = Math.max(parseDuration(rule.for) * scale, 2 * profile.evaluationIntervalSeconds * 1000);
  return { ...rule, for: formatDuration(ms) };
}

/** One rule file with every loaded group (their names are unique across the vendored files). */
export function renderStandardRules(profile: TimingProfile = profiles.realistic, dir = standardRulesDir): string {
  const groups = standardRuleGroups(dir).map(({ name, rules }) => ({ name, rules: rules.map((rule) => scaledFor(rule, profile)) }));
  const header =
    `# The rules of ${standardRulesSource}, Apache-2.0, vendored in infra/local/rules/kube-prometheus/\n` +
    `# (README.md there). Dropped groups: ${Object.keys(droppedStandardGroups).join(', ')}.\n` +
    (profileForScale(profile) === 1 ? '' : `# Profile ${profile.name}: every for: scaled by ${profileForScale(profile).toFixed(4)} (infra/local/deploy/standard-rules.ts).\n`);
  return header + stringify({ groups }, { lineWidth: 0 });
}
