/**
 * Adapters from the other parts of mcp/ (translate, templates, validation) to the server's ports.
 * The translator is optional: a server without it still serves PromQL, and says so when asked a
 * question in words.
 */
import type { Logger } from '../../core/log.js';
import type { Services } from '../tools/index.js';
import { templateLibrary } from './library.js';
import type { MetricsBackend } from './ports.js';
import type { AliasMap } from '../translate/index.js';
import { ruleTranslatorWith } from './translator.js';
import { promqlValidator } from './validator.js';

export async function loadServices(backend: MetricsBackend, _logger: Logger, now: () => number = Date.now, options: { aliases?: AliasMap } = {}): Promise<Services> {
  const translator = ruleTranslatorWith(options);
  return {
    templates: templateLibrary,
    validator: promqlValidator(backend),
    translator,
    ...(translator.catalog ? { catalog: translator.catalog(backend, now) } : {}),
  };
}
