import { parseQuantity } from '../../../../../core/quantity.js';
import { serviceByName } from '../../../../../lib/petadoption/catalog.js';
import type { ClusterBackend } from '../../cluster/backend.js';
import { CLUSTER_DOMAIN, KUBE_DNS_SERVICE_IP, KUBERNETES_SERVICE_IP } from '../../cluster/bootstrap.js';
import type { Container, KubeObject, Node, Pod } from '../../cluster/objects.js';
import { CONFIGMAP, NODE, SERVICE, SERVICEACCOUNT } from '../../cluster/resources.js';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../../cluster/pod-admission.js';

/**
 * The commands `kubectl exec` runs in the local cluster's containers: the read-only diagnostics an SRE
 * types first, answered from the cluster's state as the container would answer them (kubelet's
 * resolv.conf and hosts file, the environment the kubelet injects, the cgroup's memory, the processes):
 *
 *   cat /etc/resolv.conf | /etc/hosts | /etc/os-release | /etc/hostname | <service account files> |
 *       /sys/fs/cgroup/memory.max | memory.current | cpu.max,
 *   env, printenv [NAME...], hostname, id, whoami, uname [-a|-r|-m|-s], date, ps [aux|-ef], df [-h], pwd
 *
 * also behind `sh -c '<one of these>'`. Anything else (a shell, writes, network tools) is refused.
 */
export interface ExecResult {
  stdout: string;
  exitCode: number;
  /** Set when the command is not one the local cluster runs. */
  refused?: string;
}

export interface ExecTarget {
  pod: Pod;
  container: Container;
  backend: ClusterBackend;
}

const KERNEL = '6.1.119-129.201.amzn2023.x86_64';
const SUPPORTED = 'cat (resolv.conf, hosts, os-release, hostname, service account files, cgroup memory/cpu), env, printenv, hostname, id, whoami, uname, date, ps, df, pwd';

export function runDiagnostic(target: ExecTarget, command: string[]): ExecResult {
  let argv = command;
  if (argv.length === 3 && /^(\/bin\/|\/usr\/bin\/)?(ba)?sh$/.test(argv[0]!) && argv[1] === '-c' && !/[|;&<>`$()]/.test(argv[2]!)) argv = argv[2]!.trim().split(/\s+/);
  const [program = '', ...args] = argv;
  const name = program.split('/').pop()!;
  const ok = (stdout: string): ExecResult => ({ stdout, exitCode: 0 });
  switch (name) {
    case 'cat':
      return cat(target, args);
    case 'env':
      if (args.length) break;
      return ok(environment(target).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    case 'printenv': {
      const env = new Map(environment(target));
      if (!args.length) return ok([...env].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      const found = args.filter((a) => env.has(a));
      return { stdout: found.map((a) => `${env.get(a)}\n`).join(''), exitCode: found.length === args.length ? 0 : 1 };
    }
    case 'hostname':
      return ok(`${target.pod.metadata.name}\n`);
    case 'id':
      return ok('uid=0(root) gid=0(root) groups=0(root)\n');
    case 'whoami':
      return ok('root\n');
    case 'pwd':
      return ok(`${(target.container.workingDir as string | undefined) ?? '/app'}\n`);
    case 'uname':
      return ok(`${uname(target, args)}\n`);
    case 'date':
      return ok(`${dateText(target.backend.clock.now())}\n`);
    case 'ps':
      return ok(processes(target, args));
    case 'df':
      return ok(diskFree(target, args.includes('-h')));
  }
  return { stdout: '', exitCode: 126, refused: `exec of "${command.join(' ')}" is forbidden in the local simulated cluster: containers here run read-only diagnostics only (${SUPPORTED})` };
}

function cat(target: ExecTarget, files: string[]): ExecResult {
  const { pod, backend } = target;
  const namespace = pod.metadata.namespace!;
  let out = '';
  for (const file of files) {
    const text = fileContent(target, file, namespace, backend);
    if (text === undefined) return { stdout: out, exitCode: 1, refused: `exec of "cat ${file}" is forbidden in the local simulated cluster: only the files a diagnosis reads are simulated (${SUPPORTED})` };
    out += text;
  }
  if (!files.length) return { stdout: '', exitCode: 1, refused: 'cat without a file reads standard input, which the local cluster does not forward' };
  return { stdout: out, exitCode: 0 };
}

function fileContent(target: ExecTarget, file: string, namespace: string, backend: ClusterBackend): string | undefined {
  const { pod, container } = target;
  const memoryLimit = container.resources?.limits?.memory;
  const cpuLimit = container.resources?.limits?.cpu;
  switch (file) {
    case '/etc/resolv.conf':
      // What the kubelet writes for dnsPolicy ClusterFirst on an EKS node (the node's search domain last).
      return `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN} us-west-2.compute.internal\nnameserver ${KUBE_DNS_SERVICE_IP}\noptions ndots:5\n`;
    case '/etc/hosts':
      return `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${pod.status.podIP ?? ''}\t${pod.metadata.name}\n`;
    case '/etc/hostname':
      return `${pod.metadata.name}\n`;
    case '/etc/os-release':
      return osRelease(container.image);
    case `${SERVICE_ACCOUNT_MOUNT_PATH}/namespace`:
      return namespace;
    case `${SERVICE_ACCOUNT_MOUNT_PATH}/ca.crt`:
      return String((backend.store.get<KubeObject & { data?: Record<string, string> }>(CONFIGMAP, namespace, 'kube-root-ca.crt')?.data ?? {})['ca.crt'] ?? '');
    case '/sys/fs/cgroup/memory.max':
      return `${memoryLimit ? parseQuantity(memoryLimit) : 'max'}\n`;
    case '/sys/fs/cgroup/memory.current':
      return `${Math.round(containerUsage(target)?.memoryBytes ?? 0)}\n`;
    case '/sys/fs/cgroup/cpu.max':
      return `${cpuLimit ? Math.round(parseQuantity(cpuLimit) * 100_000) : 'max'} 100000\n`;
  }
  return undefined;
}

function osRelease(image: string): string {
  if (image.includes('602401143452.dkr.ecr') || image.includes('cloudwatch-agent') || image.includes('aws-for-fluent-bit')) {
    return 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\nPRETTY_NAME="Amazon Linux 2023.6.20250107"\nANSI_COLOR="0;33"\nCPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"\nHOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"\n';
  }
  return 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';
}

/**
 * The container's environment as the kubelet builds it: PATH and HOSTNAME, the container's own
 * variables, the Docker-links style variables of every Service in the namespace (enableServiceLinks)
 * and of the `kubernetes` Service, and the IRSA variables the pod identity webhook adds.
 */
function environment(target: ExecTarget): [string, string][] {
  const { pod, container, backend } = target;
  const namespace = pod.metadata.namespace!;
  const env: [string, string][] = [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['HOSTNAME', pod.metadata.name]];
  for (const variable of container.env ?? []) if (variable.value !== undefined) env.push([variable.name, variable.value]);
  const account = backend.store.get<KubeObject>(SERVICEACCOUNT, namespace, (pod.spec.serviceAccountName as string | undefined) ?? 'default');
  const role = account?.metadata.annotations?.['eks.amazonaws.com/role-arn'];
  if (role) {
    env.push(['AWS_STS_REGIONAL_ENDPOINTS', 'regional'], ['AWS_DEFAULT_REGION', 'us-west-2'], ['AWS_REGION', 'us-west-2'], ['AWS_ROLE_ARN', role], ['AWS_WEB_IDENTITY_TOKEN_FILE', '/var/run/secrets/eks.amazonaws.com/serviceaccount/token']);
  }
  const services = pod.spec.enableServiceLinks === false ? [] : backend.store.list<KubeObject & { spec: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] } }>(SERVICE, namespace);
  const kubernetes = namespace === 'default' ? [] : [{ metadata: { name: 'kubernetes' }, spec: { clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } }];
  for (const service of [...services, ...kubernetes]) {
    const ip = service.spec.clusterIP;
    const ports = service.spec.ports ?? [];
    if (!ip || ip === 'None' || !ports.length) continue;
    const prefix = service.metadata.name.toUpperCase().replaceAll('-', '_');
    const first = ports[0]!;
    env.push([`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(first.port)]);
    for (const port of ports) if (port.name) env.push([`${prefix}_SERVICE_PORT_${port.name.toUpperCase().replaceAll('-', '_')}`, String(port.port)]);
    env.push([`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
    for (const port of ports) {
      const protocol = port.protocol ?? 'TCP';
      const base = `${prefix}_PORT_${port.port}_${protocol}`;
      env.push([base, `${protocol.toLowerCase()}://${ip}:${port.port}`], [`${base}_PROTO`, protocol.toLowerCase()], [`${base}_PORT`, String(port.port)], [`${base}_ADDR`, ip]);
    }
  }
  env.push(['HOME', '/root']);
  return env;
}

function uname(target: ExecTarget, args: string[]): string {
  if (args.includes('-a')) return `Linux ${target.pod.metadata.name} ${KERNEL} #1 SMP PREEMPT_DYNAMIC Tue Jan  7 21:41:04 UTC 2025 x86_64 GNU/Linux`;
  if (args.includes('-r')) return KERNEL;
  if (args.includes('-m')) return 'x86_64';
  return 'Linux';
}

function dateText(epochMs: number): string {
  const d = new Date(epochMs);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function containerUsage(target: ExecTarget) {
  const { pod, container, backend } = target;
  return backend.usage.pods(pod.metadata.namespace).find((p) => p.name === pod.metadata.name)?.containers.find((c) => c.name === container.name);
}

/** The container's main process (PID 1) as the image starts it. */
function mainProcess(container: Container): string {
  const service = serviceByName.get(container.name);
  switch (service?.runtime) {
    case 'dotnet':
      return `dotnet ${container.name === 'petsite' ? 'PetSite' : 'TrafficGenerator'}.dll`;
    case 'java':
      return 'java -XX:MaxRAMPercentage=75.0 -jar /app/petsearch.jar';
    case 'python':
      return 'gunicorn --bind 0.0.0.0:8080 --workers 2 app:app';
    case 'go':
      return `/app/${container.name}`;
  }
  const binary = container.image.split('/').pop()!.split(':')[0]!;
  return `/${binary}`;
}

function processes(target: ExecTarget, args: string[]): string {
  const started = Date.parse(target.pod.status.containerStatuses?.find((s) => s.name === target.container.name)?.state.running?.startedAt ?? '') || target.backend.clock.now();
  const usage = containerUsage(target);
  const rssKb = Math.round((usage?.memoryBytes ?? 64 * 2 ** 20) / 1024);
  const elapsedSeconds = Math.max(1, (target.backend.clock.now() - started) / 1000);
  const cpuSeconds = Math.round(elapsedSeconds * (usage?.cpuCores ?? 0.01));
  const time = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  const main = mainProcess(target.container);
  if (args.some((a) => a.includes('aux') || a === 'aux')) {
    const cpu = ((usage?.cpuCores ?? 0.01) * 100).toFixed(1);
    return `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot           1 ${cpu.padStart(4)}  ${(rssKb / 80475.64).toFixed(1)} ${String(rssKb * 3).padStart(6)} ${String(rssKb).padStart(5)} ?        Ssl  ${new Date(started).toISOString().slice(11, 16)}   ${Math.floor(cpuSeconds / 60)}:${String(cpuSeconds % 60).padStart(2, '0')} ${main}\nroot          87  0.0  0.0   8092  4096 ?        Rs   ${new Date(target.backend.clock.now()).toISOString().slice(11, 16)}   0:00 ps aux\n`;
  }
  if (args.includes('-ef')) {
    return `UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 ${new Date(started).toISOString().slice(11, 16)} ?        ${time(cpuSeconds)} ${main}\nroot          87       0  0 ${new Date(target.backend.clock.now()).toISOString().slice(11, 16)} ?        00:00:00 ps -ef\n`;
  }
  return `    PID TTY          TIME CMD\n      1 ?        ${time(cpuSeconds)} ${main.split(' ')[0]!.split('/').pop()}\n     87 ?        00:00:00 ps\n`;
}

/** The container's mounts: the node's root volume (overlay), the kubelet's files, shm, the token volume. */
function diskFree(target: ExecTarget, human: boolean): string {
  const node = target.pod.spec.nodeName ? target.backend.store.get<Node>(NODE, undefined, target.pod.spec.nodeName) : undefined;
  const rootKb = Math.round(parseQuantity(node?.status.capacity['ephemeral-storage'] ?? '20893676Ki') / 1024);
  const usedKb = Math.round(rootKb * 0.34);
  const tokenKb = Math.round(parseQuantity(target.container.resources?.limits?.memory ?? '7Gi') / 1024);
  const rows: [string, number, number, string][] = [
    ['overlay', rootKb, usedKb, '/'],
    ['tmpfs', 65536, 0, '/dev'],
    ['shm', 65536, 0, '/dev/shm'],
    ['/dev/nvme0n1p1', rootKb, usedKb, '/etc/hosts'],
    ['tmpfs', tokenKb, 12, SERVICE_ACCOUNT_MOUNT_PATH],
  ];
  const size = (kb: number) => {
    if (!human) return String(kb);
    const units = ['K', 'M', 'G', 'T'];
    let value = kb;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return kb === 0 ? '0' : `${value >= 10 ? Math.ceil(value) : Math.ceil(value * 10) / 10}${units[unit]}`;
  };
  const header = human ? 'Filesystem      Size  Used Avail Use% Mounted on' : 'Filesystem     1K-blocks    Used Available Use% Mounted on';
  const lines = rows.map(([fs, total, used, mount]) => {
    const pct = total ? `${Math.ceil((used / total) * 100)}%` : '0%';
    return human
      ? `${fs.padEnd(15)} ${size(total).padStart(4)} ${size(used).padStart(5)} ${size(total - used).padStart(5)} ${pct.padStart(4)} ${mount}`
      : `${fs.padEnd(14)} ${String(total).padStart(9)} ${String(used).padStart(7)} ${String(total - used).padStart(9)} ${pct.padStart(4)} ${mount}`;
  });
  return `${header}\n${lines.join('\n')}\n`;
}
