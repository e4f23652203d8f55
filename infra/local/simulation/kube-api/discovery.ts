import { createHash } from 'node:crypto';
import type { ResourceType } from '../cluster/resources.js';
import { resourceTypes } from '../cluster/resources.js';
import { servedGroups } from './routes.js';

/**
 * Discovery documents built from the one resource registry: the legacy per-group-version form and the
 * aggregated form (apidiscovery.k8s.io/v2) that kubectl 1.30+ asks for first, so one request answers
 * the whole RESTMapper.
 */

/** An EKS 1.31 control plane, as `kubectl version` shows one. */
export const serverVersion = {
  major: '1',
  minor: '31+',
  gitVersion: 'v1.31.9-eks-5d4a308',
  gitCommit: '5d4a3083a1c5c5a0f2ba4a16e8b0aef7a5aec2b3',
  gitTreeState: 'clean',
  buildDate: '2025-05-20T18:33:34Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_DISCOVERY_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** The aggregated media type the client accepts, if any (v2 preferred, as the server does). */
export function acceptedAggregatedDiscovery(accept: string | undefined): string | undefined {
  const offers = (accept ?? '').split(',').map((o) => o.replace(/\s+/g, '').toLowerCase());
  if (offers.includes(AGGREGATED_DISCOVERY_V2.toLowerCase())) return AGGREGATED_DISCOVERY_V2;
  if (offers.includes(AGGREGATED_DISCOVERY_V2BETA1.toLowerCase())) return AGGREGATED_DISCOVERY_V2BETA1;
  return undefined;
}

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '192.168.0.10:443' }] };
}

function apiGroup(group: string, versions: string[]): unknown {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups.map((g) => apiGroup(g.group, g.versions)) };
}

export function apiGroupDocument(group: string): unknown {
  const served = servedGroups.find((g) => g.group === group)!;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(group, served.versions) as object) };
}

function typesIn(group: string, version: string): ResourceType[] {
  return resourceTypes.filter((t) => t.group === group && t.version === version);
}

export function apiResourceList(group: string, version: string): unknown {
  const resources: unknown[] = [];
  for (const t of typesIn(group, version)) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
      storageVersionHash: storageVersionHash(t),
    });
    for (const s of t.subresources ?? []) {
      resources.push({
        name: `${t.plural}/${s.name}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(s.group !== undefined ? { group: s.group } : {}),
        ...(s.version !== undefined ? { version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function aggregatedResource(t: ResourceType): unknown {
  return {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
    ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    ...(t.categories ? { categories: t.categories } : {}),
    ...(t.subresources?.length
      ? {
          subresources: t.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

function aggregatedGroup(group: string, versions: string[]): unknown {
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: versions.map((version) => ({ version, resources: typesIn(group, version).map(aggregatedResource), freshness: 'Current' })),
  };
}

export function aggregatedDiscovery(mediaType: string, legacy: boolean): unknown {
  const apiVersion = mediaType.includes('v=v2beta1') ? 'apidiscovery.k8s.io/v2beta1' : 'apidiscovery.k8s.io/v2';
  const items = legacy ? [aggregatedGroup('', ['v1'])] : servedGroups.map((g) => aggregatedGroup(g.group, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

function storageVersionHash(t: ResourceType): string {
  return createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11);
}
