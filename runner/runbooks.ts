/**
 * scenarios/<name>/runbook.md, rendered from runbook.yaml with the default parameters (`npm run
 * runbooks` writes them; runbooks.test.ts fails when one is stale). Placeholders that only a run can
 * resolve (node=auto, the crash-loop's auto setting) are shown as <node>, <setting>.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllScenarios, type ScenarioDefinition } from '../scenarios/catalog.js';
import { renderDeep, resolveParams } from '../scenarios/render.js';
import { exportVariables } from './cli.js';
import { renderRunbookMarkdown } from './runbook-markdown.js';

export function defaultRunbook(definition: ScenarioDefinition): string {
  const params = resolveParams(definition.spec, {}, { fast: false, target: 'local' });
  for (const [key, value] of Object.entries(params)) if (value === 'auto') params[key] = `<${key}>`;
  const vars = exportVariables(definition, params, 'local', false);
  return renderRunbookMarkdown(renderDeep(definition.spec, vars, 'scenario.yaml'), renderDeep(definition.runbook, vars, 'runbook.yaml'));
}

export function runbookPath(definition: ScenarioDefinition): string {
  return join(definition.dir, 'runbook.md');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const definition of loadAllScenarios()) {
    writeFileSync(runbookPath(definition), defaultRunbook(definition));
    console.log(`wrote ${runbookPath(definition)}`);
  }
}
