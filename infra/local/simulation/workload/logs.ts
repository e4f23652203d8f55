/**
 * Container logs as the services would write them (ASP.NET Core JSON console, Spring Boot, Go zap
 * JSON, gunicorn access logs, and the EKS system agents), tied to what happens in the simulation:
 * startups, bad configuration, memory running out, timeouts and upstream errors, shutdowns.
 * Each container instance keeps a bounded buffer; the previous instance stays readable (`--previous`).
 */
import { isoTime } from '../../../../core/clock.js';
import type { Random } from '../../../../core/random.js';
import type { LogQuery, PodLogSource } from '../cluster/backend.js';
import { errors } from '../cluster/errors.js';
import type { ContainerLifecycleListener } from '../cluster/controllers/kubelet.js';
import type { Pod } from '../cluster/objects.js';
import { POD } from '../cluster/resources.js';
import type { ObjectStore } from '../cluster/store.js';
import type { ContainerRuntime, ContainerRuntimeModel } from './runtime.js';
import type { PodTraffic, RouteTraffic, TrafficTick } from './traffic.js';
import { quantile } from './distributions.js';

export interface LogLine {
  at: number;
  text: string;
}

const MAX_LINES = 3000;
const MiB = 2 ** 20;

export class LogStore implements PodLogSource, ContainerLifecycleListener {
  /** Instances by "<podUid>/<container>": [previous, current]. */
  private readonly buffers = new Map<string, LogLine[][]>();
  private readonly lastPeriodic = new Map<string, number>();
  /** Containers whose exit (bad configuration) was already explained in their startup lines. */
  private readonly exitLoggedAtStart = new Set<string>();
  /** Generation of access logs is skipped while replaying long history (nobody reads it). */
  private accessLogsFrom = 0;
  /** The simulation's "now" (sinceSeconds counts back from it). */
  private latestWrite = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly random: Random,
    private readonly runtime: ContainerRuntimeModel,
  ) {}

  emitAccessLogsFrom(epochMs: number): void {
    this.accessLogsFrom = epochMs;
  }

  read(namespace: string, podName: string, query: LogQuery): string {
    const pod = this.store.get<Pod>(POD, namespace, podName);
    if (!pod) throw errors.notFound('pods', podName);
    const names = pod.spec.containers.map((c) => c.name);
    let container = query.container;
    if (!container) {
      if (names.length !== 1) throw errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
      container = names[0]!;
    }
    if (!names.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${podName}`);
    const instances = this.buffers.get(`${pod.metadata.uid}/${container}`) ?? [];
    let lines: LogLine[];
    if (query.previous) {
      if (instances.length < 2) throw errors.badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
      lines = instances[instances.length - 2]!;
    } else {
      const status = pod.status.containerStatuses?.find((s) => s.name === container);
      if (!instances.length) {
        if (status?.state.waiting) throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${status.state.waiting.reason === 'ContainerCreating' ? 'ContainerCreating' : status.state.waiting.reason ?? 'PodInitializing'}`);
        lines = [];
      } else lines = instances[instances.length - 1]!;
    }
    let selected = lines;
    if (query.sinceTime) {
      const since = Date.parse(query.sinceTime);
      if (Number.isNaN(since)) throw errors.badRequest(`invalid sinceTime "${query.sinceTime}"`);
      selected = selected.filter((l) => l.at >= since);
    }
    if (query.afterTime !== undefined) selected = selected.filter((l) => l.at > query.afterTime!);
    if (query.sinceSeconds !== undefined) {
      const latest = this.latestTime();
      selected = selected.filter((l) => l.at >= latest - query.sinceSeconds! * 1000);
    }
    if (query.tailLines !== undefined) selected = query.tailLines <= 0 ? [] : selected.slice(-query.tailLines);
    let text = selected.map((l) => (query.timestamps ? `${new Date(l.at).toISOString().replace('Z', '000000Z').replace(/(\.\d{3})000000Z$/, '$1000000Z')} ${l.text}` : l.text)).join('\n');
    if (text) text += '\n';
    if (query.limitBytes !== undefined && Buffer.byteLength(text) > query.limitBytes) text = Buffer.from(text).subarray(0, query.limitBytes).toString();
    return text;
  }

  newestLineTime(namespace: string, podName: string, container: string): number | undefined {
    const pod = this.store.get<Pod>(POD, namespace, podName);
    const lines = pod && this.buffers.get(`${pod.metadata.uid}/${container}`)?.at(-1);
    return lines?.at(-1)?.at;
  }

  private latestTime(): number {
    return this.latestWrite;
  }

  setNow(epochMs: number): void {
    this.latestWrite = epochMs;
  }

  append(podUid: string, container: string, at: number, text: string): void {
    const key = `${podUid}/${container}`;
    const instances = this.buffers.get(key) ?? [[]];
    if (!this.buffers.has(key)) this.buffers.set(key, instances);
    const current = instances[instances.length - 1]!;
    // Lines are kept in time order (a tick's request lines are spread over the tick and written in any
    // order), so `--timestamps` reads in order, as the container runtime's log file is.
    let index = current.length;
    while (index > 0 && current[index - 1]!.at > at) index--;
    current.splice(index, 0, ...text.split('\n').map((line) => ({ at, text: line })));
    if (current.length > MAX_LINES) current.splice(0, current.length - MAX_LINES);
  }

  started(rt: ContainerRuntime, pod: Pod): void {
    const key = `${rt.podUid}/${rt.container}`;
    const instances = this.buffers.get(key);
    if (instances && instances[instances.length - 1]!.length > 0) {
      instances.push([]);
      if (instances.length > 2) instances.shift();
    } else if (!instances) this.buffers.set(key, [[]]);
    for (const [offset, line] of startupLines(rt, pod, this.random)) this.append(rt.podUid, rt.container, rt.startedAt + offset, line);
    if (rt.plannedExit) {
      this.exitLoggedAtStart.add(rt.containerId);
      const at = rt.plannedExit.at - 50;
      for (const line of configErrorLines(rt, rt.plannedExit.message)) this.append(rt.podUid, rt.container, at, line);
    }
  }

  exited(rt: ContainerRuntime, _pod: Pod, how: { exitCode: number; reason: string; message?: string }): void {
    const at = this.latestWrite || rt.startedAt;
    if (how.reason === 'OOMKilled') {
      for (const line of outOfMemoryLines(rt, at)) this.append(rt.podUid, rt.container, at, line);
    } else if (how.reason === 'Error' && how.message && !this.exitLoggedAtStart.has(rt.containerId)) {
      // A container that exits on an error says why on its way out (the message is what it printed last).
      this.append(rt.podUid, rt.container, at, how.message);
    }
    this.exitLoggedAtStart.delete(rt.containerId);
  }

  stopping(rt: ContainerRuntime): void {
    const at = this.latestWrite || rt.startedAt;
    for (const line of shutdownLines(rt, at)) this.append(rt.podUid, rt.container, at, line);
  }

  podRemoved(pod: Pod): void {
    for (const key of [...this.buffers.keys()]) if (key.startsWith(`${pod.metadata.uid}/`)) this.buffers.delete(key);
  }

  /** Writes this tick's request logs, errors and memory warnings. */
  observe(tick: TrafficTick): void {
    this.latestWrite = tick.at;
    for (const rt of this.runtime.running()) this.periodic(rt, tick.at);
    if (tick.at < this.accessLogsFrom) return;
    for (const pod of tick.pods) {
      for (const route of pod.routes) this.requestLines(pod, route, tick);
    }
  }

  private requestLines(pod: PodTraffic, route: RouteTraffic, tick: TrafficTick): void {
    const start = tick.at - tick.dt * 1000;
    const at = () => start + this.random.next() * tick.dt * 1000;
    const rt = this.runtime.get(pod.podUid, pod.service);
    if (!rt) return;
    // Access logs are sampled (about one line a second per replica); failures are all logged, up to a cap.
    const ok = route.codes['200'] ?? 0;
    const sampled = Math.min(ok, this.random.poisson(Math.min(1, ok / Math.max(tick.dt, 1)) * tick.dt));
    for (let i = 0; i < sampled; i++) {
      const seconds = Math.min(quantile(route.latency, this.random.next()), 30);
      const when = at();
      this.append(pod.podUid, pod.service, when, accessLine(rt, route, '200', seconds, this.random, when));
    }
    let budget = 6 * tick.dt;
    for (const [code, count] of Object.entries(route.codes)) {
      if (code === '200') continue;
      for (let i = 0; i < Math.min(count, budget); i++, budget--) {
        const failedCall = failedCallFor(route, code, this.random);
        const when = at();
        for (const line of errorLines(rt, route, code, failedCall, this.random, when)) this.append(pod.podUid, pod.service, when, line);
      }
    }
    if (pod.slowdown > 3 && this.random.next() < 0.3 * tick.dt) {
      const when = at();
      this.append(pod.podUid, pod.service, when, slowLine(rt, route, quantile(route.latency, 0.99), when));
    }
  }

  private periodic(rt: ContainerRuntime, now: number): void {
    const last = this.lastPeriodic.get(rt.key) ?? 0;
    if (now - last < 10_000) return;
    this.lastPeriodic.set(rt.key, now);
    const limit = rt.limits.memoryBytes;
    if (limit && rt.usage.memoryWorkingSetBytes > 0.85 * limit) {
      this.append(rt.podUid, rt.container, now, memoryWarning(rt, limit, now));
    } else if (!rt.service && this.random.next() < 0.2) {
      this.append(rt.podUid, rt.container, now, systemLine(rt, now, this.random));
    }
  }
}

function failedCallFor(route: RouteTraffic, code: string, random: Random) {
  const kind = code === '504' ? 'timeout' : code === '503' ? 'unavailable' : 'error';
  const candidates = route.calls.filter((c) => c.failures[kind] > 0);
  return candidates.length ? random.pick(candidates) : undefined;
}

function jsonLine(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

function startupLines(rt: ContainerRuntime, pod: Pod, random: Random): [number, string][] {
  const t = (ms: number) => new Date(rt.startedAt + ms).toISOString();
  const name = rt.container;
  switch (rt.service?.runtime) {
    case 'dotnet':
      return [
        [300, jsonLine({ EventId: 14, LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: `Now listening on: http://[::]:${rt.service.port}`, State: { Message: `Now listening on: http://[::]:${rt.service.port}`, address: `http://[::]:${rt.service.port}` } })],
        [320, jsonLine({ EventId: 0, LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Application started. Press Ctrl+C to shut down.' })],
        [330, jsonLine({ EventId: 0, LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Hosting environment: Production' })],
      ];
    case 'java':
      return [
        [200, `${t(200)}  INFO 1 --- [           main] c.a.p.PetSearchApplication               : Starting PetSearchApplication v${rt.image.split(':')[1]} using Java 17.0.13 with PID 1 (/app/petsearch.jar started by root in /app)`],
        [900, `${t(900)}  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat initialized with port 8080 (http)`],
        [(rt.service.startupSeconds - 1) * 1000, `${t((rt.service.startupSeconds - 1) * 1000)}  INFO 1 --- [           main] c.a.p.PetSearchApplication               : Started PetSearchApplication in ${(rt.service.startupSeconds - 1.3).toFixed(3)} seconds (process running for ${(rt.service.startupSeconds - 0.9).toFixed(3)})`],
      ];
    case 'go':
      return [
        [100, jsonLine({ level: 'info', ts: (rt.startedAt + 100) / 1000, caller: 'main.go:61', msg: `starting ${name}`, version: rt.image.split(':')[1], pod: pod.metadata.name })],
        [250, jsonLine({ level: 'info', ts: (rt.startedAt + 250) / 1000, caller: 'db/pool.go:38', msg: 'connected to database', host: 'petadoptions-db.cluster-c3xk8q9f1abc.us-west-2.rds.amazonaws.com', maxConns: 20 })],
        [300, jsonLine({ level: 'info', ts: (rt.startedAt + 300) / 1000, caller: 'main.go:88', msg: `listening on :${rt.service.port}` })],
      ];
    case 'python':
      return [
        [150, `[${gunicornTime(rt.startedAt + 150)}] [1] [INFO] Starting gunicorn 22.0.0`],
        [160, `[${gunicornTime(rt.startedAt + 160)}] [1] [INFO] Listening at: http://0.0.0.0:8080 (1)`],
        [170, `[${gunicornTime(rt.startedAt + 170)}] [1] [INFO] Using worker: gthread`],
        [400, `[${gunicornTime(rt.startedAt + 400)}] [${7 + random.int(0, 3)}] [INFO] Booting worker with pid: ${7 + random.int(0, 3)}`],
      ];
    default:
      return [[200, systemLine(rt, rt.startedAt + 200, random)]];
  }
}

function configErrorLines(rt: ContainerRuntime, problem: string): string[] {
  switch (rt.service?.runtime) {
    case 'dotnet':
      return [jsonLine({ EventId: 0, LogLevel: 'Critical', Category: 'Microsoft.Extensions.Hosting.Internal.Host', Message: 'Hosting failed to start', Exception: `System.InvalidOperationException: Invalid configuration: ${problem}\n   at PetSite.Startup.ValidateSettings(IConfiguration configuration) in /src/PetSite/Startup.cs:line 57` })];
    case 'java':
      return [
        `${new Date(rt.startedAt).toISOString()} ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application run failed`,
        `java.lang.IllegalStateException: Invalid configuration: ${problem}`,
        '\tat com.amazon.petsearch.config.AppConfig.validate(AppConfig.java:42)',
      ];
    case 'go':
      return [jsonLine({ level: 'fatal', ts: rt.startedAt / 1000, caller: 'config/config.go:74', msg: 'invalid configuration', error: problem })];
    case 'python':
      return [`[${gunicornTime(rt.startedAt)}] [1] [ERROR] Exception in worker process`, `ValueError: invalid configuration: ${problem}`, `[${gunicornTime(rt.startedAt)}] [1] [INFO] Shutting down: Master`, `[${gunicornTime(rt.startedAt)}] [1] [INFO] Reason: Worker failed to boot.`];
    default:
      return [`fatal: ${problem}`];
  }
}

function outOfMemoryLines(rt: ContainerRuntime, at: number): string[] {
  const used = (rt.usage.memoryWorkingSetBytes / MiB).toFixed(0);
  switch (rt.service?.runtime) {
    case 'java':
      return ['Exception in thread "http-nio-8080-exec-7" java.lang.OutOfMemoryError: Java heap space', '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)', '\tat com.amazon.petsearch.cache.SearchResultCache.put(SearchResultCache.java:88)'];
    case 'dotnet':
      return [jsonLine({ EventId: 0, LogLevel: 'Critical', Category: 'PetSite', Message: `GC heap hard limit reached (${used} MiB used); allocation failed`, Exception: 'System.OutOfMemoryException: Exception of type \'System.OutOfMemoryException\' was thrown.' })];
    case 'go':
      return [jsonLine({ level: 'error', ts: at / 1000, caller: 'runtime/metrics.go:31', msg: 'heap close to memory limit', heap_inuse_mib: Number(used), gomemlimit_mib: Math.round((rt.limits.memoryBytes ?? 0) / MiB) })];
    case 'python':
      return [`[${gunicornTime(at)}] [1] [ERROR] Worker (pid:9) was sent SIGKILL! Perhaps out of memory?`];
    default:
      return [];
  }
}

function shutdownLines(rt: ContainerRuntime, at: number): string[] {
  switch (rt.service?.runtime) {
    case 'dotnet':
      return [jsonLine({ EventId: 0, LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Application is shutting down...' })];
    case 'java':
      return [`${new Date(at).toISOString()}  INFO 1 --- [ionShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown        : Commencing graceful shutdown. Waiting for active requests to complete`];
    case 'go':
      return [jsonLine({ level: 'info', ts: at / 1000, caller: 'main.go:104', msg: 'received SIGTERM, shutting down' })];
    case 'python':
      return [`[${gunicornTime(at)}] [1] [INFO] Handling signal: term`];
    default:
      return [];
  }
}

function memoryWarning(rt: ContainerRuntime, limit: number, at: number): string {
  const used = Math.round(rt.usage.memoryWorkingSetBytes / MiB);
  const cap = Math.round(limit / MiB);
  switch (rt.service?.runtime) {
    case 'java':
      return `${new Date(at).toISOString()}  WARN 1 --- [       GC-watch] c.a.p.monitoring.HeapMonitor             : heap usage ${used}MiB of ${cap}MiB container limit; full GC did not reclaim memory`;
    case 'dotnet':
      return jsonLine({ EventId: 0, LogLevel: 'Warning', Category: 'PetSite.Monitoring', Message: `Memory pressure high: working set ${used} MiB of ${cap} MiB limit` });
    case 'go':
      return jsonLine({ level: 'warn', ts: at / 1000, caller: 'health/memory.go:47', msg: 'memory usage high', rss_mib: used, limit_mib: cap, cache_entries: Math.round(used * 1130) });
    case 'python':
      return `[${gunicornTime(at)}] [9] [WARNING] memory usage ${used}MiB is close to the ${cap}MiB limit`;
    default:
      return `W memory usage ${used}Mi of ${cap}Mi limit`;
  }
}

function accessLine(rt: ContainerRuntime, route: RouteTraffic, code: string, seconds: number, random: Random, at: number): string {
  const ms = (seconds * 1000).toFixed(1);
  switch (rt.service?.runtime) {
    case 'dotnet':
      return jsonLine({ EventId: 2, LogLevel: 'Information', Category: 'Microsoft.AspNetCore.Hosting.Diagnostics', Message: `Request finished HTTP/1.1 ${route.method} http://${rt.service.name}.petadoptions.svc.cluster.local${route.route} - ${code} - text/html;+charset=utf-8 ${ms}ms` });
    case 'java':
      return `${new Date(at).toISOString()}  INFO 1 --- [nio-8080-exec-${random.int(1, 10)}] c.a.p.controller.SearchController        : GET ${route.route}?pettype=${random.pick(['puppy', 'kitten', 'bunny'])} ${code} ${Math.round(seconds * 1000)}ms`;
    case 'go':
      return jsonLine({ level: 'info', ts: at / 1000, caller: 'middleware/logging.go:29', msg: 'request', method: route.method, path: route.route, status: Number(code), duration_ms: Number(ms) });
    case 'python':
      return `192.168.${random.int(1, 200)}.${random.int(2, 250)} - - [${gunicornTime(at)}] "${route.method} ${route.route} HTTP/1.1" ${code} ${random.int(900, 4000)} "-" "Go-http-client/1.1"`;
    default:
      return `${route.method} ${route.route} ${code} ${ms}ms`;
  }
}

function errorLines(rt: ContainerRuntime, route: RouteTraffic, code: string, call: RouteTraffic['calls'][number] | undefined, random: Random, at: number): string[] {
  const target = call ? `http://${call.service}.petadoptions.svc.cluster.local${call.route}` : '';
  const cause = !call
    ? code === '404' ? 'not found' : 'internal error'
    : code === '504'
      ? `The request was canceled due to the configured HttpClient.Timeout of ${call.timeoutSeconds} seconds elapsing.`
      : code === '503'
        ? `Connection refused (${call.service}.petadoptions.svc.cluster.local:80)`
        : 'Response status code does not indicate success: 500 (Internal Server Error).';
  switch (rt.service?.runtime) {
    case 'dotnet':
      if (code === '404') return [jsonLine({ EventId: 2, LogLevel: 'Information', Category: 'Microsoft.AspNetCore.Hosting.Diagnostics', Message: `Request finished HTTP/1.1 ${route.method} http://petsite.petadoptions.svc.cluster.local${route.route}/${random.int(100, 999)} - 404 - - 1.2ms` })];
      return [jsonLine({
        EventId: 0,
        LogLevel: 'Error',
        Category: `PetSite.Controllers.${route.route === '/Adoption/TakeMeHome' ? 'Adoption' : route.route === '/PetListAdoptions' ? 'PetListAdoptions' : route.route === '/PetHistory' ? 'PetHistory' : 'Home'}Controller`,
        Message: call ? `Call to ${call.service} failed: ${cause} (${target}) -> HTTP ${code}` : `Unhandled exception -> HTTP ${code}`,
        Exception: code === '504' ? `System.Threading.Tasks.TaskCanceledException: ${cause}\n ---> System.TimeoutException: The operation was canceled.` : code === '503' ? `System.Net.Http.HttpRequestException: ${cause}\n ---> System.Net.Sockets.SocketException (111): Connection refused` : `System.Net.Http.HttpRequestException: ${cause}`,
      })];
    case 'java':
      return [`${new Date(at).toISOString()} ERROR 1 --- [nio-8080-exec-${random.int(1, 10)}] c.a.p.controller.SearchController        : search failed: com.amazonaws.services.dynamodbv2.model.AmazonDynamoDBException: Internal server error (Service: AmazonDynamoDBv2; Status Code: 500)`];
    case 'go':
      return [jsonLine({ level: 'error', ts: at / 1000, caller: 'handlers/adoption.go:112', msg: 'request failed', path: route.route, status: Number(code), error: code === '500' ? 'pq: could not serialize access due to concurrent update' : cause })];
    case 'python':
      return [`[${gunicornTime(at)}] [9] [ERROR] Error handling request ${route.route}`, 'psycopg2.OperationalError: server closed the connection unexpectedly'];
    default:
      return [`error ${code}`];
  }
}

function slowLine(rt: ContainerRuntime, route: RouteTraffic, p99: number, at: number): string {
  const ms = Math.round(p99 * 1000);
  switch (rt.service?.runtime) {
    case 'java':
      return `${new Date(at).toISOString()}  WARN 1 --- [nio-8080-exec-3] c.a.p.monitoring.SlowRequestFilter       : slow request GET ${route.route} took ${ms}ms`;
    case 'dotnet':
      return jsonLine({ EventId: 0, LogLevel: 'Warning', Category: 'PetSite.Middleware.Timing', Message: `Slow request ${route.method} ${route.route} took ${ms}ms` });
    case 'go':
      return jsonLine({ level: 'warn', ts: at / 1000, caller: 'middleware/logging.go:41', msg: 'slow request', path: route.route, duration_ms: ms });
    default:
      return `[${gunicornTime(at)}] [9] [WARNING] slow request ${route.route} ${ms}ms`;
  }
}

function systemLine(rt: ContainerRuntime, at: number, random: Random): string {
  switch (rt.container) {
    case 'coredns':
      return `[INFO] 192.168.${random.int(1, 200)}.${random.int(2, 250)}:${random.int(30000, 60000)} - ${random.int(1000, 65000)} "A IN petsearch.petadoptions.svc.cluster.local. udp 59 false 512" NOERROR qr,aa,rd 116 0.000${random.int(100, 999)}s`;
    case 'kube-proxy':
      return `I${isoTime(at).slice(5, 10).replace('-', '')} ${new Date(at).toISOString().slice(11, 23)}       1 proxier.go:805] "SyncProxyRules complete" elapsed="${random.int(4, 40)}.${random.int(100, 999)}ms"`;
    case 'aws-node':
      return jsonLine({ level: 'info', ts: new Date(at).toISOString(), caller: 'ipamd/ipamd.go:723', msg: 'IP pool stats', total: 29, assigned: random.int(4, 12), cooldown: 0 });
    case 'fluent-bit':
      return `[${new Date(at).toISOString().replace('T', ' ').slice(0, 19)}] [ info] [output:cloudwatch_logs:cloudwatch_logs.0] Sent ${random.int(5, 120)} events to CloudWatch`;
    case 'cloudwatch-agent':
      return `${new Date(at).toISOString()} I! [outputs.cloudwatchlogs] Pushed ${random.int(20, 400)} events for /aws/containerinsights/petadoptions-local/performance`;
    default:
      return `I ${new Date(at).toISOString()} ${rt.container} healthy`;
  }
}

function gunicornTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000');
}
