import type { Clock } from '../../../../core/clock.js';
import { isoTime, isoTimeMicro } from '../../../../core/clock.js';
import type { Random } from '../../../../core/random.js';
import type { KubeEvent, KubeObject, ObjectReference } from './objects.js';
import { EVENT } from './resources.js';
import type { ObjectStore } from './store.js';

export interface EventSource {
  component: string;
  host?: string;
}

/**
 * Records core/v1 Events the way client-go's recorder does: one object per (object, reason, message),
 * named `<object>.<hex>`, whose `count` and `lastTimestamp` grow when the same thing happens again.
 */
export class EventRecorder {
  private readonly index = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  normal(object: KubeObject | ObjectReference, reason: string, message: string, source: EventSource): KubeEvent {
    return this.record(object, 'Normal', reason, message, source);
  }

  warning(object: KubeObject | ObjectReference, reason: string, message: string, source: EventSource): KubeEvent {
    return this.record(object, 'Warning', reason, message, source);
  }

  record(object: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): KubeEvent {
    const ref = toReference(object, fieldPath);
    const namespace = ref.namespace ?? 'default';
    const now = isoTime(this.clock.now());
    const dedupeKey = [ref.uid ?? ref.name, ref.fieldPath ?? '', type, reason, message, source.component].join('\u0000');
    const existingName = this.index.get(dedupeKey);
    if (existingName) {
      const existing = this.store.get<KubeEvent>(EVENT, namespace, existingName);
      if (existing) {
        return this.store.mutate<KubeEvent>(EVENT, namespace, existingName, (e) => {
          e.count += 1;
          e.lastTimestamp = now;
        });
      }
    }
    const name = `${ref.name}.${this.random.hex(16)}`;
    const event: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      eventTime: null,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.index.set(dedupeKey, name);
    return this.store.create(EVENT, event);
  }

  /** Drops events older than the TTL (kube-apiserver --event-ttl, 1h by default). */
  expire(ttlMs: number): void {
    const cutoff = this.clock.now() - ttlMs;
    for (const event of this.store.list<KubeEvent>(EVENT)) {
      if (Date.parse(event.lastTimestamp) < cutoff) this.store.delete(EVENT, event.metadata.namespace, event.metadata.name);
    }
    if (this.index.size > 5000) {
      for (const [key, name] of this.index) if (!this.store.list<KubeEvent>(EVENT).some((e) => e.metadata.name === name)) this.index.delete(key);
    }
  }
}

export function toReference(object: KubeObject | ObjectReference, fieldPath?: string): ObjectReference {
  if ('metadata' in object) {
    return {
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      apiVersion: object.apiVersion,
      resourceVersion: object.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    };
  }
  return fieldPath ? { ...object, fieldPath } : object;
}

export { isoTimeMicro };
