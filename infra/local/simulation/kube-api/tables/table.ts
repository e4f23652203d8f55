import { formatAge } from '../../../../../core/duration.js';
import type { KubeObject } from '../../cluster/objects.js';
import type { ObjectStore } from '../../cluster/store.js';

/** meta.k8s.io/v1 Table, the server-side printing kubectl asks for with `Accept: ...;as=Table`. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** One kind's columns (priority 1 columns are what `-o wide` adds) and how to fill a row. */
export interface TablePrinter<T extends KubeObject = KubeObject> {
  columns: TableColumn[];
  /** `store` lets a printer derive what no controller keeps in status here (PDB allowed disruptions). */
  row(object: T, now: number, store?: ObjectStore): Pick<TableRow, 'cells' | 'conditions'>;
}

export function column(name: string, description: string, options: { type?: string; format?: string; priority?: number } = {}): TableColumn {
  return { name, type: options.type ?? 'string', format: options.format ?? '', description, priority: options.priority ?? 0 };
}

export const nameColumn = column('Name', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', { format: 'name' });
export const ageColumn = column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.');

/** kubectl's duration.HumanDuration of the time since `timestamp` ("<unknown>" when unset). */
export function since(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return '<unknown>';
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '<unknown>';
  const ms = now - then;
  if (ms < -2000) return '<invalid>';
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 24 * 365 * 2) {
    const years = Math.floor(hours / 24 / 365);
    const days = Math.floor(hours / 24) % 365;
    return hours < 24 * 365 * 8 && days ? `${years}y${days}d` : `${years}y`;
  }
  return formatAge(ms);
}

export function age(object: KubeObject, now: number): string {
  return since(object.metadata.creationTimestamp, now);
}
