/**
 * Aliases: the words people use for things whose label values say something else ("the frontend" for
 * `petsite`, "payments" for `payforadoption`). A map from a label value (a workload, container,
 * namespace or node name) to the phrases that mean it. The default map describes the pet-adoption
 * application of the local target (its roles, from the service catalog's descriptions in
 * `lib/petadoption/catalog.ts`); a cluster gives its own in a YAML or JSON file
 * (`--aliases FILE`, env `PROMETHEUS_MCP_ALIASES`), merged over the default. An alias only applies
 * when its target exists in the live catalog, so the default is harmless on other clusters, and an
 * exact label value always wins over an alias.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Label value -> phrases that name it. */
export type AliasMap = Record<string, string[]>;

/**
 * The pet-adoption application (namespace `petadoptions`), by the role each service plays. The
 * comment on each line is the service catalog's description it comes from.
 */
export const petAdoptionAliases: AliasMap = {
  // "Web front end (ASP.NET Core): home page, search, adoption and payment flows"
  petsite: ['frontend', 'front end', 'front-end', 'web front end', 'web frontend', 'website', 'web site', 'site', 'web app', 'webapp', 'ui', 'web ui', 'user interface', 'home page', 'homepage'],
  // "Pet search API (Java, Spring Boot) over DynamoDB and S3 images"
  petsearch: ['search', 'search api', 'search service', 'pet search'],
  // "Payment API (Go) writing adoptions to Aurora PostgreSQL and SQS"
  payforadoption: ['payment', 'payments', 'payment api', 'payments api', 'payment service', 'pay for adoption'],
  // "Adoption list API (Go) reading Aurora PostgreSQL and enriching with petsearch data"
  petlistadoptions: ['adoption list', 'adoptions list', 'list of adoptions', 'adoption listing', 'list adoptions', 'adoption list api'],
  // "Adoption history API (Python, Flask) over Aurora PostgreSQL"
  pethistory: ['history', 'adoption history', 'history api', 'history service', 'pet history'],
  // "Synthetic users (.NET worker) browsing, searching and adopting through petsite"
  trafficgenerator: ['traffic generator', 'load generator', 'traffic gen', 'load gen', 'loadgen', 'synthetic users', 'synthetic traffic'],
};

/** Checks and normalises an alias map read from a file: string keys, lists (or one string) of phrases. */
export function parseAliasMap(data: unknown, source = 'aliases'): AliasMap {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error(`${source}: expected a map of label value -> list of phrases (e.g. "petsite: [frontend, web site]")`);
  const out: AliasMap = {};
  for (const [target, phrases] of Object.entries(data as Record<string, unknown>)) {
    const list = typeof phrases === 'string' ? [phrases] : phrases;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !p.trim())) {
      throw new Error(`${source}: "${target}" must map to a list of phrases (got ${JSON.stringify(phrases)})`);
    }
    out[target] = list.map((p: string) => p.trim().toLowerCase());
  }
  return out;
}

/** Reads an alias file (YAML or JSON: `label value: [phrase, ...]`). Errors say which file and what is wrong. */
export function loadAliasFile(path: string): AliasMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the alias file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new Error(`the alias file ${path} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseAliasMap(data, path);
}

/**
 * `extra` over `base`: phrases of the same target are added, and a phrase `extra` gives to another
 * target is taken away from `base`'s (a cluster's own meaning of "frontend" wins).
 */
export function mergeAliases(base: AliasMap, extra: AliasMap): AliasMap {
  const claimed = new Set(Object.values(extra).flat());
  const out: AliasMap = {};
  for (const [target, phrases] of Object.entries(base)) out[target] = phrases.filter((p) => !claimed.has(p));
  for (const [target, phrases] of Object.entries(extra)) out[target] = [...new Set([...(out[target] ?? []), ...phrases])];
  return out;
}

/** The aliases in effect: the default map, with the file named by `path` (if any) merged over it. */
export function aliasesFrom(path: string | undefined): AliasMap {
  return path ? mergeAliases(petAdoptionAliases, loadAliasFile(path)) : petAdoptionAliases;
}
