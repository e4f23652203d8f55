/**
 * Every detector kind, by name. Adding a detector is adding a file that exports a `DetectorKind` and
 * one line here; the ensemble, the CLI and the MCP tool pick it up from this map.
 */
import type { DetectorKind } from '../types.js';
import { growth } from './growth.js';
import { levelShift } from './level-shift.js';
import { outOfRange } from './out-of-range.js';
import { robustZScore } from './robust-zscore.js';
import { seasonal } from './seasonal.js';
import { spike } from './spike.js';

export const detectorKinds: Readonly<Record<string, DetectorKind>> = {
  [robustZScore.name]: robustZScore,
  [spike.name]: spike,
  [levelShift.name]: levelShift,
  [seasonal.name]: seasonal,
  [outOfRange.name]: outOfRange,
  [growth.name]: growth,
};

export function detectorKind(name: string): DetectorKind {
  const kind = detectorKinds[name];
  if (!kind) throw new RangeError(`unknown detector "${name}" (known: ${Object.keys(detectorKinds).join(', ')})`);
  return kind;
}
