import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitByBlock, summarise } from './backfill.js';

const dir = mkdtempSync(join(tmpdir(), 'backfill-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('summarise reads samples, series and blocks from promtool output', () => {
  const output = [
    'BLOCK ULID                  MIN TIME       MAX TIME       DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE',
    '01M89T4D1GCDEMR5XR8EA6W4JN  1795604126000  1795607996001  1h4m30.001s  260          2            2            1045',
    '01M89T4D1VBFVJRVNC71N4CJXX  1795608026000  1795615196001  1h59m30.001s  480          4            2            1360',
  ].join('\n');
  assert.equal(summarise(output), { samples: 740, series: 2, blocks: 2 });
});

test('the history is split by 2 h block window, aligned like promtool, metadata copied to every part', async () => {
  const historyFile = join(dir, 'split.om');
  const base = 1795600000 - (1795600000 % 7200);
  writeFileSync(historyFile, ['# TYPE g gauge', `g 1 ${base - 30}`, `g 2 ${base}`, '# TYPE c counter', `c_total 3 ${base + 30}.000`, `g 4 ${base - 60}`, '# EOF', ''].join('\n'));
  const parts = await splitByBlock(historyFile, join(dir, 'parts'));
  assert.equal(parts.map((p) => readFileSync(p, 'utf8')), [
    `# TYPE g gauge\ng 1 ${base - 30}\n# TYPE c counter\ng 4 ${base - 60}\n# EOF\n`,
    `# TYPE g gauge\ng 2 ${base}\n# TYPE c counter\nc_total 3 ${base + 30}.000\n# EOF\n`,
  ]);
});

test.run();
