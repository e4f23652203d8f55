/** Structural equality of JSON-like values (what JSON.stringify comparison means, without the strings). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let countA = 0;
  for (const key in ra) {
    if (ra[key] === undefined) continue;
    countA++;
    if (!deepEqual(ra[key], rb[key])) return false;
  }
  let countB = 0;
  for (const key in rb) if (rb[key] !== undefined) countB++;
  return countA === countB;
}
