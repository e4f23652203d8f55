import type { KubeObject } from '../../cluster/objects.js';
import type { ObjectStore } from '../../cluster/store.js';
import { eventPrinter } from './events.js';
import { configMapPrinter, genericPrinter, namespacePrinter, networkPolicyPrinter, pdbPrinter, servicePrinter } from './misc.js';
import { nodePrinter } from './nodes.js';
import {
  apiServicePrinter, controllerRevisionPrinter, createdAtPrinter, endpointSlicePrinter, endpointsPrinter, leasePrinter, priorityClassPrinter, roleBindingPrinter,
  secretPrinter, serviceAccountPrinter, storageClassPrinter, webhookConfigurationPrinter,
} from './cluster.js';
import { podPrinter } from './pods.js';
import type { Table, TablePrinter, TableRow } from './table.js';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter } from './workloads.js';

export type { Table, TableColumn, TablePrinter, TableRow } from './table.js';
export { podSummary } from './pods.js';
export { nodeStatus } from './nodes.js';

/** One printer per kind, as the API server registers them; anything else prints NAME and AGE. */
const printers: Record<string, TablePrinter> = {
  Pod: podPrinter as TablePrinter,
  Node: nodePrinter as TablePrinter,
  Namespace: namespacePrinter as TablePrinter,
  Event: eventPrinter as TablePrinter,
  Service: servicePrinter as TablePrinter,
  ConfigMap: configMapPrinter as TablePrinter,
  Deployment: deploymentPrinter as TablePrinter,
  ReplicaSet: replicaSetPrinter as TablePrinter,
  DaemonSet: daemonSetPrinter as TablePrinter,
  PodDisruptionBudget: pdbPrinter as TablePrinter,
  NetworkPolicy: networkPolicyPrinter as TablePrinter,
  Endpoints: endpointsPrinter as TablePrinter,
  EndpointSlice: endpointSlicePrinter as TablePrinter,
  ServiceAccount: serviceAccountPrinter as TablePrinter,
  Secret: secretPrinter as TablePrinter,
  ControllerRevision: controllerRevisionPrinter as TablePrinter,
  Lease: leasePrinter as TablePrinter,
  PriorityClass: priorityClassPrinter as TablePrinter,
  StorageClass: storageClassPrinter as TablePrinter,
  ClusterRole: createdAtPrinter as TablePrinter,
  Role: createdAtPrinter as TablePrinter,
  CustomResourceDefinition: createdAtPrinter as TablePrinter,
  ClusterRoleBinding: roleBindingPrinter as TablePrinter,
  RoleBinding: roleBindingPrinter as TablePrinter,
  APIService: apiServicePrinter as TablePrinter,
  MutatingWebhookConfiguration: webhookConfigurationPrinter as TablePrinter,
  ValidatingWebhookConfiguration: webhookConfigurationPrinter as TablePrinter,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now: number;
  store?: ObjectStore;
  includeObject: IncludeObject;
  /** Watch events after the first leave the column definitions out, as the server does. */
  noHeaders?: boolean;
  apiVersion?: string;
  listMeta?: Table['metadata'];
}

export function partialObjectMetadata(object: KubeObject, apiVersion = 'meta.k8s.io/v1'): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: object.metadata };
}

export function toTable(kind: string, objects: KubeObject[], options: TableOptions): Table {
  const printer = printers[kind] ?? genericPrinter;
  const apiVersion = options.apiVersion ?? 'meta.k8s.io/v1';
  const rows: TableRow[] = objects.map((object) => {
    const row: TableRow = printer.row(object, options.now, options.store);
    if (options.includeObject === 'Object') row.object = object;
    else if (options.includeObject === 'Metadata') row.object = partialObjectMetadata(object, apiVersion);
    return row;
  });
  return { kind: 'Table', apiVersion, metadata: options.listMeta ?? {}, columnDefinitions: options.noHeaders ? [] : printer.columns, rows };
}
