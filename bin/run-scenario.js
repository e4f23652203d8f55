#!/usr/bin/env node
// `run-scenario` runs the compiled JavaScript (bin/run-scenario.ts built into dist/ by `npm run build`, which npm ci runs).
import('../dist/bin/run-scenario.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin/run-scenario.js')) {
    process.stderr.write('run-scenario: the kit is not built yet: run `npm run build` in ' + new URL('..', import.meta.url).pathname + '\n');
    process.exit(1);
  }
  throw error;
});
