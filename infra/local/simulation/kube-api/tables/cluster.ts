import type { KubeObject } from '../../cluster/objects.js';
import type { TablePrinter } from './table.js';
import { age, ageColumn, column, nameColumn } from './table.js';

/**
 * Printers of the kinds an SRE lists to understand the cluster around the workloads (endpoints,
 * identities, RBAC, storage, API registration), with the columns of kube-apiserver's table
 * convertors (pkg/printers/internalversion/printers.go).
 */
type Loose = KubeObject & Record<string, unknown>;
const createdAtColumn = column('Created At', 'CreationTimestamp of the object', { type: 'date' });
const createdAt = (o: KubeObject) => o.metadata.creationTimestamp ?? '<unknown>';

/** At most three entries, then " + N more...", as the API server's list formatters print them. */
function firstThree(items: string[], empty: string): string {
  if (items.length === 0) return empty;
  return items.length > 3 ? `${items.slice(0, 3).join(',')} + ${items.length - 3} more...` : items.join(',');
}

interface Subset {
  addresses?: { ip: string }[];
  ports?: { port: number }[];
}

export const endpointsPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Endpoints', 'Endpoints is the list of endpoints associated with the service.'), ageColumn],
  row: (ep, now) => {
    const entries: string[] = [];
    for (const subset of (ep.subsets as Subset[] | undefined) ?? []) {
      for (const port of subset.ports?.length ? subset.ports : [undefined]) {
        for (const address of subset.addresses ?? []) entries.push(port ? `${address.ip}:${port.port}` : address.ip);
      }
    }
    return { cells: [ep.metadata.name, firstThree(entries, '<none>'), age(ep, now)] };
  },
};

export const endpointSlicePrinter: TablePrinter<Loose> = {
  columns: [
    nameColumn,
    column('AddressType', 'The IP protocol for this slice'),
    column('Ports', 'The ports exposed by this slice'),
    column('Endpoints', 'The addresses of the endpoints in this slice'),
    ageColumn,
  ],
  row: (slice, now) => {
    const ports = ((slice.ports as { port?: number }[] | null) ?? []).map((p) => (p.port === undefined ? '<unset>' : String(p.port)));
    const addresses = ((slice.endpoints as { addresses: string[] }[] | null) ?? []).flatMap((e) => e.addresses);
    return { cells: [slice.metadata.name, slice.addressType ?? '', firstThree(ports, '<unset>'), firstThree(addresses, '<unset>'), age(slice, now)] };
  },
};

export const serviceAccountPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', { type: 'integer' }), ageColumn],
  row: (sa, now) => ({ cells: [sa.metadata.name, ((sa.secrets as unknown[] | undefined) ?? []).length, age(sa, now)] }),
};

export const secretPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Type', 'The type of data stored in the secret'), column('Data', 'The number of entries in the secret', { type: 'integer' }), ageColumn],
  row: (secret, now) => ({ cells: [secret.metadata.name, (secret.type as string | undefined) ?? 'Opaque', Object.keys((secret.data as object | undefined) ?? {}).length, age(secret, now)] }),
};

export const controllerRevisionPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Controller', 'Controller of the object'), column('Revision', 'Revision indicates the revision of the state represented by Data.', { type: 'integer' }), ageColumn],
  row: (revision, now) => {
    const owner = revision.metadata.ownerReferences?.find((r) => r.controller);
    const controller = owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>';
    return { cells: [revision.metadata.name, controller, revision.revision, age(revision, now)] };
  },
};

export const leasePrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Holder', 'HolderIdentity contains the identity of the holder of a current lease.'), ageColumn],
  row: (lease, now) => ({ cells: [lease.metadata.name, ((lease.spec as { holderIdentity?: string } | undefined)?.holderIdentity) ?? '', age(lease, now)] }),
};

export const priorityClassPrinter: TablePrinter<Loose> = {
  columns: [
    nameColumn,
    column('Value', 'The value of this priority class.', { type: 'integer' }),
    column('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority.', { type: 'boolean' }),
    ageColumn,
    column('PreemptionPolicy', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  row: (pc, now) => ({ cells: [pc.metadata.name, pc.value, Boolean(pc.globalDefault), age(pc, now), pc.preemptionPolicy ?? 'PreemptLowerPriority'] }),
};

export const storageClassPrinter: TablePrinter<Loose> = {
  columns: [
    nameColumn,
    column('Provisioner', 'Indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy.'),
    column('VolumeBindingMode', 'VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    column('AllowVolumeExpansion', 'AllowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn,
  ],
  row: (sc, now) => {
    const isDefault = sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
    return { cells: [`${sc.metadata.name}${isDefault ? ' (default)' : ''}`, sc.provisioner, sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', Boolean(sc.allowVolumeExpansion), age(sc, now)] };
  },
};

export const createdAtPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, createdAtColumn],
  row: (object) => ({ cells: [object.metadata.name, createdAt(object)] }),
};

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export const roleBindingPrinter: TablePrinter<Loose> = {
  columns: [
    nameColumn,
    column('Role', 'RoleRef is the reference to the role the binding grants.'),
    ageColumn,
    column('Users', 'Users in the binding', { priority: 1 }),
    column('Groups', 'Groups in the binding', { priority: 1 }),
    column('ServiceAccounts', 'ServiceAccounts in the binding', { priority: 1 }),
  ],
  row: (binding, now) => {
    const subjects = (binding.subjects as Subject[] | undefined) ?? [];
    const ref = binding.roleRef as { kind: string; name: string };
    const of = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
    return { cells: [binding.metadata.name, `${ref.kind}/${ref.name}`, age(binding, now), of('User'), of('Group'), of('ServiceAccount')] };
  },
};

export const apiServicePrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Service', 'The reference to the service that hosts this API endpoint.'), column('Available', 'Whether this service is available.'), ageColumn],
  row: (api, now) => {
    const service = (api.spec as { service?: { namespace: string; name: string } }).service;
    const available = ((api.status as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Available');
    const shown = !available ? 'Unknown' : available.status === 'True' ? 'True' : `${available.status} (${available.reason ?? ''})`;
    return { cells: [api.metadata.name, service ? `${service.namespace}/${service.name}` : 'Local', shown, age(api, now)] };
  },
};

export const webhookConfigurationPrinter: TablePrinter<Loose> = {
  columns: [nameColumn, column('Webhooks', 'Webhooks indicates the number of webhooks in the configuration.', { type: 'integer' }), ageColumn],
  row: (config, now) => ({ cells: [config.metadata.name, ((config.webhooks as unknown[] | undefined) ?? []).length, age(config, now)] }),
};
