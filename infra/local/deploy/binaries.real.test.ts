// The tests of binaries.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBinaries } from './binaries.js';

test('the installed programs are found, with their versions', async () => {
  const binaries = await ensureBinaries({ install: false, say: () => {} });
  assert.match(binaries.prometheusVersion, /^2\.\d+/);
  assert.match(binaries.alertmanagerVersion, /^0\.\d+/);
});

test.run();
