/**
 * The local cluster's Kubernetes API: a node:http handler that kubectl and @kubernetes/client-node use
 * unchanged, and the kubeconfig that points them at it.
 */
export { createKubeApi } from './server.js';
export type { KubeApiHandler, KubeApiOptions } from './server.js';
export { renderKubeconfig } from './kubeconfig.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export { disruptionStatus } from './disruption.js';
export { applyDefaults } from './admission/defaults.js';
export { selfSignedCertificate } from './tls.js';
export type { CertificateOptions, ServingCertificate } from './tls.js';
