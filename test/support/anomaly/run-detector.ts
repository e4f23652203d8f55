/**
 * Test helper: runs one detector over a series and returns every verdict (index-aligned), plus the
 * strongest one. Not a test itself; shared by the detector tests beside it.
 */
import type { DetectorKind, Sample, SeriesContext, Verdict } from '../../../lib/prometheus/anomaly/types.js';

export function runDetector(kind: DetectorKind, samples: Sample[], context: SeriesContext = {}, sensitivity = 0.5) {
  const detector = kind.create({ sensitivity, context });
  const verdicts: Verdict[] = samples.map((s) => detector.observe(s));
  let strongest = 0;
  verdicts.forEach((v, i) => {
    if (v.surprise > verdicts[strongest]!.surprise) strongest = i;
  });
  return { detector, verdicts, strongest, top: verdicts[strongest]! };
}
