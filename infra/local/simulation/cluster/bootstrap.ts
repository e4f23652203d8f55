/**
 * What a new EKS cluster holds before anyone deploys to it, as kube-apiserver's bootstrap controllers,
 * the EKS add-ons and the VPC CNI create it: the `kubernetes` and `kube-dns` Services, the API server's
 * own endpoints, the system priority classes, the RBAC bootstrap policy (the roles SREs look for, not
 * all ~70), the gp2 StorageClass, the aggregated and local APIServices, the CRDs and webhooks of the
 * installed add-ons, and node leases. Shapes follow `kubectl get -o yaml` on an EKS 1.31 cluster.
 */
import { isoTime } from '../../../../core/clock.js';
import type { KubeObject, Node } from './objects.js';
import type { ResourceKey } from './resources.js';
import {
  APISERVICE, CLUSTERROLE, CLUSTERROLEBINDING, CRD, CSINODE, ENDPOINTS, ENDPOINTSLICE, LEASE, MUTATINGWEBHOOK, PRIORITYCLASS, resourceTypes, ROLE, ROLEBINDING,
  SECRET, SERVICE, STORAGECLASS, VALIDATINGWEBHOOK,
} from './resources.js';
import type { ObjectStore } from './store.js';

type Loose = KubeObject & Record<string, unknown>;

/** EKS's default service CIDR (10.100.0.0/16): the API server's and CoreDNS's well-known addresses. */
export const KUBERNETES_SERVICE_IP = '10.100.0.1';
export const KUBE_DNS_SERVICE_IP = '10.100.0.10';
/** The cross-account ENIs of the EKS control plane in the cluster's VPC (kubectl get ep kubernetes). */
export const API_SERVER_ENDPOINT_IPS = ['192.168.101.27', '192.168.164.212'];
export const CLUSTER_DOMAIN = 'cluster.local';

export function bootstrapCluster(store: ObjectStore, clusterCreated: number, nodes: Node[]): void {
  const at = (offsetMs = 0) => isoTime(clusterCreated + offsetMs);
  const create = (key: ResourceKey, object: Loose) => store.create(key, object);

  create(SERVICE, {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' }, creationTimestamp: at() },
    spec: {
      clusterIP: KUBERNETES_SERVICE_IP, clusterIPs: [KUBERNETES_SERVICE_IP], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }], sessionAffinity: 'None', type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  create(ENDPOINTS, {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' }, creationTimestamp: at() },
    subsets: [{ addresses: API_SERVER_ENDPOINT_IPS.map((ip) => ({ ip })), ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
  });
  create(ENDPOINTSLICE, {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' }, creationTimestamp: at() },
    addressType: 'IPv4',
    endpoints: API_SERVER_ENDPOINT_IPS.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
  });
  create(SERVICE, {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: 'kube-dns', namespace: 'kube-system', creationTimestamp: at(4 * 60_000),
      labels: { 'eks.amazonaws.com/component': 'kube-dns', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: KUBE_DNS_SERVICE_IP, clusterIPs: [KUBE_DNS_SERVICE_IP], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      selector: { 'k8s-app': 'kube-dns' }, sessionAffinity: 'None', type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  create(SERVICE, {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'metrics-server', namespace: 'kube-system', creationTimestamp: at(5 * 60_000), labels: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' } },
    spec: {
      clusterIP: '10.100.142.38', clusterIPs: ['10.100.142.38'], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 10251 }], selector: { 'app.kubernetes.io/name': 'metrics-server' }, sessionAffinity: 'None', type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });

  for (const [name, value, description] of [
    ['system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
    ['system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'],
  ] as const) {
    create(PRIORITYCLASS, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name, creationTimestamp: at() }, value, globalDefault: false, description, preemptionPolicy: 'PreemptLowerPriority' });
  }

  create(STORAGECLASS, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'gp2', creationTimestamp: at(60_000) },
    parameters: { fsType: 'ext4', type: 'gp2' }, provisioner: 'kubernetes.io/aws-ebs', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  });

  bootstrapRbac(create, at);
  bootstrapApiServices(create, at);
  bootstrapCustomResources(create, at);

  create(MUTATINGWEBHOOK, webhookConfiguration('MutatingWebhookConfiguration', 'pod-identity-webhook', 'iam-for-pods.amazonaws.com', at()));
  create(MUTATINGWEBHOOK, webhookConfiguration('MutatingWebhookConfiguration', 'vpc-resource-mutating-webhook', 'mpod.vpc.k8s.aws', at()));
  create(VALIDATINGWEBHOOK, webhookConfiguration('ValidatingWebhookConfiguration', 'vpc-resource-validating-webhook', 'vpod.vpc.k8s.aws', at()));
  create(MUTATINGWEBHOOK, webhookConfiguration('MutatingWebhookConfiguration', 'chaos-mesh-mutation', 'admission-webhook.chaos-mesh.org', at(6 * 86_400_000)));
  create(VALIDATINGWEBHOOK, webhookConfiguration('ValidatingWebhookConfiguration', 'chaos-mesh-validation-auth', 'validate-auth.chaos-mesh.org', at(6 * 86_400_000)));

  // Helm keeps each release in a Secret; the Chaos Mesh chart was installed with helm.
  create(SECRET, {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: { name: 'sh.helm.release.v1.chaos-mesh.v1', namespace: 'chaos-mesh', labels: { name: 'chaos-mesh', owner: 'helm', status: 'deployed', version: '1' }, creationTimestamp: at(6 * 86_400_000) },
    data: { release: 'SDRzSUFBQUFBQUFDLyt5OWUzUGJ' },
  });
  create(SECRET, {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
    metadata: { name: 'chaos-mesh-webhook-certs', namespace: 'chaos-mesh', creationTimestamp: at(6 * 86_400_000) },
    data: { 'ca.crt': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t', 'tls.crt': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t', 'tls.key': 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==' },
  });

  for (const node of nodes) addNodeObjects(store, node);
}

/** A node's lease (the kubelet's heartbeat) and CSINode, created when the node registers. */
export function addNodeObjects(store: ObjectStore, node: Node): void {
  const name = node.metadata.name;
  const created = node.metadata.creationTimestamp!;
  const owner = [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }];
  store.create(LEASE, {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease', ownerReferences: owner, creationTimestamp: created },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: `${created.replace('Z', '')}.000000Z` },
  } as Loose);
  store.create(CSINODE, { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name, ownerReferences: owner, creationTimestamp: created }, spec: { drivers: null } } as Loose);
}

function webhookConfiguration(kind: string, name: string, webhook: string, created: string): Loose {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind,
    metadata: { name, creationTimestamp: created },
    webhooks: [{ name: webhook, admissionReviewVersions: ['v1', 'v1beta1'], sideEffects: 'None', failurePolicy: 'Ignore', matchPolicy: 'Equivalent', timeoutSeconds: 10, clientConfig: {}, rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }] }],
  };
}

type Create = (key: ResourceKey, object: Loose) => void;

function bootstrapRbac(create: Create, at: (offset?: number) => string): void {
  const everything = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }];
  const read = ['get', 'list', 'watch'];
  const defaults = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  const clusterRoles: [string, unknown[], Record<string, string>?][] = [
    ['cluster-admin', everything, defaults],
    ['admin', [{ apiGroups: ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io'], resources: ['*'], verbs: ['*'] }], defaults],
    ['edit', [{ apiGroups: ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io'], resources: ['*'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update', ...read] }], defaults],
    ['view', [{ apiGroups: ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io'], resources: ['*'], verbs: read }], defaults],
    ['system:basic-user', [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] }], defaults],
    ['system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }], defaults],
    ['system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }], defaults],
    ['system:node', [{ apiGroups: [''], resources: ['nodes', 'nodes/status', 'pods', 'pods/status', 'events'], verbs: ['*'] }], defaults],
    ['system:node-proxier', [{ apiGroups: ['', 'discovery.k8s.io'], resources: ['services', 'endpoints', 'endpointslices', 'nodes'], verbs: ['list', 'watch'] }], defaults],
    ['system:kube-dns', [{ apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['list', 'watch'] }], defaults],
    ['system:monitoring', [{ nonResourceURLs: ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'], verbs: ['get'] }], defaults],
    ['system:auth-delegator', [{ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] }, { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }], defaults],
    ['system:coredns', [{ apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] }, { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] }], { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns', 'kubernetes.io/bootstrapping': 'rbac-defaults' }],
    ['aws-node', [{ apiGroups: ['crd.k8s.amazonaws.com'], resources: ['eniconfigs'], verbs: read }, { apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: read }], { 'app.kubernetes.io/name': 'aws-node', 'app.kubernetes.io/instance': 'aws-vpc-cni' }],
    ['system:metrics-server', [{ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods', 'nodes'], verbs: read }], { 'app.kubernetes.io/name': 'metrics-server' }],
    ['system:aggregated-metrics-reader', [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: read }], { 'app.kubernetes.io/name': 'metrics-server', 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }],
    ['eks:node-manager', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] }, { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] }], { 'eks.amazonaws.com/component': 'node' }],
    ['chaos-mesh-chaos-controller-manager-cluster-level', [{ apiGroups: ['chaos-mesh.org'], resources: ['*'], verbs: ['*'] }, { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: read }], { 'app.kubernetes.io/instance': 'chaos-mesh', 'app.kubernetes.io/managed-by': 'Helm' }],
  ];
  for (const [name, rules, labels] of clusterRoles) {
    const offset = name.startsWith('chaos-mesh') ? 6 * 86_400_000 : name === 'aws-node' || name.startsWith('system:metrics') || name === 'system:aggregated-metrics-reader' ? 4 * 60_000 : 0;
    create(CLUSTERROLE, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name, labels, ...(labels === defaults ? { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } } : {}), creationTimestamp: at(offset) },
      rules,
    });
  }
  const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
  const serviceAccount = (namespace: string, name: string) => ({ kind: 'ServiceAccount', name, namespace });
  const bindings: [string, string, unknown[]][] = [
    ['cluster-admin', 'cluster-admin', [group('system:masters')]],
    ['system:basic-user', 'system:basic-user', [group('system:authenticated')]],
    ['system:discovery', 'system:discovery', [group('system:authenticated')]],
    ['system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]],
    ['system:monitoring', 'system:monitoring', [group('system:monitoring')]],
    ['eks:kube-proxy', 'system:node-proxier', [serviceAccount('kube-system', 'kube-proxy')]],
    ['eks:node-manager', 'eks:node-manager', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'eks:node-manager' }]],
    ['system:coredns', 'system:coredns', [serviceAccount('kube-system', 'coredns')]],
    ['aws-node', 'aws-node', [serviceAccount('kube-system', 'aws-node')]],
    ['system:metrics-server', 'system:metrics-server', [serviceAccount('kube-system', 'metrics-server')]],
    ['metrics-server:system:auth-delegator', 'system:auth-delegator', [serviceAccount('kube-system', 'metrics-server')]],
    ['chaos-mesh-chaos-controller-manager-cluster-level', 'chaos-mesh-chaos-controller-manager-cluster-level', [serviceAccount('chaos-mesh', 'chaos-controller-manager')]],
  ];
  for (const [name, role, subjects] of bindings) {
    create(CLUSTERROLEBINDING, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding',
      metadata: { name, creationTimestamp: at(name.startsWith('chaos-mesh') ? 6 * 86_400_000 : 0) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    });
  }
  const roles: [string, string, unknown[]][] = [
    ['kube-system', 'extension-apiserver-authentication-reader', [{ apiGroups: [''], resourceNames: ['extension-apiserver-authentication'], resources: ['configmaps'], verbs: read }]],
    ['kube-system', 'system::leader-locking-kube-controller-manager', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] }]],
    ['kube-system', 'eks:addon-manager', [{ apiGroups: ['', 'apps'], resources: ['*'], verbs: ['*'] }]],
    ['kube-public', 'system:controller:bootstrap-signer', [{ apiGroups: [''], resources: ['configmaps'], verbs: read }]],
  ];
  for (const [namespace, name, rules] of roles) {
    create(ROLE, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace, creationTimestamp: at() }, rules });
  }
  create(ROLEBINDING, {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
    metadata: { name: 'metrics-server-auth-reader', namespace: 'kube-system', creationTimestamp: at(5 * 60_000) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: [serviceAccount('kube-system', 'metrics-server')],
  });
  create(ROLEBINDING, {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
    metadata: { name: 'eks:addon-manager', namespace: 'kube-system', creationTimestamp: at() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'eks:addon-manager' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'eks:addon-manager' }],
  });
}

/** kube-aggregator's view: a Local APIService per built-in group version, metrics-server's served by its Service. */
function bootstrapApiServices(create: Create, at: (offset?: number) => string): void {
  const groupVersions = new Map<string, { group: string; version: string }>();
  for (const t of resourceTypes) groupVersions.set(`${t.version}.${t.group}`, { group: t.group, version: t.version });
  for (const [name, { group, version }] of [...groupVersions].sort(([a], [b]) => a.localeCompare(b))) {
    const aggregated = group === 'metrics.k8s.io';
    create(APISERVICE, {
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService',
      metadata: {
        name, creationTimestamp: at(aggregated ? 5 * 60_000 : group === 'chaos-mesh.org' ? 6 * 86_400_000 : 0),
        labels: aggregated ? { 'app.kubernetes.io/name': 'metrics-server' } : { 'kube-aggregator.kubernetes.io/automanaged': group.includes('.') && !group.endsWith('k8s.io') ? 'true' : 'onstart' },
      },
      spec: {
        group, version, groupPriorityMinimum: aggregated ? 100 : 18000, versionPriority: aggregated ? 100 : 15,
        ...(aggregated ? { service: { name: 'metrics-server', namespace: 'kube-system', port: 443 }, insecureSkipTLSVerify: true } : {}),
      },
      status: { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: at(aggregated ? 6 * 60_000 : 0), reason: aggregated ? 'Passed' : 'Local', message: aggregated ? 'all checks passed' : 'Local APIServices are always available' }] },
    });
  }
}

/** The CustomResourceDefinitions behind the custom kinds the cluster serves (Chaos Mesh's). */
function bootstrapCustomResources(create: Create, at: (offset?: number) => string): void {
  for (const t of resourceTypes.filter((r) => r.group === 'chaos-mesh.org')) {
    const names = { kind: t.kind, listKind: `${t.kind}List`, plural: t.plural, singular: t.singular, ...(t.categories ? { categories: t.categories } : {}) };
    create(CRD, {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
      metadata: { name: `${t.plural}.${t.group}`, labels: { 'app.kubernetes.io/component': 'controller-manager', 'app.kubernetes.io/instance': 'chaos-mesh', 'app.kubernetes.io/name': 'chaos-mesh', 'app.kubernetes.io/part-of': 'chaos-mesh', 'app.kubernetes.io/version': '2.7.0' }, creationTimestamp: at(6 * 86_400_000) },
      spec: {
        group: t.group, names, scope: t.namespaced ? 'Namespaced' : 'Cluster', conversion: { strategy: 'None' },
        versions: [{ name: t.version, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
      status: {
        acceptedNames: names, storedVersions: [t.version],
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: at(6 * 86_400_000), reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: at(6 * 86_400_000), reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
      },
    });
  }
}
