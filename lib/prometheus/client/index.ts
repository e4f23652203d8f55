/**
 * Metrics backends of the Prometheus MCP server: the port, its two adapters (Prometheus HTTP, AMP with
 * SigV4), workspace discovery and the factory the CLI calls. Import from here.
 */
export type * from './port.js';
export * from './errors.js';
export { createBackend, backendConfigFromFlags, isPrometheusConfig } from './factory.js';
export type { BackendConfig, PrometheusBackendConfig, AmpBackendConfig, BackendFlags } from './factory.js';
export { PrometheusBackend, prometheusRoot } from './prometheus.js';
export type { PrometheusBackendOptions, BasicAuth } from './prometheus.js';
export { AmpBackend, ampEndpoint, ampActionFor, ampServiceName } from './amp.js';
export type { AmpBackendOptions } from './amp.js';
// amp-discovery.ts (findWorkspace) is not re-exported: it loads the AWS SDK, which createBackend loads only for AMP.
export type { AmpWorkspace, WorkspaceQuery } from './amp-discovery.js';
export { RefreshingCredentials } from './credentials.js';
export type { AwsCredentials, CredentialProvider } from './credentials.js';
export { defaultRetryPolicy, type RetryPolicy } from '../../platform/retry.js';
export type { Sleep } from '../../../core/clock.js';
export type { ClientOptions, Fetch } from './api-client.js';
