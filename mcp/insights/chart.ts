/**
 * Which chart fits a result: a line for series over time, a bar to compare a handful of current values,
 * a gauge for one percentage or utilisation, a table for many rows or label-heavy answers.
 */
import type { Unit } from './units.js';

export type ChartType = 'line' | 'bar' | 'gauge' | 'table';

export interface ChartSuggestion {
  type: ChartType;
  reason: string;
}

export function suggestChart(resultType: 'vector' | 'matrix' | 'scalar' | 'string', seriesCount: number, unit: Unit): ChartSuggestion {
  if (resultType === 'string') return { type: 'table', reason: 'a string result' };
  if (resultType === 'matrix') return { type: 'line', reason: `${seriesCount === 1 ? 'one series' : `${seriesCount} series`} over time` };
  const bounded = unit === 'ratio' || unit === 'percent';
  if (resultType === 'scalar' || seriesCount === 1) {
    return bounded ? { type: 'gauge', reason: 'a single utilisation value' } : { type: 'bar', reason: 'a single current value' };
  }
  if (seriesCount <= 20) return { type: 'bar', reason: `${seriesCount} current values to compare` };
  return { type: 'table', reason: `${seriesCount} rows are easier to scan in a table` };
}
