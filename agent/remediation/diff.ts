/**
 * The diff of a Kubernetes object before and after a change, in unified-diff style over the paths that
 * changed (`- spec.replicas: 2` / `+ spec.replicas: 3`). Bookkeeping the server adds (resourceVersion,
 * managedFields, generation, status) is left out: the approver sees only what the action changes.
 * Lists of named items (containers, env) are keyed by name, so a changed limit reads as one line.
 */

const IGNORED = new Set(['metadata.resourceVersion', 'metadata.managedFields', 'metadata.generation', 'metadata.uid', 'metadata.creationTimestamp', 'status', 'metadata.selfLink']);

type Flat = Map<string, string>;

function flatten(value: unknown, path: string, out: Flat): void {
  if (IGNORED.has(path)) return;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.set(path, '[]');
      return;
    }
    value.forEach((item, i) => {
      const key = item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' ? `[${(item as { name: string }).name}]` : `[${i}]`;
      flatten(item, `${path}${key}`, out);
    });
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.set(path, '{}');
      return;
    }
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out);
    return;
  }
  if (value === undefined) return;
  out.set(path, JSON.stringify(value));
}

/** Changed leaves as diff lines, with a header naming the object. */
export function objectDiff(before: unknown, after: unknown, name: string): string[] {
  const a: Flat = new Map();
  const b: Flat = new Map();
  flatten(before, '', a);
  flatten(after, '', b);
  const lines: string[] = [];
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    if (x !== undefined) lines.push(`- ${path}: ${x}`);
    if (y !== undefined) lines.push(`+ ${path}: ${y}`);
  }
  return lines.length ? [`--- ${name} (before)`, `+++ ${name} (after)`, ...lines] : [];
}

/** The pod template of a deployment-like object, for focused diffs. */
export function specOf(object: unknown): unknown {
  return (object as { spec?: unknown } | undefined)?.spec;
}
