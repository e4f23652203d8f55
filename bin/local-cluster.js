#!/usr/bin/env node
// `local-cluster` runs the compiled JavaScript (bin/local-cluster.ts built into dist/ by `npm run build`, which npm ci runs).
import('../dist/bin/local-cluster.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin/local-cluster.js')) {
    process.stderr.write('local-cluster: the kit is not built yet: run `npm run build` in ' + new URL('..', import.meta.url).pathname + '\n');
    process.exit(1);
  }
  throw error;
});
