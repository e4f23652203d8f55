/** The query cache of the MCP server: keys, the bounded expiring store, and the caching backend. */
export { normaliseQuery } from './normalise.js';
export { ResultCache, type CacheStats, type ResultCacheOptions } from './result-cache.js';
export { CachedBackend, defaultCachePolicy, toEpochMs, stepMs, type CachePolicy } from './cached-backend.js';
