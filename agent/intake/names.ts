/**
 * Kubernetes object names, as the API server validates them, for the labels that name what an alert is
 * about. A label value that is not a valid name cannot be a namespace, pod, deployment or node the
 * agent may read or change: it is a forged or broken alert, and its value must not reach a query, an
 * API path or a playbook template as if it were one.
 */
import { shorten } from './limits.js';

/** RFC 1123 label: namespaces, containers, services (at most 63 characters). */
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: pods, deployments, nodes (at most 253 characters, dot-separated labels). */
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && dns1123Label.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && dns1123Subdomain.test(value);
}

export interface NameRule {
  /** What the value must be, for the reason given when it is not. */
  what: string;
  valid(value: string): boolean;
}

const label: NameRule = { what: 'a DNS-1123 label (lowercase letters, digits and "-", at most 63)', valid: isDns1123Label };
const subdomain: NameRule = { what: 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253)', valid: isDns1123Subdomain };
/** cAdvisor names a pod's sandbox container "POD"; an empty value is the same as no label. */
const container: NameRule = { what: label.what, valid: (value) => value === 'POD' || isDns1123Label(value) };

/**
 * The labels that say which object an alert is about (the ones agent/intake/target.ts reads), with the
 * rule each value must follow. An empty value counts as absent, as Prometheus treats it.
 */
export const TARGET_LABEL_RULES: Readonly<Record<string, NameRule>> = {
  namespace: label,
  exported_namespace: label,
  service: label,
  container,
  pod: subdomain,
  pod_name: subdomain,
  deployment: subdomain,
  node: subdomain,
  kubernetes_node: subdomain,
};

/** Target labels whose values are not valid names, each with the reason. */
export function invalidTargetLabels(labels: Readonly<Record<string, string>>): { label: string; reason: string }[] {
  const out: { label: string; reason: string }[] = [];
  for (const [name, rule] of Object.entries(TARGET_LABEL_RULES)) {
    const value = labels[name];
    if (value === undefined || value === '' || rule.valid(value)) continue;
    out.push({ label: name, reason: `${name} must be ${rule.what}` });
  }
  return out;
}

/**
 * The labels without any target label, when one of them is not a valid name: a half-valid set (a real
 * deployment with a forged namespace) could aim the investigation, and a fix, at an innocent workload,
 * so none of them is kept. The values set aside are returned shortened, for the record.
 */
export function setAsideTargetLabels(labels: Readonly<Record<string, string>>): { labels: Record<string, string>; setAside: Record<string, string>; reasons: string[] } {
  const invalid = invalidTargetLabels(labels);
  if (invalid.length === 0) return { labels: { ...labels }, setAside: {}, reasons: [] };
  const kept: Record<string, string> = {};
  const setAside: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (name in TARGET_LABEL_RULES) setAside[name] = shorten(value, 80);
    else kept[name] = value;
  }
  return { labels: kept, setAside, reasons: invalid.map((i) => i.reason) };
}
