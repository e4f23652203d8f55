/**
 * The local cluster's Kubernetes API: a node:http handler that kubectl and @kubernetes/client-node use
 * unchanged, and the kubeconfig that points them at it.
 */
export { createKubeApi } from './server.js';
export type { KubeApiHandler, KubeApiOptions } from './server.js';
export { renderKubeconfig } from '../../../../lib/kubernetes/kubeconfig.js';
export type { KubeconfigOptions } from '../../../../lib/kubernetes/kubeconfig.js';
export { disruptionStatus } from './disruption.js';
export { applyDefaults } from './admission/defaults.js';
export { selfSignedCertificate } from '../../../../lib/platform/tls.js';
export type { CertificateOptions, ServingCertificate } from '../../../../lib/platform/tls.js';
