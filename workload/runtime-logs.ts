/**
 * Log lines in the style of the runtime each role stands for (the catalog's `runtime`), as the local
 * simulation writes them, so the agent's log patterns (agent/steps/log-patterns.ts) read both targets
 * alike: ASP.NET Core's JSON console (petsite, trafficgenerator), Spring Boot's structured JSON (ECS;
 * petsearch), Go zap JSON (payforadoption, petlistadoptions), and gunicorn with a JSON formatter
 * (pethistory). Every line is one JSON object; request lines carry the X-Ray trace id.
 */
import type { Runtime, ServiceProfile } from '../lib/petadoption/catalog.js';

const MiB = 2 ** 20;

/** One request a role served. */
export interface ServedLine {
  method: string;
  /** The route as the catalog names it. */
  route: string;
  url: string;
  status: number;
  seconds: number;
  traceId: string;
  clientIp?: string;
  userAgent?: string;
  bytes: number;
}

export type CallFailureKind = 'timeout' | 'unavailable' | 'error';

/** A downstream call that failed the request. */
export interface FailedCall {
  service: string;
  url: string;
  kind: CallFailureKind;
  /** What the callee answered, when it answered. */
  calleeStatus?: number;
  timeoutSeconds: number;
}

/** A request the traffic generator sent as one of its users. */
export interface UserRequestLine {
  method: string;
  url: string;
  status?: number;
  seconds: number;
  error?: string;
}

export interface ExceptionText {
  type: string;
  message: string;
}

export interface RuntimeLog {
  started(port: number): string[];
  request(line: ServedLine): string;
  callFailed(line: ServedLine, call: FailedCall): string;
  ownFailure(line: ServedLine): string;
  slowRequest(line: ServedLine): string;
  invalidConfiguration(problems: string[]): string[];
  memoryHigh(workingSetBytes: number, limitBytes: number): string;
  shuttingDown(): string;
  userRequest(line: UserRequestLine): string;
}

/** The service's own failure (a bug, or a dependency outside the traced calls), as its language reports it. */
export function ownFailureText(runtime: Runtime): ExceptionText {
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.NullReferenceException', message: 'Object reference not set to an instance of an object.' };
    case 'java':
      return { type: 'java.lang.IllegalStateException', message: 'Connection pool shut down' };
    case 'go':
      return { type: '*errors.errorString', message: 'internal error: unexpected end of JSON input' };
    case 'python':
      return { type: 'psycopg2.OperationalError', message: 'server closed the connection unexpectedly' };
  }
}

/** A failed downstream call, as the caller's HTTP client reports it. */
export function callFailureText(runtime: Runtime, call: FailedCall): ExceptionText {
  const host = hostOf(call.url);
  if (call.kind === 'timeout') {
    switch (runtime) {
      case 'dotnet':
        return { type: 'System.Threading.Tasks.TaskCanceledException', message: `The request was canceled due to the configured HttpClient.Timeout of ${call.timeoutSeconds} seconds elapsing.` };
      case 'java':
        return { type: 'java.net.SocketTimeoutException', message: 'Read timed out' };
      case 'go':
        return { type: '*url.Error', message: `Get "${call.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
      case 'python':
        return { type: 'requests.exceptions.ReadTimeout', message: `HTTPConnectionPool(host='${host}'): Read timed out. (read timeout=${call.timeoutSeconds})` };
    }
  }
  if (call.kind === 'unavailable') {
    switch (runtime) {
      case 'dotnet':
        return { type: 'System.Net.Http.HttpRequestException', message: `Connection refused (${host})` };
      case 'java':
        return { type: 'java.net.ConnectException', message: `Connection refused (${host})` };
      case 'go':
        return { type: '*url.Error', message: `dial tcp ${host}: connect: connection refused` };
      case 'python':
        return { type: 'requests.exceptions.ConnectionError', message: `HTTPConnectionPool(host='${host}'): Connection refused` };
    }
  }
  const status = call.calleeStatus ?? 500;
  const reason = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : status >= 500 ? 'Internal Server Error' : 'Bad Request';
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.Net.Http.HttpRequestException', message: `Response status code does not indicate success: ${status} (${reason}).` };
    case 'java':
      return { type: 'org.springframework.web.client.HttpServerErrorException', message: `${status} ${reason}` };
    case 'go':
      return { type: '*errors.errorString', message: `unexpected status ${status} ${reason}` };
    case 'python':
      return { type: 'requests.exceptions.HTTPError', message: `${status} Server Error: ${reason}` };
  }
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : `${u.hostname}:${u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return url;
  }
}

const ms = (seconds: number) => Math.round(seconds * 10_000) / 10;
const json = (fields: Record<string, unknown>) => JSON.stringify(fields);

export function runtimeLog(profile: ServiceProfile, now: () => number = Date.now, pid = process.pid): RuntimeLog {
  switch (profile.runtime) {
    case 'dotnet':
      return aspNetCoreLog(profile, now);
    case 'java':
      return springBootLog(profile, now, pid);
    case 'go':
      return zapLog(profile, now);
    case 'python':
      return gunicornLog(profile, now, pid);
  }
}

/** ASP.NET Core's JSON console formatter. */
function aspNetCoreLog(profile: ServiceProfile, now: () => number): RuntimeLog {
  const app = profile.name === 'petsite' ? 'PetSite' : profile.name === 'trafficgenerator' ? 'TrafficGenerator' : profile.name[0]!.toUpperCase() + profile.name.slice(1);
  const line = (fields: Record<string, unknown>) => json({ Timestamp: new Date(now()).toISOString(), EventId: 0, ...fields });
  const controller = (route: string) => `${app}.Controllers.${(route.split('/')[1] || 'Home').replace(/^./, (c) => c.toUpperCase())}Controller`;
  return {
    started: (port) => [
      line({ EventId: 14, LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: `Now listening on: http://[::]:${port}`, State: { address: `http://[::]:${port}` } }),
      line({ LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Application started. Press Ctrl+C to shut down.' }),
      line({ LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Hosting environment: Production' }),
    ],
    request: (r) =>
      line({ EventId: 2, LogLevel: 'Information', Category: 'Microsoft.AspNetCore.Hosting.Diagnostics', Message: `Request finished HTTP/1.1 ${r.method} ${r.url} - ${r.status} - text/html;+charset=utf-8 ${ms(r.seconds)}ms`, TraceId: r.traceId }),
    callFailed: (r, call) => {
      const failure = callFailureText('dotnet', call);
      return line({ LogLevel: 'Error', Category: controller(r.route), Message: `Call to ${call.service} failed: ${failure.message} (${call.url}) -> HTTP ${r.status}`, Exception: `${failure.type}: ${failure.message}`, TraceId: r.traceId });
    },
    ownFailure: (r) => {
      const failure = ownFailureText('dotnet');
      return line({ LogLevel: 'Error', Category: controller(r.route), Message: `Unhandled exception -> HTTP ${r.status}`, Exception: `${failure.type}: ${failure.message}`, TraceId: r.traceId });
    },
    slowRequest: (r) => line({ LogLevel: 'Warning', Category: `${app}.Middleware.Timing`, Message: `Slow request ${r.method} ${r.route} took ${Math.round(r.seconds * 1000)}ms`, TraceId: r.traceId }),
    invalidConfiguration: (problems) => [
      line({
        LogLevel: 'Critical',
        Category: 'Microsoft.Extensions.Hosting.Internal.Host',
        Message: 'Hosting failed to start',
        Exception: `System.InvalidOperationException: Invalid configuration: ${problems.join('; ')}\n   at ${app}.Startup.ValidateSettings(IConfiguration configuration)`,
      }),
    ],
    memoryHigh: (used, limit) => line({ LogLevel: 'Warning', Category: `${app}.Monitoring`, Message: `Memory pressure high: working set ${Math.round(used / MiB)} MiB of ${Math.round(limit / MiB)} MiB limit` }),
    shuttingDown: () => line({ LogLevel: 'Information', Category: 'Microsoft.Hosting.Lifetime', Message: 'Application is shutting down...' }),
    userRequest: (r) =>
      r.status !== undefined
        ? line({ EventId: 101, LogLevel: 'Information', Category: `System.Net.Http.HttpClient.${app}.LogicalHandler`, Message: `End processing HTTP request after ${ms(r.seconds)}ms - ${r.status}`, Uri: r.url, Method: r.method })
        : line({ LogLevel: 'Warning', Category: `${app}.Worker`, Message: `Request ${r.method} ${r.url} failed after ${ms(r.seconds)}ms: ${r.error}` }),
  };
}

/** Spring Boot's structured logging in the ECS format. */
function springBootLog(profile: ServiceProfile, now: () => number, pid: number): RuntimeLog {
  const application = `${profile.name[0]!.toUpperCase()}${profile.name.slice(1).replace(/search$/, 'Search')}Application`;
  const line = (level: string, logger: string, message: string, fields: Record<string, unknown> = {}, thread = 'main') =>
    json({ '@timestamp': new Date(now()).toISOString(), 'log.level': level, 'process.pid': pid, 'process.thread.name': thread, 'service.name': profile.name, 'log.logger': logger, message, ...fields, 'ecs.version': '8.11' });
  const worker = () => `http-nio-8080-exec-${1 + Math.floor(Math.random() * 10)}`;
  const controller = 'c.a.p.controller.SearchController';
  return {
    started: (port) => [
      line('INFO', `c.a.p.${application}`, `Starting ${application} using Java 17.0.13 with PID ${pid}`),
      line('INFO', 'o.s.b.w.embedded.tomcat.TomcatWebServer', `Tomcat started on port ${port} (http) with context path '/'`),
      line('INFO', `c.a.p.${application}`, `Started ${application}`),
    ],
    request: (r) => line('INFO', controller, `request ${r.method} ${r.route} ${r.status} ${Math.round(r.seconds * 1000)}ms`, { 'trace.id': r.traceId }, worker()),
    callFailed: (r, call) => {
      const failure = callFailureText('java', call);
      return line('ERROR', controller, `call to ${call.service} failed: ${failure.type}: ${failure.message} (${call.url})`, { 'trace.id': r.traceId, 'error.type': failure.type }, worker());
    },
    ownFailure: (r) => {
      const failure = ownFailureText('java');
      return line('ERROR', controller, `search failed: ${failure.type}: ${failure.message}`, { 'trace.id': r.traceId, 'error.type': failure.type, 'error.message': failure.message }, worker());
    },
    slowRequest: (r) => line('WARN', 'c.a.p.monitoring.SlowRequestFilter', `slow request ${r.method} ${r.route} took ${Math.round(r.seconds * 1000)}ms`, { 'trace.id': r.traceId }, worker()),
    invalidConfiguration: (problems) => [
      line('ERROR', 'o.s.boot.SpringApplication', 'Application run failed', {
        'error.type': 'java.lang.IllegalStateException',
        'error.message': `Invalid configuration: ${problems.join('; ')}`,
        'error.stack_trace': `java.lang.IllegalStateException: Invalid configuration: ${problems.join('; ')}\n\tat com.amazon.${profile.name}.config.AppConfig.validate(AppConfig.java:42)`,
      }),
    ],
    memoryHigh: (used, limit) => line('WARN', 'c.a.p.monitoring.HeapMonitor', `heap usage ${Math.round(used / MiB)}MiB of ${Math.round(limit / MiB)}MiB container limit; full GC did not reclaim memory`, {}, 'GC-watch'),
    shuttingDown: () => line('INFO', 'o.s.b.w.e.tomcat.GracefulShutdown', 'Commencing graceful shutdown. Waiting for active requests to complete', {}, 'SpringApplicationShutdownHook'),
    userRequest: (r) => line(r.status !== undefined ? 'INFO' : 'WARN', 'c.a.p.client', `${r.method} ${r.url} ${r.status ?? r.error} ${Math.round(r.seconds * 1000)}ms`),
  };
}

/** Go's zap logger, production JSON encoder. */
function zapLog(profile: ServiceProfile, now: () => number): RuntimeLog {
  const line = (level: string, caller: string, msg: string, fields: Record<string, unknown> = {}) => json({ level, ts: now() / 1000, caller, msg, ...fields });
  return {
    started: (port) => [line('info', 'main.go:61', `starting ${profile.name}`, { version: profile.currentTag }), line('info', 'main.go:88', `listening on :${port}`)],
    request: (r) => line('info', 'middleware/logging.go:29', 'request', { method: r.method, path: r.route, status: r.status, duration_ms: ms(r.seconds), trace_id: r.traceId }),
    callFailed: (r, call) => line('error', 'handlers/handlers.go:112', 'request failed', { path: r.route, status: r.status, error: callFailureText('go', call).message, upstream: call.service, trace_id: r.traceId }),
    ownFailure: (r) => line('error', 'handlers/handlers.go:112', 'request failed', { path: r.route, status: r.status, error: ownFailureText('go').message, trace_id: r.traceId }),
    slowRequest: (r) => line('warn', 'middleware/logging.go:41', 'slow request', { path: r.route, duration_ms: Math.round(r.seconds * 1000), trace_id: r.traceId }),
    invalidConfiguration: (problems) => problems.map((problem) => line('fatal', 'config/config.go:74', 'invalid configuration', { error: problem })),
    memoryHigh: (used, limit) => line('warn', 'health/memory.go:47', 'memory usage high', { rss_mib: Math.round(used / MiB), limit_mib: Math.round(limit / MiB) }),
    shuttingDown: () => line('info', 'main.go:104', 'received SIGTERM, shutting down'),
    userRequest: (r) => line(r.status !== undefined ? 'info' : 'warn', 'client/client.go:40', 'request sent', { method: r.method, url: r.url, status: r.status, error: r.error, duration_ms: ms(r.seconds) }),
  };
}

/** gunicorn with python-json-logger. */
function gunicornLog(profile: ServiceProfile, now: () => number, pid: number): RuntimeLog {
  const line = (level: string, logger: string, message: string, fields: Record<string, unknown> = {}) => json({ timestamp: new Date(now()).toISOString(), level, logger, process: pid, message, ...fields });
  return {
    started: (port) => [
      line('INFO', 'gunicorn.error', 'Starting gunicorn 22.0.0'),
      line('INFO', 'gunicorn.error', `Listening at: http://0.0.0.0:${port} (${pid})`),
      line('INFO', 'gunicorn.error', 'Using worker: gthread'),
    ],
    request: (r) =>
      line('INFO', 'gunicorn.access', `${r.clientIp ?? '-'} - - "${r.method} ${r.route} HTTP/1.1" ${r.status} ${r.bytes} "-" "${r.userAgent ?? '-'}"`, { method: r.method, path: r.route, status: r.status, duration_ms: ms(r.seconds), trace_id: r.traceId }),
    callFailed: (r, call) => {
      const failure = callFailureText('python', call);
      return line('ERROR', 'gunicorn.error', `Error handling request ${r.route}`, { exc_info: `${failure.type}: ${failure.message}`, upstream: call.service, trace_id: r.traceId });
    },
    ownFailure: (r) => {
      const failure = ownFailureText('python');
      return line('ERROR', 'gunicorn.error', `Error handling request ${r.route}`, { exc_info: `${failure.type}: ${failure.message}`, trace_id: r.traceId });
    },
    slowRequest: (r) => line('WARNING', profile.name, `slow request ${r.route} ${Math.round(r.seconds * 1000)}ms`, { trace_id: r.traceId }),
    invalidConfiguration: (problems) => [
      line('ERROR', 'gunicorn.error', 'Exception in worker process', { exc_info: `ValueError: invalid configuration: ${problems.join('; ')}` }),
      line('INFO', 'gunicorn.error', 'Shutting down: Master'),
      line('INFO', 'gunicorn.error', 'Reason: Worker failed to boot.'),
    ],
    memoryHigh: (used, limit) => line('WARNING', profile.name, `memory usage ${Math.round(used / MiB)}MiB is close to the ${Math.round(limit / MiB)}MiB limit`),
    shuttingDown: () => line('INFO', 'gunicorn.error', 'Handling signal: term'),
    userRequest: (r) => line(r.status !== undefined ? 'INFO' : 'WARNING', profile.name, `${r.method} ${r.url} ${r.status ?? r.error}`, { duration_ms: ms(r.seconds) }),
  };
}
