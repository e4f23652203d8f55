import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTable } from './table.js';

test('columns are padded to their widest cell, two spaces apart, like kubectl', () => {
  assert.equal(formatTable(['NAME', 'STATE', 'URL'], [['prometheus', 'running', 'http://127.0.0.1:19090'], ['agent', 'stopped', '']], { indent: '  ' }), [
    '  NAME        STATE    URL',
    '  prometheus  running  http://127.0.0.1:19090',
    '  agent       stopped',
  ]);
});

test.run();
