/**
 * String similarity for "did you mean ...": optimal-string-alignment (Damerau) edit distance, bounded
 * so a far-off candidate costs only a few rows, and the closest of a list of candidates.
 */

/**
 * Edit distance with adjacent transpositions; returns `max + 1` as soon as the distance exceeds `max`.
 * Hand-written because fastest-levenshtein counts a swap of neighbours ("serach") as two edits, and
 * swaps are the commonest typo the translator and "did you mean" must forgive as one.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[n]!;
}

/** The candidates closest to `word` (distance at most `max`), best first. */
export function closest(word: string, candidates: Iterable<string>, max = 2): string[] {
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate, max);
    if (distance <= max) scored.push({ candidate, distance });
  }
  return scored.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate)).map((x) => x.candidate);
}
