#!/usr/bin/env node
// `prometheus-mcp` runs the compiled JavaScript (bin/prometheus-mcp.ts built into dist/ by `npm run build`, which npm ci runs).
import('../dist/bin/prometheus-mcp.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin/prometheus-mcp.js')) {
    process.stderr.write('prometheus-mcp: the kit is not built yet: run `npm run build` in ' + new URL('..', import.meta.url).pathname + '\n');
    process.exit(1);
  }
  throw error;
});
