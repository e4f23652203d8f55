/**
 * trafficgenerator's work: synthetic users sending requests to petsite's routes, each route by its
 * share, at the simulation's rate and daily pattern (BASE_PETSITE_RPS x dailyTrafficFactor) scaled
 * down by TRAFFIC_SCALE, with Poisson arrivals. At most USERS requests are in flight: a user waits for
 * an answer before the next click, so a slow petsite gets fewer requests, as with real users.
 */
import type { Random } from '../core/random.js';
import { BASE_PETSITE_RPS, dailyTrafficFactor, type RouteProfile, type ServiceProfile } from '../lib/petadoption/catalog.js';
import type { RuntimeLog } from './runtime-logs.js';

export const USER_AGENT = 'PetAdoptions-TrafficGenerator/1.1 (eks-incident-kit workload)';

/** Requests to send in the second starting at `epochMs`. */
export function plannedRequests(epochMs: number, scale: number, random: Random): number {
  return random.poisson(BASE_PETSITE_RPS * dailyTrafficFactor(epochMs) * scale);
}

/** A route of the driven service, each as often as its share of the traffic. */
export function pickRoute(routes: readonly RouteProfile[], random: Random): RouteProfile {
  const total = routes.reduce((sum, route) => sum + route.share, 0);
  let point = random.next() * total;
  for (const route of routes) {
    point -= route.share;
    if (point < 0) return route;
  }
  return routes[routes.length - 1]!;
}

export interface TrafficGeneratorOptions {
  target: ServiceProfile;
  baseUrl: URL;
  users: number;
  timeoutSeconds: number;
  scale: number;
  random: Random;
  log: RuntimeLog;
  write: (line: string) => void;
}

export class TrafficGenerator {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private ticker?: NodeJS.Timeout;
  private counts = { sent: 0, answered: 0, skippedBusy: 0 };

  constructor(private readonly options: TrafficGeneratorOptions) {
    if (!options.target.routes.length) throw new Error(`${options.target.name} serves no routes to send users to`);
  }

  get stats(): { sent: number; answered: number; skippedBusy: number } {
    return { ...this.counts };
  }

  start(): void {
    this.tick();
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  /** Stops sending; requests in flight are abandoned. */
  async stop(): Promise<void> {
    clearInterval(this.ticker);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    const count = plannedRequests(Date.now(), this.options.scale, this.options.random);
    for (let i = 0; i < count; i++) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(pickRoute(this.options.target.routes, this.options.random));
      }, Math.floor(this.options.random.next() * 1000));
      this.timers.add(timer);
    }
  }

  private send(route: RouteProfile): void {
    if (this.inFlight.size >= this.options.users) {
      this.counts.skippedBusy++;
      return;
    }
    this.counts.sent++;
    const request = this.request(route).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async request(route: RouteProfile): Promise<void> {
    const url = new URL(route.path, this.options.baseUrl).toString();
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const post = route.method === 'POST';
      const response = await fetch(url, {
        method: route.method,
        headers: { 'user-agent': USER_AGENT, ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(post ? { body: `petId=${String(1 + this.options.random.int(0, 49)).padStart(3, '0')}&petType=puppy` } : {}),
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutSeconds * 1000)]),
      });
      await response.arrayBuffer();
      this.counts.answered++;
      this.options.write(this.options.log.userRequest({ method: route.method, url, status: response.status, seconds: seconds() }));
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      this.options.write(this.options.log.userRequest({ method: route.method, url, seconds: seconds(), error: cause ?? (error as Error).message }));
    }
  }
}
