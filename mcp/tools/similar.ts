/**
 * "Did you mean": the closest names to a misspelt metric or label value (edit distance, with a bonus
 * for substrings), for hints on empty results. Not entity resolution (that is mcp/translate's job).
 */
export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().includes(w) || w.includes(c.toLowerCase()) ? 0 : distance(w, c.toLowerCase()) / Math.max(w.length, c.length) }))
    .filter((x) => x.d <= 0.4)
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .slice(0, max)
    .map((x) => x.c);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
