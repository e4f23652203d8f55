import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../core/log.js';
import type { DaemonSet, Pod, ReplicaSet } from '../infra/local/simulation/cluster/objects.js';
import { DAEMONSET, POD, REPLICASET } from '../infra/local/simulation/cluster/resources.js';
import { createKubeApi, renderKubeconfig, selfSignedCertificate } from '../infra/local/simulation/kube-api/index.js';
import { Simulation } from '../infra/local/simulation/simulation.js';
import { profiles } from '../infra/local/profiles.js';

/**
 * The commands an SRE runs first on a cluster they are called to, run with the real kubectl against the
 * simulated cluster (controllers running, history replayed, served over TLS with a bearer token as
 * `local-cluster up` serves it). Each must succeed, with nothing on stderr unless a real EKS cluster
 * prints it too, and its output must look like a real cluster's where the command is about content.
 *
 * The list is built from public runbooks and cheat sheets (reference only, nothing copied verbatim):
 *  - the kubectl Quick Reference, kubernetes.io/docs/reference/kubectl/quick-reference/ (CC BY 4.0)
 *  - "Debug Pods", "Debug Services", "Debug Running Pods" and "Troubleshooting Clusters",
 *    kubernetes.io/docs/tasks/debug/ (CC BY 4.0)
 *  - Amazon EKS user guide, "Troubleshoot problems with Amazon EKS clusters and nodes" and
 *    "kubectl auth whoami" for access entries, docs.aws.amazon.com/eks/latest/userguide/ (CC BY-SA 4.0)
 *  - learnk8s, "A visual guide on troubleshooting Kubernetes deployments", learnk8s.io/troubleshooting-deployments
 *  - the EKS Best Practices Guide, "Reliability: Applications" and "Observability" (aws.github.io/aws-eks-best-practices)
 */
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);
const TOKEN = 'k8s-aws-v1.local-sre-test-token';
const NS = 'petadoptions';

interface Names {
  pod: string;
  container: string;
  node: string;
  dsPod: string;
  crashedPod: string;
  replicaSet: string;
  corednsPod: string;
}

interface SreCommand {
  args: (n: Names) => string[];
  /** What stdout must show (a real cluster's answer). */
  stdout?: RegExp;
  /** Expected failure: the command exits non-zero with this on stderr, as a real cluster answers. */
  fails?: RegExp;
  /** stderr a real cluster prints too (warnings). */
  stderr?: RegExp;
  /** Streams (logs -f): must print, keep running, and print again. */
  follows?: boolean;
}

const commands: SreCommand[] = [
  // Where am I, who am I, what can I do
  { args: () => ['version'], stdout: /Server Version: v1\.31\.\d+-eks-/ },
  { args: () => ['cluster-info'], stdout: /control plane\S* is running at \S*https:\/\/127\.0\.0\.1:\d+[\s\S]*CoreDNS\S* is running at/ },
  { args: () => ['api-resources'], stdout: /endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice/ },
  { args: () => ['api-resources', '--namespaced=false', '-o', 'name'], stdout: /^nodes$/m },
  { args: () => ['api-versions'], stdout: /^authorization\.k8s\.io\/v1$/m },
  { args: () => ['auth', 'whoami'], stdout: /Username\s+arn:aws:sts::123456789012:assumed-role\/\S+/ },
  { args: () => ['auth', 'whoami', '-o', 'json'], stdout: /"kind": "SelfSubjectReview"/ },
  { args: () => ['auth', 'can-i', 'list', 'pods', '-n', NS], stdout: /^yes$/m },
  { args: () => ['auth', 'can-i', 'delete', 'deployments', '-n', NS], stdout: /^yes$/m },
  { args: () => ['auth', 'can-i', '*', '*', '--all-namespaces'], stdout: /^yes$/m },
  { args: () => ['auth', 'can-i', '--list', '-n', NS], stdout: /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/ },
  { args: () => ['get', '--raw', '/readyz?verbose'], stdout: /readyz check passed/ },
  { args: () => ['get', '--raw', '/livez'], stdout: /^ok$/ },
  { args: () => ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'], stdout: /"kind":"NodeMetricsList"/ },
  // Nodes
  { args: () => ['get', 'nodes'], stdout: /Ready\s+<none>\s+\d+d\s+v1\.31/ },
  { args: () => ['get', 'nodes', '-o', 'wide'], stdout: /Amazon Linux 2023/ },
  { args: () => ['get', 'nodes', '--show-labels'], stdout: /topology\.kubernetes\.io\/zone=us-west-2a/ },
  { args: () => ['get', 'nodes', '-L', 'topology.kubernetes.io/zone,node.kubernetes.io/instance-type'], stdout: /us-west-2b\s+t3\.large/ },
  { args: () => ['describe', 'nodes'], stdout: /Non-terminated Pods:[\s\S]*Allocated resources:/ },
  { args: (n) => ['describe', 'node', n.node], stdout: /ProviderID:\s+aws:\/\/\// },
  { args: () => ['top', 'nodes'], stdout: /CPU%/ },
  { args: (n) => ['top', 'node', n.node], stdout: /MEMORY%/ },
  { args: (n) => ['get', 'node', n.node, '-o', 'yaml'], stdout: /kubeletVersion: v1\.31/ },
  { args: () => ['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}'], stdout: /^192\.168\.\d+\.\d+ / },
  { args: () => ['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,ZONE:.metadata.labels.topology\\.kubernetes\\.io/zone,TAINTS:.spec.taints'], stdout: /us-west-2c\s+<none>/ },
  { args: () => ['get', 'leases', '-n', 'kube-node-lease'], stdout: /ip-192-168-\S+\s+ip-192-168-/ },
  // Namespaces and everything in them
  { args: () => ['get', 'namespaces'], stdout: /petadoptions\s+Active/ },
  { args: () => ['describe', 'namespace', NS], stdout: /Status:\s+Active/ },
  { args: () => ['get', 'all', '-n', NS], stdout: /service\/petsite\s+NodePort[\s\S]*deployment\.apps\/petsite/ },
  { args: () => ['get', 'all', '-A'], stdout: /default\s+service\/kubernetes\s+ClusterIP\s+10\.100\.0\.1/ },
  // Pods
  { args: () => ['get', 'pods', '-A'], stdout: /kube-system\s+coredns-/ },
  { args: () => ['get', 'pods', '-A', '-o', 'wide'], stdout: /NOMINATED NODE/ },
  { args: () => ['get', 'pods', '-n', NS, '--show-labels'], stdout: /app=petsite/ },
  { args: () => ['get', 'pods', '-l', 'app=petsite', '-n', NS], stdout: /petsite-\S+\s+1\/1\s+Running/ },
  { args: () => ['get', 'pods', '-A', '--field-selector=status.phase!=Running'], stderr: /^No resources found$/ },
  { args: (n) => ['get', 'pods', '-A', '--field-selector', `spec.nodeName=${n.node}`], stdout: /aws-node-/ },
  { args: () => ['get', 'pods', '-n', NS, '--sort-by=.status.startTime'], stdout: /Running/ },
  { args: () => ['get', 'pods', '-A', '--sort-by=.status.containerStatuses[0].restartCount'], stdout: /fluent-bit-\S+\s+1\/1\s+Running\s+1 \(/ },
  { args: () => ['get', 'pods', '-n', NS, '-o', 'custom-columns=POD:.metadata.name,NODE:.spec.nodeName,IP:.status.podIP'], stdout: /\s192\.168\./ },
  { args: (n) => ['get', 'pod', n.pod, '-n', NS, '-o', 'yaml'], stdout: /kube-api-access-[a-z0-9]{5}[\s\S]*tolerationSeconds: 300/ },
  { args: (n) => ['get', 'pod', n.pod, '-n', NS, '-o', 'jsonpath={.spec.containers[*].image}'], stdout: /petsite:/ },
  { args: (n) => ['get', 'pod', n.pod, '-n', NS, '-o', 'jsonpath={.status.containerStatuses[0].imageID}'], stdout: /@sha256:[0-9a-f]{64}$/ },
  { args: (n) => ['describe', 'pod', n.pod, '-n', NS], stdout: /Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s/ },
  { args: () => ['describe', 'pods', '-l', 'app=petsearch', '-n', NS], stdout: /Controlled By:\s+ReplicaSet\/petsearch-/ },
  { args: (n) => ['describe', 'pod', n.crashedPod, '-n', 'amazon-cloudwatch'], stdout: /Last State:\s+Terminated\s+Reason:\s+Error/ },
  { args: () => ['get', 'pods', '-n', NS, '-o', 'name'], stdout: /^pod\/petsite-/m },
  { args: () => ['get', 'pods', '-n', NS, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'], stdout: /petsite-\S+\tTrue/ },
  { args: () => ['top', 'pods', '-A'], stdout: /NAMESPACE\s+NAME\s+CPU\(cores\)/ },
  { args: () => ['top', 'pods', '-n', NS, '--containers'], stdout: /POD\s+NAME\s+CPU\(cores\)/ },
  { args: () => ['top', 'pods', '-A', '--sort-by=memory'], stdout: /Mi/ },
  { args: (n) => ['top', 'pod', n.pod, '-n', NS], stdout: /petsite-/ },
  // Logs
  { args: (n) => ['logs', n.pod, '-n', NS], stdout: /\S/ },
  { args: (n) => ['logs', n.pod, '-n', NS, '--tail=20'], stdout: /\S/ },
  { args: (n) => ['logs', n.pod, '-n', NS, '--since=5m'], stdout: /\S/ },
  { args: (n) => ['logs', n.pod, '-n', NS, '--timestamps', '--tail=200'], stdout: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /m },
  { args: (n) => ['logs', n.pod, '-n', NS, '-c', n.container, '--tail=5'], stdout: /\S/ },
  { args: () => ['logs', 'deploy/petsite', '-n', NS, '--tail=5'], stdout: /\S/, stderr: /^Found 2 pods, using pod\/petsite-/ },
  { args: () => ['logs', '-l', 'app=petsite', '-n', NS, '--tail=3', '--prefix'], stdout: /^\[pod\/petsite-\S+\/petsite\] /m },
  { args: () => ['logs', '-l', 'k8s-app=aws-node', '-n', 'kube-system', '--all-containers', '--tail=2'], stdout: /\S|^$/ },
  { args: (n) => ['logs', n.crashedPod, '-n', 'amazon-cloudwatch', '--previous'], stdout: /ThrottlingException/ },
  { args: (n) => ['logs', n.corednsPod, '-n', 'kube-system', '--tail=5'], stdout: /\S/ },
  { args: (n) => ['logs', n.pod, '-n', NS, '--since-time', new Date(Date.now() - 600_000).toISOString(), '--tail=3'], stdout: /\S/ },
  { args: (n) => ['logs', '-f', n.pod, '-n', NS, '--tail=1'], follows: true },
  // Deployments and ReplicaSets
  { args: () => ['get', 'deployments', '-A'], stdout: /kube-system\s+coredns\s+2\/2/ },
  { args: () => ['get', 'deploy', '-n', NS, '-o', 'wide'], stdout: /CONTAINERS\s+IMAGES\s+SELECTOR/ },
  { args: () => ['describe', 'deploy', 'petsite', '-n', NS], stdout: /StrategyType:\s+RollingUpdate[\s\S]*NewReplicaSet:\s+petsite-/ },
  { args: () => ['rollout', 'status', 'deploy/petsite', '-n', NS, '--timeout=10s'], stdout: /successfully rolled out/ },
  { args: () => ['rollout', 'history', 'deploy/petsite', '-n', NS], stdout: /kubectl set image deployment\/petsite/ },
  { args: () => ['rollout', 'history', 'deploy/petsite', '-n', NS, '--revision=1'], stdout: /Pod Template:[\s\S]*Image:/ },
  { args: () => ['rollout', 'history', 'deploy/coredns', '-n', 'kube-system'], stdout: /REVISION\s+CHANGE-CAUSE/ },
  { args: () => ['get', 'replicasets', '-n', NS], stdout: /petsite-\S+\s+0\s+0\s+0/ },
  { args: (n) => ['describe', 'rs', n.replicaSet, '-n', NS], stdout: /Controlled By:\s+Deployment\/petsite/ },
  { args: () => ['get', 'deploy', 'petsite', '-n', NS, '-o', 'yaml'], stdout: /progressDeadlineSeconds: 600/ },
  { args: () => ['get', 'deploy', '-n', NS, '-o', 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.availableReplicas}{"\\n"}{end}'], stdout: /^petsite \d/m },
  // DaemonSets
  { args: () => ['get', 'daemonsets', '-A'], stdout: /kube-system\s+aws-node\s+3\s+3\s+3\s+3\s+3/ },
  { args: () => ['describe', 'ds', 'aws-node', '-n', 'kube-system'], stdout: /Pods Status:\s+3 Running/ },
  { args: () => ['rollout', 'status', 'ds/aws-node', '-n', 'kube-system', '--timeout=10s'], stdout: /daemon set "aws-node" successfully rolled out/ },
  { args: () => ['rollout', 'history', 'ds/kube-proxy', '-n', 'kube-system'], stdout: /REVISION\s+CHANGE-CAUSE\s+1\s/ },
  { args: () => ['get', 'controllerrevisions', '-n', 'kube-system'], stdout: /aws-node-[a-z0-9]+\s+daemonset\.apps\/aws-node\s+1/ },
  // Services, endpoints, DNS
  { args: () => ['get', 'services', '-A'], stdout: /kube-system\s+kube-dns\s+ClusterIP\s+10\.100\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/ },
  { args: () => ['get', 'svc', 'petsite', '-n', NS], stdout: /NodePort\s+10\.100\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP/ },
  { args: () => ['describe', 'svc', 'petsite', '-n', NS], stdout: /Endpoints:\s+192\.168\.\d+\.\d+:80,/ },
  { args: () => ['describe', 'svc', 'kube-dns', '-n', 'kube-system'], stdout: /Endpoints:\s+192\.168\.\d+\.\d+:53/ },
  { args: () => ['get', 'endpoints', '-n', NS], stdout: /petsearch\s+192\.168\.\d+\.\d+:80/ },
  { args: () => ['get', 'endpoints', 'kubernetes', '-n', 'default'], stdout: /kubernetes\s+\S+:443/ },
  { args: () => ['get', 'endpointslices', '-n', NS], stdout: /petsite-[a-z0-9]{5}\s+IPv4\s+80\s+192\.168\./ },
  { args: () => ['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=petsite', '-o', 'yaml'], stdout: /ready: true/ },
  { args: () => ['describe', 'endpointslice', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns'], stdout: /AddressType:\s+IPv4/ },
  { args: () => ['get', 'svc', 'kubernetes', '-n', 'default', '-o', 'yaml'], stdout: /clusterIP: 10\.100\.0\.1/ },
  // Configuration and identity
  { args: () => ['get', 'configmaps', '-A'], stdout: /petadoptions\s+kube-root-ca\.crt\s+1/ },
  { args: () => ['get', 'configmap', 'kube-root-ca.crt', '-n', NS, '-o', 'yaml'], stdout: /BEGIN CERTIFICATE/ },
  { args: () => ['get', 'secrets', '-A'] },
  { args: () => ['get', 'serviceaccounts', '-n', NS], stdout: /default\s+0/ },
  { args: () => ['get', 'sa', '-A'], stdout: /kube-system\s+aws-node\s+0/ },
  { args: () => ['describe', 'sa', 'default', '-n', NS], stdout: /Name:\s+default/ },
  { args: () => ['get', 'roles,rolebindings', '-A'] },
  { args: () => ['get', 'clusterroles'], stdout: /cluster-admin/ },
  { args: () => ['get', 'clusterrolebindings'], stdout: /cluster-admin\s+ClusterRole\/cluster-admin/ },
  // Workload kinds this cluster does not use: empty lists, as on a cluster without them
  { args: () => ['get', 'statefulsets', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'jobs', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'cronjobs', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'hpa', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'ingress', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'networkpolicies', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'pvc', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'pv'], stderr: /^No resources found$/ },
  { args: () => ['get', 'storageclass'], stdout: /gp2\s+kubernetes\.io\/aws-ebs\s+Delete\s+WaitForFirstConsumer/ },
  { args: () => ['get', 'crd'], stdout: /stresschaos\.chaos-mesh\.org/ },
  { args: () => ['get', 'priorityclasses'], stdout: /system-node-critical\s+2000001000/ },
  { args: () => ['get', 'resourcequotas,limitranges', '-A'], stderr: /^No resources found$/ },
  { args: () => ['get', 'pdb', '-A'], stdout: /kube-system\s+coredns\s+N\/A\s+1/ },
  { args: () => ['describe', 'pdb', 'petsite-pdb', '-n', NS], stdout: /Min available:\s+1/ },
  { args: () => ['get', 'mutatingwebhookconfigurations,validatingwebhookconfigurations'] },
  { args: () => ['get', 'apiservices'], stdout: /v1beta1\.metrics\.k8s\.io\s+kube-system\/metrics-server\s+True/ },
  // Events
  { args: () => ['get', 'events', '-A', '--sort-by=.lastTimestamp'], stdout: /LAST SEEN/ },
  { args: () => ['get', 'events', '-n', NS, '--field-selector', 'type=Normal'], stdout: /Normal/ },
  { args: (n) => ['events', '-n', NS, '--for', `pod/${n.pod}`], stdout: /Scheduled|Started|Pulled|No events/ , stderr: /^No events found in petadoptions namespace\.$/ },
  { args: () => ['events', '-A'], stdout: /LAST SEEN/ },
  { args: () => ['events', '-n', NS, '--types=Warning'], stderr: /^No events found in petadoptions namespace\.$/ },
  // The API's own documentation
  { args: () => ['explain', 'pods'], stdout: /KIND:\s+Pod\nVERSION:\s+v1/ },
  { args: () => ['explain', 'deployment.spec.strategy'], stdout: /GROUP:\s+apps[\s\S]*rollingUpdate/ },
  { args: () => ['explain', 'pod.spec.containers.livenessProbe'], stdout: /FIELD: livenessProbe/ },
  { args: () => ['explain', 'svc', '--recursive'], stdout: /nodePort\s+<integer>/ },
  { args: () => ['explain', 'endpointslices.endpoints'], stdout: /conditions/ },
  { args: () => ['explain', 'daemonset.spec.updateStrategy.rollingUpdate'], stdout: /maxSurge\s+<IntOrString>[\s\S]*maxUnavailable\s+<IntOrString>/ },
  // Inside a container: read-only diagnostics
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'cat', '/etc/resolv.conf'], stdout: /^search petadoptions\.svc\.cluster\.local svc\.cluster\.local cluster\.local us-west-2\.compute\.internal\nnameserver 10\.100\.0\.10\noptions ndots:5\n$/ },
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'env'], stdout: /KUBERNETES_SERVICE_HOST=10\.100\.0\.1/ },
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'printenv', 'HOSTNAME'], stdout: new RegExp('^petsite-') },
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'ps'], stdout: /PID/ },
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'df', '-h'], stdout: /Filesystem/ },
  { args: (n) => ['exec', n.pod, '-n', NS, '--', 'rm', '-rf', '/tmp/cache'], fails: /forbidden|not permitted|read-only/i },
  // A full dump
  { args: () => ['cluster-info', 'dump', '--namespaces', `${NS},kube-system`, '--output-directory', '__DUMP__'], stdout: /Cluster info dumped to/ },
];

interface Context {
  simulation: Simulation;
  server: Server;
  timer: NodeJS.Timeout;
  dir: string;
  env: NodeJS.ProcessEnv;
  names: Names;
}

const sre = suite<Context>('kubectl: the commands an SRE runs first');

sre.before(async (context) => {
  if (!existsSync(KUBECTL)) throw new Error(`kubectl not found at ${KUBECTL}; install kubectl 1.31+ or point KUBECTL at one`);
  const now = Date.now();
  const simulation = new Simulation({ start: now - 40 * 60_000, profile: profiles.realistic, seed: 7, historyEnd: now });
  await simulation.advanceTo(now);
  context.simulation = simulation;
  const certificate = selfSignedCertificate();
  const api = createKubeApi(simulation, { token: TOKEN, logger: createLogger('kube-api', { level: 'error', sink: () => undefined }) });
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    if (!api(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (!api.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  context.server = server;
  // The cluster follows the wall clock while the commands run, as the served one does.
  context.timer = setInterval(() => void simulation.advanceTo(Date.now()), 250);
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context.dir = mkdtempSync(join(tmpdir(), 'kubectl-sre-'));
  const kubeconfig = join(context.dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: url, token: TOKEN, clusterName: 'petadoptions-local', certificateAuthority: certificate.cert }));
  context.env = { PATH: process.env.PATH, HOME: context.dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(context.dir, 'cache') };
  const pods = simulation.store.list<Pod>(POD);
  const petsite = pods.find((p) => p.metadata.labels?.app === 'petsite' && p.status.phase === 'Running')!;
  const awsNodeDs = simulation.store.get<DaemonSet>(DAEMONSET, 'kube-system', 'aws-node')!;
  const crashed = pods.find((p) => p.metadata.namespace === 'amazon-cloudwatch' && (p.status.containerStatuses?.[0]?.restartCount ?? 0) > 0);
  const currentRs = simulation.store.list<ReplicaSet>(REPLICASET, NS).find((rs) => rs.metadata.name.startsWith('petsite-') && (rs.spec.replicas ?? 0) > 0)!;
  context.names = {
    pod: petsite.metadata.name,
    container: petsite.spec.containers[0]!.name,
    node: petsite.spec.nodeName!,
    dsPod: pods.find((p) => p.metadata.ownerReferences?.[0]?.uid === awsNodeDs.metadata.uid)!.metadata.name,
    crashedPod: crashed?.metadata.name ?? 'fluent-bit-none',
    replicaSet: currentRs.metadata.name,
    corednsPod: pods.find((p) => p.metadata.labels?.['k8s-app'] === 'kube-dns')!.metadata.name,
  };
});

sre.after((context) => {
  clearInterval(context.timer);
  context.server.closeAllConnections();
  context.server.close();
  rmSync(context.dir, { recursive: true, force: true });
});

interface Outcome {
  command: string;
  ok: boolean;
  why?: string;
}

async function runOne(context: Context, command: SreCommand): Promise<Outcome> {
  const dump = join(context.dir, 'dump');
  const args = command.args(context.names).map((a) => (a === '__DUMP__' ? dump : a));
  const line = `kubectl ${args.join(' ')}`;
  if (command.follows) return follow(context, args, line);
  let stdout = '';
  let stderr = '';
  let failed = false;
  try {
    ({ stdout, stderr } = await run(KUBECTL, args, { env: context.env, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    failed = true;
    stdout = (error as { stdout?: string }).stdout ?? '';
    stderr = (error as { stderr?: string }).stderr ?? String(error);
  }
  stderr = stderr.trim();
  if (command.fails) {
    if (!failed) return { command: line, ok: false, why: 'succeeded, a refusal was expected' };
    return command.fails.test(stderr) ? { command: line, ok: true } : { command: line, ok: false, why: `stderr: ${stderr.slice(0, 300)}` };
  }
  if (failed) return { command: line, ok: false, why: `failed: ${stderr.slice(0, 300)}` };
  if (stderr && !(command.stderr && command.stderr.test(stderr))) return { command: line, ok: false, why: `stderr: ${stderr.slice(0, 300)}` };
  if (command.stdout && !command.stdout.test(stdout)) return { command: line, ok: false, why: `stdout: ${stdout.slice(0, 300)}` };
  if (args[0] === 'logs' && args.includes('--timestamps')) {
    const times = stdout.trim().split('\n').map((l) => l.slice(0, 30));
    if (times.some((t, i) => i > 0 && t < times[i - 1]!)) return { command: line, ok: false, why: 'lines out of time order' };
  }
  if (args[0] === 'cluster-info' && args[1] === 'dump') {
    const files = readdirSync(join(dump, NS));
    if (!['pods.json', 'events.json', 'replicasets.json', 'services.json', 'daemonsets.json', 'deployments.json', 'replication-controllers.json'].every((f) => files.includes(f))) return { command: line, ok: false, why: `dump has ${files.join(',')}` };
  }
  return { command: line, ok: true };
}

/** `logs -f`: the first lines come at once, more arrive while the stream stays open. */
function follow(context: Context, args: string[], line: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, args, { env: context.env });
    let stdout = '';
    let stderr = '';
    let firstAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      firstAt ||= Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    child.on('exit', () => (exited = true));
    setTimeout(() => {
      child.kill();
      const lines = stdout.trim().split('\n').filter(Boolean);
      if (exited) resolve({ command: line, ok: false, why: `the stream ended (${stderr.trim().slice(0, 200)})` });
      else if (lines.length < 2) resolve({ command: line, ok: false, why: `no new lines while following: ${stdout.slice(0, 200)} ${stderr.slice(0, 200)}` });
      else resolve({ command: line, ok: true });
    }, 6_000);
  });
}

sre('each command succeeds or answers as a real EKS cluster would', async (context) => {
  const outcomes: Outcome[] = [];
  // A few at a time: each kubectl start costs a few hundred milliseconds of CPU.
  const queue = [...commands];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let command = queue.shift(); command; command = queue.shift()) outcomes.push(await runOne(context, command));
    }),
  );
  const failed = outcomes.filter((o) => !o.ok);
  process.stdout.write(`\n  kubectl SRE commands: ${outcomes.length - failed.length}/${outcomes.length} pass\n`);
  for (const f of failed) process.stdout.write(`    FAIL ${f.command}\n         ${f.why}\n`);
  assert.is(failed.length, 0, failed.map((f) => `${f.command}: ${f.why}`).join('\n'));
});

sre.run();
