#!/usr/bin/env node
// `devops-agent` runs the compiled JavaScript (bin/devops-agent.ts built into dist/ by `npm run build`, which npm ci runs).
import('../dist/bin/devops-agent.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin/devops-agent.js')) {
    process.stderr.write('devops-agent: the kit is not built yet: run `npm run build` in ' + new URL('..', import.meta.url).pathname + '\n');
    process.exit(1);
  }
  throw error;
});
