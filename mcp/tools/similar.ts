/**
 * "Did you mean": the closest names to a misspelt metric or label value (edit distance, with a bonus
 * for substrings), for hints on empty results. Not entity resolution (that is mcp/translate's job).
 */
import { distance } from 'fastest-levenshtein';

export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().includes(w) || w.includes(c.toLowerCase()) ? 0 : distance(w, c.toLowerCase()) / Math.max(w.length, c.length) }))
    .filter((x) => x.d <= 0.4)
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .slice(0, max)
    .map((x) => x.c);
}
