/**
 * Aliases: the built-in pet-adoption map agrees with the service catalog, files are read and checked,
 * a cluster's own map is merged over the default, and the index uses them (exactly, with typos, never
 * as a part of a phrase), as well as zones for nodes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { services } from '../../lib/petadoption/catalog.js';
import { aliasesFrom, loadAliasFile, mergeAliases, parseAliasMap, petAdoptionAliases } from './aliases.js';
import { staticCatalog } from './catalog.js';
import { EntityIndex } from './entity-index.js';
import { resolveEntities } from './resolve.js';
import { loadSnapshot, zoneOfProviderId } from './snapshot.js';
import { petCatalog, petNodes } from '../../test/support/mcp/pet-catalog.js';
import { tokenize } from './text.js';

test('the default map names every service of the pet-adoption catalog by its role', () => {
  assert.equal(Object.keys(petAdoptionAliases).sort(), services.map((s) => s.name).sort());
  for (const s of services) {
    // "Web front end (ASP.NET Core): ..." -> "web front end"; "Pet search API (...)" -> "search".
    const role = s.description.split('(')[0]!.toLowerCase().replace(/\b(?:pet|api|service)\b/g, '').replace(/\s+/g, ' ').trim();
    assert.ok(petAdoptionAliases[s.name]!.includes(role), `${s.name}: "${role}" (from "${s.description}")`);
  }
});

test('alias files: YAML or JSON maps of label value -> phrases, checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliases-'));
  const yaml = join(dir, 'a.yaml');
  writeFileSync(yaml, 'checkout: [Cart, basket service]\nweb: storefront\n');
  assert.equal(loadAliasFile(yaml), { checkout: ['cart', 'basket service'], web: ['storefront'] });
  const json = join(dir, 'a.json');
  writeFileSync(json, '{"checkout": ["cart"]}');
  assert.equal(loadAliasFile(json), { checkout: ['cart'] });
  assert.throws(() => parseAliasMap(['x']), /expected a map of label value -> list of phrases/);
  assert.throws(() => parseAliasMap({ a: [1] }), /"a" must map to a list of phrases/);
  assert.throws(() => loadAliasFile(join(dir, 'missing.yaml')), /cannot read the alias file .*missing\.yaml: ENOENT/);
  assert.equal(parseAliasMap(null), {});
});

test('a cluster\'s own aliases are merged over the default, and take the phrases they reuse', () => {
  const merged = mergeAliases(petAdoptionAliases, { 'web-frontend': ['frontend'], petsearch: ['finder'] });
  assert.ok(!merged.petsite!.includes('frontend'));
  assert.ok(merged.petsite!.includes('website'));
  assert.equal(merged['web-frontend'], ['frontend']);
  assert.ok(merged.petsearch!.includes('finder') && merged.petsearch!.includes('search'));
  assert.is(aliasesFrom(undefined), petAdoptionAliases);
});

const index = new EntityIndex(await loadSnapshot(petCatalog()), petAdoptionAliases);
const found = (text: string) => resolveEntities(text, tokenize(text), index).matches.map((m) => `${m.kind}:${m.value}`);

const cases: [question: string, expected: string[]][] = [
  ['memory of the frontend', ['service:petsite']],
  ['p95 of the web site', ['service:petsite']],
  ['error rate of the payments api', ['service:payforadoption']],
  ['restarts of the adoption list service', ['service:petlistadoptions']],
  ['how slow is the history api', ['service:pethistory']],
  ['cpu of the load generator', ['service:trafficgenerator']],
  ['latency of the frontnd', ['service:petsite']],
  ['memory of serach', ['service:petsearch']],
  ['p95 latency of paymentservice', ['service:payforadoption']],
  // A domain word used as a name only stands for it where a name stands.
  ['error ratio of history', ['service:pethistory']],
  ['compare search and history latency', ['service:petsearch', 'service:pethistory']],
  ['show the restart history of petsite', ['service:petsite']],
  ['restart history', []],
  // An exact label value wins over an alias; a part of an alias phrase is no alias.
  ['memory of petsearch', ['service:petsearch']],
  ['error rate of the adoption service', ['service:payforadoption']],
  // Routes named in words, narrowed to the service the question names.
  ['latency of the Search page on the frontend', ['route:/Search', 'service:petsite']],
  ['p99 of the take me home route', ['route:/Adoption/TakeMeHome']],
];
for (const [question, expected] of cases) {
  test(`aliases: "${question}"`, () => assert.equal(found(question), expected));
}

test('zones: from the provider id, or a topology label when the metrics carry one', async () => {
  assert.is(zoneOfProviderId('aws:///us-west-2b/i-09e3e17b6e5baa7cf'), 'us-west-2b');
  assert.is(zoneOfProviderId('gce://my-project/europe-west1-b/gke-node-1'), 'europe-west1-b');
  assert.is(zoneOfProviderId('kind://docker/kind/kind-worker'), undefined);
  assert.equal(found('load of the node in us-west-2b'), [`node:${petNodes[2]}`]);
  const labelled = staticCatalog([
    { __name__: 'node_load1', node: 'a' },
    { __name__: 'node_load1', node: 'b' },
    { __name__: 'node_load1', node: 'c' },
    { __name__: 'kube_node_labels', node: 'a', label_topology_kubernetes_io_zone: 'eu-west-1a' },
    { __name__: 'kube_node_labels', node: 'b', label_topology_kubernetes_io_zone: 'eu-west-1a' },
    { __name__: 'kube_node_labels', node: 'c', label_topology_kubernetes_io_zone: 'eu-west-1b' },
  ]);
  const snapshot = await loadSnapshot(labelled);
  assert.equal(snapshot.zones, [{ zone: 'eu-west-1a', nodes: ['a', 'b'] }, { zone: 'eu-west-1b', nodes: ['c'] }]);
  const zoned = new EntityIndex(snapshot);
  const text = 'cpu of the nodes in eu-west-1a';
  assert.equal(resolveEntities(text, tokenize(text), zoned).matches.map((m) => m.value), ['a', 'b']);
  // Zones differ by a letter: a typo of one is not read as another.
  assert.equal(resolveEntities('cpu in eu-west-1c', tokenize('cpu in eu-west-1c'), zoned).matches, []);
});

test.run();
