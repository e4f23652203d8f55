/**
 * The pet-adoption application of the AWS One Observability workshop: services, their routes, call
 * graph, resource envelopes, runtime costs and configuration rules. One source for both targets: the
 * local simulation models it, and the workload (`workload/`) runs it as real processes on EKS, so a
 * fault acts on the same shape in both. Numbers are plausible for the real services on t3.large nodes;
 * the call graph is DESIGN.md's.
 */

/** A container environment variable the service is deployed with (Kubernetes `env` entry). */
export interface EnvVar {
  name: string;
  value: string;
}

export const APP_NAMESPACE = 'petadoptions';

export type Runtime = 'dotnet' | 'java' | 'go' | 'python';

export interface RouteProfile {
  path: string;
  method: 'GET' | 'POST';
  /** Share of the service's incoming requests. */
  share: number;
  /** Own processing time (median, seconds) and log-normal spread. */
  medianSeconds: number;
  sigma: number;
  /** Downstream calls made while serving one request of this route. */
  calls: DownstreamCall[];
}

export interface DownstreamCall {
  service: string;
  route: string;
  perRequest: number;
  /** The setting (environment variable) holding the callee's URL, route included. */
  urlSetting: string;
}

export interface ConfigRule {
  name: string;
  required: boolean;
  /** Returns the error the service prints at startup when the value is unusable. */
  check: (value: string | undefined) => string | undefined;
}

export interface ServiceProfile {
  name: string;
  description: string;
  runtime: Runtime;
  image: string;
  /** Tags that exist in the (simulated) ECR repository; anything else fails to pull. */
  imageTags: string[];
  currentTag: string;
  previousTags: string[];
  port: number;
  replicas: number;
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** Steady working set of one replica (bytes) and its slow GC wobble. */
  memoryBaselineBytes: number;
  /** CPU seconds per request served, and idle CPU (cores). */
  cpuPerRequest: number;
  cpuIdleCores: number;
  /** Seconds from container start until the readiness probe passes. */
  startupSeconds: number;
  /** Timeout the service's HTTP client uses for downstream calls. */
  clientTimeoutSeconds: number;
  /** Baseline share of requests failing with 5xx. */
  baseErrorRate: number;
  routes: RouteProfile[];
  env: EnvVar[];
  config: ConfigRule[];
  /** Network bytes per request in and out. */
  bytesIn: number;
  bytesOut: number;
  /** The service whose routes this one sends user traffic to (trafficgenerator), and the setting holding its URL. */
  drives?: { service: string; urlSetting: string };
}

const url = (name: string): ConfigRule => ({
  name,
  required: true,
  check: (v) => (v === undefined || v === '' ? `${name} is not set` : /^https?:\/\/[^\s/]+/.test(v) ? undefined : `${name}="${v}" is not a valid URL`),
});
const positiveInt = (name: string): ConfigRule => ({
  name,
  required: false,
  check: (v) => (v === undefined || /^[1-9]\d*$/.test(v) ? undefined : `${name}="${v}" must be a positive integer`),
});
const nonEmpty = (name: string): ConfigRule => ({
  name,
  required: true,
  check: (v) => (v === undefined || v.trim() === '' ? `${name} is not set` : undefined),
});

const ecr = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const MiB = 2 ** 20;

export const services: ServiceProfile[] = [
  {
    name: 'petsite',
    description: 'Web front end (ASP.NET Core): home page, search, adoption and payment flows',
    runtime: 'dotnet',
    image: `${ecr}/petsite`,
    imageTags: ['v1.4.0', 'v1.4.1', 'v1.5.0'],
    currentTag: 'v1.5.0',
    previousTags: ['v1.4.0', 'v1.4.1'],
    port: 80,
    replicas: 2,
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    memoryBaselineBytes: 236 * MiB,
    cpuPerRequest: 0.006,
    cpuIdleCores: 0.012,
    startupSeconds: 6,
    clientTimeoutSeconds: 3,
    baseErrorRate: 0.001,
    routes: [
      { path: '/', method: 'GET', share: 0.3, medianSeconds: 0.018, sigma: 0.35, calls: [{ service: 'petsearch', route: '/api/search', perRequest: 1, urlSetting: 'SEARCH_API_URL' }] },
      { path: '/Search', method: 'GET', share: 0.3, medianSeconds: 0.015, sigma: 0.35, calls: [{ service: 'petsearch', route: '/api/search', perRequest: 1, urlSetting: 'SEARCH_API_URL' }] },
      { path: '/Adoption/TakeMeHome', method: 'POST', share: 0.1, medianSeconds: 0.022, sigma: 0.4, calls: [{ service: 'payforadoption', route: '/api/completeadoption', perRequest: 1, urlSetting: 'PAYMENT_API_URL' }] },
      { path: '/PetListAdoptions', method: 'GET', share: 0.2, medianSeconds: 0.016, sigma: 0.35, calls: [{ service: 'petlistadoptions', route: '/api/adoptionlist/', perRequest: 1, urlSetting: 'PET_LIST_ADOPTIONS_URL' }] },
      { path: '/PetHistory', method: 'GET', share: 0.1, medianSeconds: 0.014, sigma: 0.35, calls: [{ service: 'pethistory', route: '/petadoptionshistory/api/home/transactions', perRequest: 1, urlSetting: 'PET_HISTORY_URL' }] },
    ],
    env: [
      { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' },
      { name: 'SEARCH_API_URL', value: 'http://petsearch.petadoptions.svc.cluster.local/api/search' },
      { name: 'PAYMENT_API_URL', value: 'http://payforadoption.petadoptions.svc.cluster.local/api/completeadoption' },
      { name: 'PET_LIST_ADOPTIONS_URL', value: 'http://petlistadoptions.petadoptions.svc.cluster.local/api/adoptionlist/' },
      { name: 'PET_HISTORY_URL', value: 'http://pethistory.petadoptions.svc.cluster.local/petadoptionshistory/api/home/transactions' },
      { name: 'HTTP_CLIENT_TIMEOUT_SECONDS', value: '3' },
    ],
    config: [url('SEARCH_API_URL'), url('PAYMENT_API_URL'), url('PET_LIST_ADOPTIONS_URL'), url('PET_HISTORY_URL'), positiveInt('HTTP_CLIENT_TIMEOUT_SECONDS')],
    bytesIn: 900,
    bytesOut: 24_000,
  },
  {
    name: 'petsearch',
    description: 'Pet search API (Java, Spring Boot) over DynamoDB and S3 images',
    runtime: 'java',
    image: `${ecr}/petsearch`,
    imageTags: ['2.3.0', '2.3.1', '2.4.0'],
    currentTag: '2.4.0',
    previousTags: ['2.3.0', '2.3.1'],
    port: 8080,
    replicas: 2,
    requests: { cpu: '200m', memory: '384Mi' },
    limits: { cpu: '500m', memory: '768Mi' },
    memoryBaselineBytes: 430 * MiB,
    cpuPerRequest: 0.005,
    cpuIdleCores: 0.02,
    startupSeconds: 14,
    clientTimeoutSeconds: 2,
    baseErrorRate: 0.001,
    routes: [{ path: '/api/search', method: 'GET', share: 1, medianSeconds: 0.032, sigma: 0.45, calls: [] }],
    env: [
      { name: 'SPRING_PROFILES_ACTIVE', value: 'production' },
      { name: 'PETS_TABLE_NAME', value: 'Services-ddbpetadoption' },
      { name: 'PET_IMAGES_BUCKET', value: 'petadoptions-images-123456789012' },
      { name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=75.0' },
    ],
    config: [nonEmpty('PETS_TABLE_NAME'), nonEmpty('PET_IMAGES_BUCKET')],
    bytesIn: 700,
    bytesOut: 6_500,
  },
  {
    name: 'payforadoption',
    description: 'Payment API (Go) writing adoptions to Aurora PostgreSQL and SQS',
    runtime: 'go',
    image: `${ecr}/payforadoption`,
    imageTags: ['1.8.2', '1.9.0', '1.9.1'],
    currentTag: '1.9.1',
    previousTags: ['1.8.2', '1.9.0'],
    port: 80,
    replicas: 2,
    requests: { cpu: '100m', memory: '64Mi' },
    limits: { cpu: '250m', memory: '128Mi' },
    memoryBaselineBytes: 38 * MiB,
    cpuPerRequest: 0.012,
    cpuIdleCores: 0.004,
    startupSeconds: 3,
    clientTimeoutSeconds: 2,
    baseErrorRate: 0.002,
    routes: [
      { path: '/api/completeadoption', method: 'POST', share: 0.97, medianSeconds: 0.045, sigma: 0.4, calls: [] },
      { path: '/api/cleanupadoptions', method: 'POST', share: 0.03, medianSeconds: 0.12, sigma: 0.5, calls: [] },
    ],
    env: [
      { name: 'AWS_REGION', value: 'us-west-2' },
      { name: 'RDS_SECRET_ARN', value: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:PetAdoptionsRdsSecret-AbCdEf' },
      { name: 'UPDATE_ADOPTION_STATUS_URL', value: 'https://api.petadoptions.example.com/prod/adoption-status' },
      { name: 'SQS_QUEUE_URL', value: 'https://sqs.us-west-2.amazonaws.com/123456789012/sqs-queue-petadoptions' },
      { name: 'DB_MAX_CONNECTIONS', value: '20' },
    ],
    config: [nonEmpty('RDS_SECRET_ARN'), url('UPDATE_ADOPTION_STATUS_URL'), url('SQS_QUEUE_URL'), positiveInt('DB_MAX_CONNECTIONS')],
    bytesIn: 1_200,
    bytesOut: 600,
  },
  {
    name: 'petlistadoptions',
    description: 'Adoption list API (Go) reading Aurora PostgreSQL and enriching with petsearch data',
    runtime: 'go',
    image: `${ecr}/petlistadoptions`,
    imageTags: ['1.2.0', '1.3.0', '1.3.2'],
    currentTag: '1.3.2',
    previousTags: ['1.2.0', '1.3.0'],
    port: 80,
    replicas: 2,
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '250m', memory: '256Mi' },
    memoryBaselineBytes: 92 * MiB,
    cpuPerRequest: 0.006,
    cpuIdleCores: 0.004,
    startupSeconds: 3,
    clientTimeoutSeconds: 2,
    baseErrorRate: 0.001,
    routes: [{ path: '/api/adoptionlist/', method: 'GET', share: 1, medianSeconds: 0.028, sigma: 0.4, calls: [] }],
    env: [
      { name: 'AWS_REGION', value: 'us-west-2' },
      { name: 'RDS_SECRET_ARN', value: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:PetAdoptionsRdsSecret-AbCdEf' },
      { name: 'PETSEARCH_URL', value: 'http://petsearch.petadoptions.svc.cluster.local/api/search' },
      { name: 'PAGE_SIZE', value: '25' },
    ],
    config: [nonEmpty('RDS_SECRET_ARN'), url('PETSEARCH_URL'), positiveInt('PAGE_SIZE')],
    bytesIn: 650,
    bytesOut: 9_000,
  },
  {
    name: 'pethistory',
    description: 'Adoption history API (Python, Flask) over Aurora PostgreSQL',
    runtime: 'python',
    image: `${ecr}/pethistory`,
    imageTags: ['0.9.0', '1.0.0', '1.0.1'],
    currentTag: '1.0.1',
    previousTags: ['0.9.0', '1.0.0'],
    port: 8080,
    replicas: 1,
    requests: { cpu: '100m', memory: '128Mi' },
    limits: { cpu: '200m', memory: '256Mi' },
    memoryBaselineBytes: 84 * MiB,
    cpuPerRequest: 0.009,
    cpuIdleCores: 0.003,
    startupSeconds: 4,
    clientTimeoutSeconds: 2,
    baseErrorRate: 0.001,
    routes: [{ path: '/petadoptionshistory/api/home/transactions', method: 'GET', share: 1, medianSeconds: 0.036, sigma: 0.45, calls: [] }],
    env: [
      { name: 'AWS_REGION', value: 'us-west-2' },
      { name: 'RDS_SECRET_ARN', value: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:PetAdoptionsRdsSecret-AbCdEf' },
      { name: 'GUNICORN_WORKERS', value: '2' },
    ],
    config: [nonEmpty('RDS_SECRET_ARN'), positiveInt('GUNICORN_WORKERS')],
    bytesIn: 500,
    bytesOut: 4_000,
  },
  {
    name: 'trafficgenerator',
    description: 'Synthetic users (.NET worker) browsing, searching and adopting through petsite',
    runtime: 'dotnet',
    image: `${ecr}/trafficgenerator`,
    imageTags: ['1.0.0', '1.1.0'],
    currentTag: '1.1.0',
    previousTags: ['1.0.0'],
    port: 8080,
    replicas: 1,
    requests: { cpu: '100m', memory: '64Mi' },
    limits: { cpu: '200m', memory: '128Mi' },
    memoryBaselineBytes: 58 * MiB,
    cpuPerRequest: 0.0008,
    cpuIdleCores: 0.006,
    startupSeconds: 4,
    clientTimeoutSeconds: 10,
    baseErrorRate: 0,
    // It only calls petsite; what it serves itself is its health endpoint (probes).
    routes: [],
    env: [
      { name: 'PETSITE_URL', value: 'http://petsite.petadoptions.svc.cluster.local/' },
      { name: 'USERS', value: '40' },
    ],
    config: [url('PETSITE_URL'), positiveInt('USERS')],
    bytesIn: 200,
    bytesOut: 200,
    drives: { service: 'petsite', urlSetting: 'PETSITE_URL' },
  },
];

export const serviceByName = new Map(services.map((s) => [s.name, s]));

/**
 * Buckets (seconds) of every service's `http_request_duration_seconds` histogram: the simulation's
 * exposition and the workload's /metrics use the same, so the same quantile queries read both.
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Requests per second the traffic generator sends to petsite, before the daily pattern and noise. */
export const BASE_PETSITE_RPS = 28;

/**
 * Daily pattern of user traffic (fraction of the base rate) by UTC hour: quiet at night, a morning ramp,
 * a lunchtime peak and an evening peak, like a consumer web site in US time zones.
 */
export function dailyTrafficFactor(epochMs: number): number {
  const hour = ((epochMs / 3_600_000) % 24 + 24) % 24;
  const morning = Math.exp(-((hour - 17) ** 2) / 18);
  const evening = Math.exp(-((hour - 1.5 + (hour < 12 ? 24 : 0) - 24) ** 2) / 10);
  return 0.45 + 0.45 * morning + 0.3 * evening;
}

/** Services ordered so every callee comes before its callers (leaves first). */
export function servicesLeavesFirst(): ServiceProfile[] {
  const ordered: ServiceProfile[] = [];
  const visit = (s: ServiceProfile, stack: Set<string>) => {
    if (ordered.includes(s)) return;
    if (stack.has(s.name)) throw new Error(`call graph cycle through ${s.name}`);
    stack.add(s.name);
    for (const r of s.routes) for (const c of r.calls) visit(serviceByName.get(c.service)!, stack);
    stack.delete(s.name);
    ordered.push(s);
  };
  for (const s of services) visit(s, new Set());
  return ordered;
}
