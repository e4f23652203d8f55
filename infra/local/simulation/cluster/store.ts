import type { Clock } from '../../../../core/clock.js';
import { isoTime } from '../../../../core/clock.js';
import { deepEqual } from '../../../../core/equal.js';
import type { Random } from '../../../../core/random.js';
import { errors } from './errors.js';
import type { KubeObject } from './objects.js';
import type { ResourceKey } from './resources.js';
import { CHAOS_KIND_NAMES } from '../../../../lib/chaos-mesh/registry.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  key: ResourceKey;
  resourceVersion: number;
  object: KubeObject;
}

export type WatchListener = (event: WatchEvent) => void;

/** Kinds whose `metadata.generation` follows spec changes, as in kube-apiserver. */
const GENERATION_KINDS = new Set<string>(['Deployment', 'ReplicaSet', 'DaemonSet', 'PodDisruptionBudget', ...CHAOS_KIND_NAMES, 'NetworkPolicy']);

const HISTORY_LIMIT = 20_000;

/**
 * The cluster's etcd: objects by resource, namespace and name, with a global resourceVersion,
 * optimistic concurrency and a watch history. Reads return the stored objects themselves (treat them as
 * read-only); every write goes through create/update/delete so versions and watchers stay right.
 */
export class ObjectStore {
  private readonly objects = new Map<ResourceKey, Map<string, KubeObject>>();
  private readonly listeners = new Set<{ key?: ResourceKey; namespace?: string; listener: WatchListener }>();
  private readonly history: WatchEvent[] = [];
  private revision = 1;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Oldest resourceVersion a watch can still resume from. */
  get oldestWatchableVersion(): number {
    return this.history.length ? this.history[0]!.resourceVersion - 1 : this.revision;
  }

  get<T extends KubeObject>(key: ResourceKey, namespace: string | undefined, name: string): T | undefined {
    return this.bucket(key).get(id(namespace, name)) as T | undefined;
  }

  require<T extends KubeObject>(key: ResourceKey, namespace: string | undefined, name: string): T {
    const found = this.get<T>(key, namespace, name);
    if (!found) throw errors.notFound(key.split('/')[1]!, name, key.split('/')[0]);
    return found;
  }

  list<T extends KubeObject>(key: ResourceKey, namespace?: string): T[] {
    const all = [...this.bucket(key).values()] as T[];
    const filtered = namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
    return filtered.sort(byNamespaceAndName);
  }

  create<T extends KubeObject>(key: ResourceKey, object: T, options: { dryRun?: boolean } = {}): T {
    const created = structuredClone(object);
    const meta = created.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + this.random.suffix(5);
    if (!meta.name) throw errors.invalid(object.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
    const bucket = this.bucket(key);
    if (bucket.has(id(meta.namespace, meta.name))) throw errors.alreadyExists(key.split('/')[1]!, meta.name, key.split('/')[0]);
    meta.uid = meta.uid ?? uuid(this.random);
    meta.creationTimestamp = meta.creationTimestamp ?? isoTime(this.clock.now());
    if (GENERATION_KINDS.has(created.kind)) meta.generation = 1;
    if (options.dryRun) return created;
    meta.resourceVersion = String(++this.revision);
    bucket.set(id(meta.namespace, meta.name), created);
    this.emit('ADDED', key, created);
    return created;
  }

  /**
   * Replaces an object. With `expectedResourceVersion` the write fails with 409 Conflict when someone
   * else wrote first, exactly like an update carrying metadata.resourceVersion.
   */
  update<T extends KubeObject>(key: ResourceKey, object: T, options: { expectedResourceVersion?: string; dryRun?: boolean; rewriteCreationTimestamp?: boolean } = {}): T {
    const { name, namespace } = object.metadata;
    const current = this.require<T>(key, namespace, name);
    if (options.expectedResourceVersion && options.expectedResourceVersion !== current.metadata.resourceVersion) {
      throw errors.conflict(key.split('/')[1]!, name, 'the object has been modified; please apply your changes to the latest version and try again', key.split('/')[0]);
    }
    const next = structuredClone(object);
    next.metadata.uid = current.metadata.uid;
    // Only the seeding of the cluster's past rewrites when an object was born; every API write keeps it.
    if (!options.rewriteCreationTimestamp) next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (GENERATION_KINDS.has(next.kind)) {
      const specChanged = !deepEqual((current as unknown as { spec?: unknown }).spec, (next as unknown as { spec?: unknown }).spec);
      next.metadata.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (deepEqual(next, current)) return current;
    if (options.dryRun) return next;
    next.metadata.resourceVersion = String(++this.revision);
    this.bucket(key).set(id(namespace, name), next);
    this.emit('MODIFIED', key, next);
    return next;
  }

  /** Read-modify-write for controllers: the change function edits a copy; no-op edits write nothing. */
  mutate<T extends KubeObject>(key: ResourceKey, namespace: string | undefined, name: string, change: (object: T) => void): T {
    const copy = structuredClone(this.require<T>(key, namespace, name));
    change(copy);
    return this.update(key, copy);
  }

  delete<T extends KubeObject>(key: ResourceKey, namespace: string | undefined, name: string, options: { dryRun?: boolean } = {}): T {
    const current = this.require<T>(key, namespace, name);
    if (options.dryRun) return current;
    this.bucket(key).delete(id(namespace, name));
    const tombstone = structuredClone(current);
    tombstone.metadata.resourceVersion = String(++this.revision);
    this.emit('DELETED', key, tombstone);
    return tombstone;
  }

  /**
   * Subscribes to changes. With `sinceResourceVersion`, first replays the retained history after it;
   * a version older than the history gets 410 Gone, as etcd compaction would.
   */
  watch(filter: { key?: ResourceKey; namespace?: string; sinceResourceVersion?: number }, listener: WatchListener): () => void {
    if (filter.sinceResourceVersion !== undefined) {
      if (filter.sinceResourceVersion < this.oldestWatchableVersion) {
        const error = errors.badRequest(`too old resource version: ${filter.sinceResourceVersion} (${this.oldestWatchableVersion})`);
        Object.assign(error, { code: 410, reason: 'Expired' });
        throw error;
      }
      for (const event of this.history) {
        if (event.resourceVersion > filter.sinceResourceVersion && matchesFilter(event, filter)) listener(event);
      }
    }
    const entry = { key: filter.key, namespace: filter.namespace, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  private emit(type: WatchEventType, key: ResourceKey, object: KubeObject): void {
    const event: WatchEvent = { type, key, resourceVersion: this.revision, object };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const entry of this.listeners) if (matchesFilter(event, entry)) entry.listener(event);
  }

  private bucket(key: ResourceKey): Map<string, KubeObject> {
    let bucket = this.objects.get(key);
    if (!bucket) this.objects.set(key, (bucket = new Map()));
    return bucket;
  }
}

function matchesFilter(event: WatchEvent, filter: { key?: ResourceKey; namespace?: string }): boolean {
  return (!filter.key || filter.key === event.key) && (!filter.namespace || filter.namespace === event.object.metadata.namespace);
}

function id(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}

export function uuid(random: Random): string {
  const h = random.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
