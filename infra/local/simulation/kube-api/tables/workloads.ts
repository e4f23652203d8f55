import type { DaemonSet, Deployment, LabelSelector, PodTemplateSpec, ReplicaSet } from '../../cluster/objects.js';
import { formatSelector } from '../../cluster/selectors.js';
import type { TablePrinter } from './table.js';
import { age, ageColumn, column, nameColumn } from './table.js';

const containersColumn = column('Containers', 'Names of each container in the template.', { priority: 1 });
const imagesColumn = column('Images', 'Images referenced by each container in the template.', { priority: 1 });
const selectorColumn = column('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', { priority: 1 });

function templateCells(template: PodTemplateSpec | undefined, selector: LabelSelector | undefined): string[] {
  const containers = template?.spec?.containers ?? [];
  const formatted = selector ? formatSelector(selector) : '';
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), formatted || '<none>'];
}

export const deploymentPrinter: TablePrinter<Deployment> = {
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', { type: 'integer' }),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', { type: 'integer' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (d, now) => ({
    cells: [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d, now),
      ...templateCells(d.spec.template, d.spec.selector),
    ],
  }),
};

export const replicaSetPrinter: TablePrinter<ReplicaSet> = {
  columns: [
    nameColumn,
    column('Desired', 'Number of desired pods in a ReplicaSet.', { type: 'integer' }),
    column('Current', 'Number of actual pods in a ReplicaSet.', { type: 'integer' }),
    column('Ready', 'The number of ready pods in a ReplicaSet.', { type: 'integer' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (rs, now) => ({
    cells: [rs.metadata.name, rs.spec.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now), ...templateCells(rs.spec.template, rs.spec.selector)],
  }),
};

export const daemonSetPrinter: TablePrinter<DaemonSet> = {
  columns: [
    nameColumn,
    column('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    column('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', { type: 'integer' }),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', { type: 'integer' }),
    column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  row: (ds, now) => {
    const nodeSelector = Object.entries(ds.spec.template?.spec?.nodeSelector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return {
      cells: [
        ds.metadata.name,
        ds.status?.desiredNumberScheduled ?? 0,
        ds.status?.currentNumberScheduled ?? 0,
        ds.status?.numberReady ?? 0,
        ds.status?.updatedNumberScheduled ?? 0,
        ds.status?.numberAvailable ?? 0,
        nodeSelector || '<none>',
        age(ds, now),
        ...templateCells(ds.spec.template, ds.spec.selector),
      ],
    };
  },
};
