/**
 * `node --import tsx --import ./kit-sources.mjs ...`: lets the CDK app and its tests import the kit's
 * own sources (scenarios/, infra/local/deploy/rules.ts, the simulation's service catalog) without the
 * root package being installed. Those files import packages by bare name (`yaml`, `zod`,
 * `handlebars`); Node would look for them in the root's node_modules, which a fresh clone that only
 * ran `npm ci` in infra/eks does not have. The hook resolves them from infra/eks/node_modules instead,
 * always (installed root or not), so the versions are the ones infra/eks's lockfile pins.
 * Registered after tsx so it runs first: it only changes where a bare name is looked up, then hands
 * over to tsx (which maps `.js` imports to `.ts` files) and Node. Why this and not a copy of the rules:
 * docs/adr/0006-one-source-for-rules-and-scenario-templates.md.
 */
import { register } from 'node:module';

register('./kit-sources-hooks.mjs', import.meta.url);
