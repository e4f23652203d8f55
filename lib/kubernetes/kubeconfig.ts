import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** e.g. http://127.0.0.1:6443 */
  server: string;
  token: string;
  /** The EKS cluster name ("petadoptions-local"); cluster, context and user are named by its ARN. */
  clusterName: string;
  namespace?: string;
  /** PEM of the serving certificate's authority, for an https server (see tls.ts). */
  certificateAuthority?: string;
  region?: string;
  accountId?: string;
}

/** The cluster's ARN, which `aws eks update-kubeconfig` uses as the cluster, context and user name. */
export function clusterArn(options: Pick<KubeconfigOptions, 'clusterName' | 'region' | 'accountId'>): string {
  return `arn:aws:eks:${options.region ?? 'us-west-2'}:${options.accountId ?? '123456789012'}:cluster/${options.clusterName}`;
}

/**
 * A kubeconfig shaped like the one `aws eks update-kubeconfig` writes, except that the local cluster
 * takes a static bearer token instead of `aws eks get-token`. Over plain http kubectl sends no
 * credentials at all (client-go only authenticates over TLS), so a token-protected API needs an https
 * server and its `certificateAuthority`; over http the token serves @kubernetes/client-node only.
 */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const arn = clusterArn(options);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // @kubernetes/client-node refuses http:// servers unless TLS verification is (vacuously) skipped.
    clusters: [{ name: arn, cluster: { server: options.server, ...clusterSecurity(options) } }],
    users: [{ name: arn, user: { token: options.token } }],
    contexts: [{ name: arn, context: { cluster: arn, user: arn, ...(options.namespace ? { namespace: options.namespace } : {}) } }],
    'current-context': arn,
  });
}

function clusterSecurity(options: KubeconfigOptions): Record<string, unknown> {
  if (options.certificateAuthority) return { 'certificate-authority-data': Buffer.from(options.certificateAuthority).toString('base64') };
  // @kubernetes/client-node refuses http:// servers unless TLS verification is (vacuously) skipped.
  return options.server.startsWith('http://') ? { 'insecure-skip-tls-verify': true } : {};
}
