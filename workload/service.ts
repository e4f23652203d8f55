/**
 * One role of the pet-adoption application as a running HTTP service: its routes from the catalog
 * (each spends the role's CPU per request, waits its own processing time, then calls the services
 * downstream in order), the probes, /metrics, a JSON log line per request, an X-Ray segment per sampled
 * request, the memory the role holds, a memory watch, and, for trafficgenerator, the users it sends.
 *
 * Probe requests are counted under route "/health", as the simulation counts its probes; /metrics is
 * not counted. Until the role's start-up time has passed, and from SIGTERM on, /readyz answers 503.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Request, type Response } from 'express';
import { Random } from '../core/random.js';
import type { RouteProfile } from '../lib/petadoption/catalog.js';
import { ballastBytes, MemoryBallast, ownSeconds, spendCpu } from './cost.js';
import { callDownstream, statusForFailure, type CallOutcome } from './downstream.js';
import { memoryHigh, readCgroupMemory, type CgroupMemory } from './memory-watch.js';
import { roleMetrics } from './metrics.js';
import { runtimeLog, ownFailureText, callFailureText, type FailedCall, type ServedLine } from './runtime-logs.js';
import type { RoleSettings } from './settings.js';
import { TrafficGenerator } from './traffic-generator.js';
import type { SegmentEmitter } from './xray-emitter.js';
import { newSegmentId, newTraceId, parseTraceHeader, segmentDocument, TRACE_HEADER, type Sampler, type SegmentIdentity } from './xray.js';

/** The route probes and their requests are counted under (the simulation's probe path). */
export const PROBE_ROUTE = '/health';
/** A request slower than this is logged as slow (the HighRequestLatency objective). */
const SLOW_REQUEST_SECONDS = 1;
/** How long stop() waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface WorkloadConfig {
  settings: RoleSettings;
  port: number;
  host: string;
  tracing: { emitter?: SegmentEmitter; sampler: Sampler; identity: SegmentIdentity };
  memoryScale: number;
  startupSeconds: number;
  trafficScale: number;
  /** Where log lines go (stdout in the process). */
  write: (line: string) => void;
  random?: Random;
  /** The cgroup reader of the memory watch (tests give their own). */
  readMemory?: () => CgroupMemory | undefined;
  memoryWatchSeconds?: number;
}

export interface RunningWorkload {
  port: number;
  /** Resolves when /readyz starts answering 200. */
  ready: Promise<void>;
  /** Readiness off, users stopped, requests in flight finished (or cut after a grace period), port closed. */
  stop(): Promise<void>;
}

export async function startWorkload(config: WorkloadConfig): Promise<RunningWorkload> {
  const { settings, write } = config;
  const profile = settings.profile;
  const random = config.random ?? new Random(Date.now() ^ process.pid);
  const log = runtimeLog(profile);
  const metrics = roleMetrics(profile.name);
  // Held for the process's life: the steady working set the catalog gives the role.
  const ballast = new MemoryBallast(ballastBytes(profile.memoryBaselineBytes, config.memoryScale, process.memoryUsage().rss));
  let ready = false;
  let draining = false;
  const body = responseBody(profile.name, profile.bytesOut);
  const contentType = profile.name === 'petsite' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const probe = (answer: () => boolean) => (req: Request, res: Response) => {
    const started = performance.now();
    const ok = answer();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : draining ? 'shutting down' : 'starting', role: profile.name, ballastBytes: ballast.held });
    metrics.observe({ route: PROBE_ROUTE, method: req.method, code: res.statusCode, seconds: (performance.now() - started) / 1000 });
  };
  app.get('/healthz', probe(() => true));
  app.get(['/readyz', PROBE_ROUTE], probe(() => ready && !draining));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  for (const route of profile.routes) {
    const handler = async (req: Request, res: Response) => {
      const served = await serveRoute(route, req);
      if (served.status < 400) res.status(served.status).type(contentType).send(body);
      else res.status(served.status).json({ error: served.error });
      const seconds = (performance.now() - served.startedAt) / 1000;
      metrics.observe({ route: route.path, method: route.method, code: served.status, seconds });
      const line: ServedLine = { method: route.method, route: route.path, url: `http://${req.headers.host ?? 'localhost'}${req.originalUrl}`, status: served.status, seconds, traceId: served.traceId, clientIp: req.socket.remoteAddress, userAgent: req.get('user-agent'), bytes: served.status < 400 ? body.length : 0 };
      write(log.request(line));
      if (served.failedCall) write(log.callFailed(line, served.failedCall));
      else if (served.status >= 500) write(log.ownFailure(line));
      if (seconds > SLOW_REQUEST_SECONDS) write(log.slowRequest(line));
      if (served.sampled && config.tracing.emitter) {
        config.tracing.emitter.send(
          segmentDocument(config.tracing.identity, {
            traceId: served.traceId,
            id: served.segmentId,
            parentId: served.parentId,
            method: route.method,
            url: line.url,
            clientIp: line.clientIp,
            userAgent: line.userAgent,
            startMs: served.startMs,
            endMs: Date.now(),
            status: served.status,
            contentLength: line.bytes,
            calls: served.calls.map((call) => ({
              id: call.subsegmentId,
              service: call.target.call.service,
              method: call.target.method,
              url: call.target.url.toString(),
              startMs: call.startMs,
              endMs: call.endMs,
              status: call.status,
              failure: call.failure ? callFailureText(profile.runtime, failedCallOf(call, settings.clientTimeoutSeconds)) : undefined,
            })),
            failure: served.status >= 500 && !served.failedCall ? ownFailureText(profile.runtime) : undefined,
          }),
        );
      }
    };
    if (route.method === 'POST') app.post(route.path, handler);
    else app.get(route.path, handler);
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  async function serveRoute(route: RouteProfile, req: Request) {
    const startedAt = performance.now();
    const startMs = Date.now();
    const incoming = parseTraceHeader(req.get(TRACE_HEADER));
    const traceId = incoming?.root ?? newTraceId(startMs);
    const sampled = incoming?.sampled ?? config.tracing.sampler.decide(startMs);
    const segmentId = newSegmentId();
    // The route's own time: the CPU it needs (slowed by throttling), then the rest waiting like I/O.
    const own = ownSeconds(route, random);
    spendCpu(profile.cpuPerRequest);
    const waitMs = (own - profile.cpuPerRequest) * 1000;
    if (waitMs > 0) await sleep(waitMs);
    const calls: CallOutcome[] = [];
    let status = 200;
    let failedCall: FailedCall | undefined;
    calling: for (const target of settings.calls.get(route.path) ?? []) {
      for (let i = 0; i < target.call.perRequest; i++) {
        const outcome = await callDownstream(target, { traceId, sampled, timeoutSeconds: settings.clientTimeoutSeconds });
        calls.push(outcome);
        if (outcome.failure) {
          status = statusForFailure[outcome.failure];
          failedCall = failedCallOf(outcome, settings.clientTimeoutSeconds);
          break calling;
        }
      }
    }
    if (status === 200 && random.next() < profile.baseErrorRate) status = 500;
    return { startedAt, startMs, traceId, sampled, segmentId, parentId: incoming?.parent, calls, status, failedCall, error: failedCall ? `call to ${failedCall.service} failed (${failedCall.kind})` : status >= 500 ? 'internal error' : undefined };
  }

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const port = (server.address() as AddressInfo).port;
  for (const line of log.started(port)) write(line);

  const timers: NodeJS.Timeout[] = [];
  const generator = settings.drives
    ? new TrafficGenerator({ target: settings.drives.profile, baseUrl: settings.drives.baseUrl, users: settings.drives.users, timeoutSeconds: settings.clientTimeoutSeconds, scale: config.trafficScale, random, log, write })
    : undefined;
  const readyPromise = new Promise<void>((resolve) => {
    timers.push(
      setTimeout(() => {
        ready = true;
        generator?.start();
        resolve();
      }, config.startupSeconds * 1000),
    );
  });

  const readMemory = config.readMemory ?? readCgroupMemory;
  const watch = setInterval(() => {
    const memory = readMemory();
    if (memoryHigh(memory)) write(log.memoryHigh(memory.workingSetBytes, memory.limitBytes));
  }, (config.memoryWatchSeconds ?? 10) * 1000);
  watch.unref();

  let stopped: Promise<void> | undefined;
  return {
    port,
    ready: readyPromise,
    stop() {
      stopped ??= (async () => {
        draining = true;
        write(log.shuttingDown());
        for (const timer of timers) clearTimeout(timer);
        clearInterval(watch);
        await generator?.stop();
        const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        clearTimeout(grace);
        config.tracing.emitter?.close();
      })();
      return stopped;
    },
  };
}

function failedCallOf(outcome: CallOutcome, timeoutSeconds: number): FailedCall {
  return { service: outcome.target.call.service, url: outcome.target.url.toString(), kind: outcome.failure ?? 'error', calleeStatus: outcome.status, timeoutSeconds };
}

/** A response of about the size the catalog says the role sends (network counters see real bytes). */
function responseBody(service: string, bytes: number): string {
  const head = JSON.stringify({ service, items: [] as string[] });
  return head.slice(0, -2) + `"${'.'.repeat(Math.max(0, bytes - head.length - 4))}"]}`;
}
