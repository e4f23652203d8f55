import type { KubeObject, Namespace, PodDisruptionBudget } from '../../cluster/objects.js';
import { formatSelector } from '../../cluster/selectors.js';
import type { ObjectStore } from '../../cluster/store.js';
import { disruptionStatus } from '../disruption.js';
import type { TablePrinter } from './table.js';
import { age, ageColumn, column, nameColumn } from './table.js';

type Loose = Record<string, unknown>;

export const namespacePrinter: TablePrinter<Namespace> = {
  columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
  row: (ns, now) => ({ cells: [ns.metadata.name, ns.status?.phase ?? 'Active', age(ns, now)] }),
};

export const pdbPrinter: TablePrinter<PodDisruptionBudget> = {
  columns: [
    nameColumn,
    column('Min Available', 'The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'),
    column('Allowed Disruptions', 'Number of pod disruptions that are currently allowed.', { type: 'integer' }),
    ageColumn,
  ],
  row: (pdb, now, store?: ObjectStore) => {
    const allowed = pdb.status?.disruptionsAllowed ?? (store ? disruptionStatus(store, pdb).disruptionsAllowed : 0);
    return { cells: [pdb.metadata.name, pdb.spec.minAvailable ?? 'N/A', pdb.spec.maxUnavailable ?? 'N/A', allowed, age(pdb, now)] };
  },
};

export const servicePrinter: TablePrinter<KubeObject & { spec: Loose; status?: Loose }> = {
  columns: [
    nameColumn,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { priority: 1 }),
  ],
  row: (svc, now) => {
    const spec = svc.spec ?? {};
    const type = (spec.type as string) ?? 'ClusterIP';
    const ingress = ((svc.status?.loadBalancer as Loose | undefined)?.ingress as { ip?: string; hostname?: string }[] | undefined) ?? [];
    const external = type === 'LoadBalancer' ? ingress.map((i) => i.ip || i.hostname).join(',') || '<pending>' : ((spec.externalIPs as string[] | undefined) ?? []).join(',') || '<none>';
    const ports = ((spec.ports as Loose[] | undefined) ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
    const selector = Object.entries((spec.selector as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
    return { cells: [svc.metadata.name, type, (spec.clusterIP as string) || '<none>', external, ports, age(svc, now), selector] };
  },
};

export const configMapPrinter: TablePrinter<KubeObject & { data?: Loose; binaryData?: Loose }> = {
  columns: [nameColumn, column('Data', 'Data contains the configuration data.', { type: 'integer' }), ageColumn],
  row: (cm, now) => ({ cells: [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm, now)] }),
};

export const networkPolicyPrinter: TablePrinter<KubeObject & { spec?: { podSelector?: Loose } }> = {
  columns: [nameColumn, column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), ageColumn],
  row: (np, now) => ({ cells: [np.metadata.name, formatSelector(np.spec?.podSelector ?? {}) || '<none>', age(np, now)] }),
};

/** Kinds without a printer (custom resources without additionalPrinterColumns) get NAME and AGE. */
export const genericPrinter: TablePrinter = {
  columns: [nameColumn, ageColumn],
  row: (object, now) => ({ cells: [object.metadata.name, age(object, now)] }),
};
