/**
 * Adapters from the other parts of mcp/ (translate, templates, validation) to the server's ports.
 * The translator is optional: a server without it still serves PromQL, and says so when asked a
 * question in words.
 */
import type { Logger } from '../../core/log.js';
import type { Services } from '../tools/index.js';
import { templateLibrary } from './library.js';
import type { MetricsBackend } from './ports.js';
import { ruleTranslator } from './translator.js';
import { promqlValidator } from './validator.js';

export async function loadServices(backend: MetricsBackend, _logger: Logger, now: () => number = Date.now): Promise<Services> {
  return {
    templates: templateLibrary,
    validator: promqlValidator(backend),
    translator: ruleTranslator,
    ...(ruleTranslator.catalog ? { catalog: ruleTranslator.catalog(backend, now) } : {}),
  };
}
