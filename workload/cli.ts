/**
 * The workload's command line: one option table for the service (`--role ROLE`, each option with the
 * environment variable Kubernetes sets) and the `manifests` command that prints the Deployments and
 * Services the eks target applies. Parsing, help and errors come from lib/platform/cli.ts.
 */
import { z } from 'zod';
import { defineCli, defineCommand, oneOf, port, readWith } from '../lib/platform/cli.js';
import { services } from '../lib/petadoption/catalog.js';
import { parseDaemonAddress } from './xray-emitter.js';

export const roles = services.map((service) => service.name) as [string, ...string[]];

/** A number from 0 to 1 written as text ("0.25", "1"). */
const fraction = () => {
  const must = 'must be a number from 0 to 1';
  return z
    .string()
    .trim()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, must)
    .transform(Number)
    .pipe(z.number().min(0, must).max(1, must));
};

const seconds = () => {
  const must = 'must be a number of seconds, 0 or more';
  return z.string().trim().regex(/^(\d+(\.\d*)?|\.\d+)$/, must).transform(Number);
};

const daemonAddress = () => readWith(parseDaemonAddress, 'must be HOST:PORT (or "udp:HOST:PORT tcp:HOST:PORT") of the X-Ray daemon or ADOT collector');

export const serviceOptions = {
  role: { flag: '--role', value: 'ROLE', env: 'ROLE', required: true, schema: oneOf(roles), describe: `which service of the pet-adoption application this process is: ${roles.join(', ')}` },
  port: { flag: '--port', value: 'PORT', env: 'PORT', default: '8080', schema: port(0), describe: 'HTTP port of the routes, probes and /metrics (0 picks a free one)' },
  host: { flag: '--host', value: 'ADDRESS', env: 'LISTEN_ADDRESS', default: '0.0.0.0', describe: 'address to listen on' },
  xrayDaemonAddress: { flag: '--xray-daemon-address', value: 'HOST:PORT', env: 'AWS_XRAY_DAEMON_ADDRESS', default: '127.0.0.1:2000', schema: daemonAddress(), describe: 'where trace segments go, over UDP (an X-Ray daemon or an ADOT collector with the awsxray receiver)' },
  traceSamplingRate: { flag: '--trace-sampling-rate', value: 'FRACTION', env: 'TRACE_SAMPLING_RATE', default: '0.05', schema: fraction(), describe: "share of requests traced beyond the first each second (X-Ray's default rule: 1 a second + 5%)" },
  clusterName: { flag: '--cluster-name', value: 'NAME', env: 'CLUSTER_NAME', default: 'petadoptions', describe: 'EKS cluster name written into trace segments (aws.eks.cluster_name)' },
  podName: { flag: '--pod-name', value: 'NAME', env: 'POD_NAME', defaultDescription: 'the host name', describe: 'pod name written into trace segments (Kubernetes sets it from metadata.name)' },
  trafficScale: { flag: '--traffic-scale', value: 'FRACTION', env: 'TRAFFIC_SCALE', default: '0.25', schema: fraction(), describe: "trafficgenerator: share of the simulation's petsite request rate it sends (same daily pattern)" },
  memoryScale: { flag: '--memory-scale', value: 'FRACTION', env: 'MEMORY_SCALE', default: '1', schema: fraction(), describe: "share of the role's steady memory (the catalog's memoryBaselineBytes) the process holds" },
  startupSeconds: { flag: '--startup-seconds', value: 'SECONDS', env: 'STARTUP_SECONDS', defaultDescription: "the role's start-up time in the catalog", schema: seconds(), describe: 'seconds from start until /readyz answers 200' },
} as const;

export const manifestOptions = {
  image: { flag: '--image', value: 'IMAGE', env: 'WORKLOAD_IMAGE', default: 'eks-incident-kit:latest', describe: "the kit's image (the root Dockerfile); the CDK app passes its image asset" },
  xrayDaemonAddress: { flag: '--xray-daemon-address', value: 'HOST:PORT', default: '$(HOST_IP):2000', describe: "AWS_XRAY_DAEMON_ADDRESS of the pods; the default is the node's own collector (a DaemonSet listening on UDP 2000 as a host port)" },
  clusterName: { flag: '--cluster-name', value: 'NAME', default: 'petadoptions', describe: 'CLUSTER_NAME of the pods (written into trace segments)' },
  trafficScale: { flag: '--traffic-scale', value: 'FRACTION', default: '0.25', schema: fraction(), describe: 'TRAFFIC_SCALE of trafficgenerator' },
  format: { flag: '--format', value: 'FORMAT', default: 'yaml', schema: oneOf(['yaml', 'json']), describe: 'yaml (documents separated by ---) or json (a List)' },
} as const;

export const manifestsCommand = defineCommand({
  name: 'manifests',
  summary: 'print the Namespace, Deployments and Services of the six roles',
  description: 'Prints the Kubernetes objects the eks target applies: namespace petadoptions, and per role a Deployment and a\nService named after it (requests, limits, env and settings from the catalog; probes; Prometheus scrape annotations).',
  usage: '[--image IMAGE] [--format yaml|json] [options]',
  options: Object.values(manifestOptions),
});

export const workloadCli = defineCli({
  name: 'petadoption-workload',
  summary: 'the pet-adoption application, one role per process',
  description:
    'One service of the pet-adoption application (the same routes, call graph and metrics as the local simulation):\n' +
    'serves its routes, calls the services downstream of it, exposes /metrics, /healthz and /readyz, logs JSON lines\n' +
    'and sends X-Ray segments. Settings are checked at start as the catalog says; a bad one exits 1.',
  usage: ['--role ROLE [options]', 'manifests [options]'],
  options: Object.values(serviceOptions),
  commands: [manifestsCommand],
  epilog: 'Reference: docs/workload.md',
});
