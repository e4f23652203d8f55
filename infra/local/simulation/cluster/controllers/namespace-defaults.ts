import { isoTime } from '../../../../../core/clock.js';
import { selfSignedCertificate } from '../../../../../lib/platform/tls.js';
import type { KubeObject, Namespace } from '../objects.js';
import { CONFIGMAP, LEASE, NAMESPACE, SERVICEACCOUNT } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';

/** Seconds between two renewals of a node's lease (kubelet's nodeLeaseDurationSeconds 40 / 4). */
const LEASE_RENEW_SECONDS = 10;

/**
 * What kube-controller-manager and the kubelets keep in every namespace and lease: the `default`
 * ServiceAccount (serviceaccount-controller) and the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher)
 * in each namespace, created with it, and the node leases the kubelets renew.
 */
export class NamespaceDefaultsController implements Controller {
  readonly name = 'namespace-defaults';
  private rootCa?: string;
  private lastRenewal = 0;

  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    for (const ns of store.list<Namespace>(NAMESPACE)) {
      if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) continue;
      const namespace = ns.metadata.name;
      // Created a second after their namespace, as the controllers react to it.
      const created = isoTime(Math.min(this.ctx.clock.now(), Date.parse(ns.metadata.creationTimestamp ?? '') + 1000 || this.ctx.clock.now()));
      if (!store.get(SERVICEACCOUNT, namespace, 'default')) {
        store.create(SERVICEACCOUNT, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace, creationTimestamp: created } });
      }
      if (!store.get(CONFIGMAP, namespace, 'kube-root-ca.crt')) {
        store.create(CONFIGMAP, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt', namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' }, creationTimestamp: created },
          data: { 'ca.crt': this.caBundle() },
        } as KubeObject);
      }
    }
    this.renewLeases();
  }

  private renewLeases(): void {
    const now = this.ctx.clock.now();
    if (now - this.lastRenewal < LEASE_RENEW_SECONDS * 1000) return;
    this.lastRenewal = now;
    const renewTime = new Date(now).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
    for (const lease of this.ctx.store.list<KubeObject & { spec: { renewTime?: string } }>(LEASE, 'kube-node-lease')) {
      this.ctx.store.mutate<KubeObject & { spec: { renewTime?: string } }>(LEASE, 'kube-node-lease', lease.metadata.name, (l) => {
        l.spec.renewTime = renewTime;
      });
    }
  }

  /** The cluster CA's certificate (EKS generates one per cluster; this one is generated per run). */
  private caBundle(): string {
    this.rootCa ??= selfSignedCertificate({ commonName: 'kubernetes', hosts: ['kubernetes'], validDays: 3650, now: this.ctx.clock.now() - 47 * 86_400_000 }).cert;
    return this.rootCa;
  }
}
