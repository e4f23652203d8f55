/**
 * Whether a label matcher filters anything: `=~".*"` matches every value (including absent labels),
 * so it narrows nothing and, on `__name__`, selects every series. We probe the regex with varied
 * values rather than comparing its text, so `.*.*`, `(.*)` and `.*|foo` are caught too.
 */
import type { LabelMatcher } from './ast.js';

const probes = ['', 'a', 'Z', '0', 'petsite', 'kube-system', 'ip-192-168-1-1.us-west-2.compute.internal', '/api/v1/x?y=1', 'ÄÖ ü', '\n', 'x'.repeat(300)];

function compiled(value: string): RegExp | undefined {
  try {
    // Prometheus anchors regexes at both ends and uses RE2 syntax (a subset of JavaScript's here).
    return new RegExp(`^(?:${value})$`, 's');
  } catch {
    return undefined;
  }
}

/** Whether the matcher accepts the empty value (so it also matches series without the label). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compiled(m.value)?.test('') ?? false;
    case '!~':
      return !(compiled(m.value)?.test('') ?? true);
  }
}

/** Whether the matcher accepts every value: it narrows nothing. */
export function matchesEverything(m: LabelMatcher): boolean {
  if (m.op === '=~') {
    const re = compiled(m.value);
    return re ? probes.every((p) => re.test(p)) : false;
  }
  if (m.op === '!~') {
    const re = compiled(m.value);
    return re ? probes.every((p) => !re.test(p)) : false;
  }
  return false;
}

/** Whether the matcher accepts every non-empty value (`=~".+"`, `!=""`): it only requires the label. */
export function matchesAnyNonEmpty(m: LabelMatcher): boolean {
  if (m.op === '!=' && m.value === '') return true;
  if (m.op !== '=~') return false;
  const re = compiled(m.value);
  return re ? probes.slice(1).every((p) => re.test(p)) : false;
}
