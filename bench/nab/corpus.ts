/**
 * Loading a NAB corpus directory: `combined_windows.json` (the anomaly windows per data file) and the
 * data files it names (`realKnownCause/nyc_taxi.csv`, ...). Files named in the windows but missing
 * from the directory are skipped and reported, so a partial corpus (like ours) still scores.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvSeriesReader } from '../../mcp/detect/csv.js';
import { parseTimestamp } from '../../lib/prometheus/anomaly/timestamps.js';
import type { LabelledFile } from './scoring.js';

export interface NabDataFile extends LabelledFile {
  values: number[];
}

export interface NabCorpus {
  files: NabDataFile[];
  /** Files the labels name that are not in the directory. */
  missing: string[];
}

export async function loadNabCorpus(dir: string): Promise<NabCorpus> {
  let windowsJson: string;
  try {
    windowsJson = await readFile(join(dir, 'combined_windows.json'), 'utf8');
  } catch {
    throw new Error(`no NAB corpus at ${dir}: combined_windows.json not found (pass --nab-dir DIR; see numenta/NAB labels/ and data/)`);
  }
  const windows = JSON.parse(windowsJson) as Record<string, [string, string][]>;
  const files: NabDataFile[] = [];
  const missing: string[] = [];
  for (const name of Object.keys(windows).sort()) {
    if (!(await isFile(join(dir, name)))) {
      missing.push(name);
      continue;
    }
    // NAB rows are in file order; a few files have repeated or backward timestamps, scored as they are.
    const reader = new CsvSeriesReader({ allowUnsorted: true });
    const timestamps: number[] = [];
    const values: number[] = [];
    for await (const row of reader.rows(createReadStream(join(dir, name), 'utf8'))) {
      timestamps.push(row.t);
      values.push(row.value);
    }
    files.push({
      name,
      timestamps,
      values,
      windows: windows[name]!.map(([start, end]) => [parseTimestamp(start), parseTimestamp(end)] as const),
    });
  }
  return { files, missing };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
