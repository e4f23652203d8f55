/**
 * Records X-Ray traces of the simulated pet-adoption cluster: each tick, the requests petsite served are
 * spread over the tick in time order, sampled as the X-Ray SDK's default rule does (plus a bounded share
 * of faults, errors and slow requests), and each kept request becomes a full trace through the callees'
 * pods. It also aggregates the service graph from all served traffic. Traces are kept for the last hour
 * (at most `maxTraces`, oldest evicted first).
 */
import { Random } from '../../../../core/random.js';
import type { Simulation } from '../simulation.js';
import { serviceByName } from '../../../../lib/petadoption/catalog.js';
import { cdf } from '../workload/distributions.js';
import type { PodTraffic, RouteTraffic, TrafficTick } from '../workload/traffic.js';
import { IdSource } from './ids.js';
import { RequestBuilder, TickView, type Client } from './requests.js';
import { anomalyOf, DEFAULT_SAMPLING, Sampler, type SamplingRules } from './sampling.js';
import { ServerDirectory } from './servers.js';
import { ServiceGraphAggregator } from './service-graph.js';
import { allSpans, duration, sharedRequest, shift, type RecordedTrace, type Span } from './spans.js';
import type { WireService } from './wire.js';

export interface TraceRecorderOptions {
  /** Seed of the recorder's own random numbers (ids, timings); the simulation's stream is untouched. */
  seed?: number;
  /** How long traces are kept (simulated minutes). */
  retentionMinutes?: number;
  /** At most this many traces are kept; the oldest go first. */
  maxTraces?: number;
  /** How long the service graph's per-minute aggregates are kept. */
  graphRetentionMinutes?: number;
  sampling?: Partial<SamplingRules>;
  /** `aws.eks.cluster_name` of the segments. */
  clusterName?: string;
  /** The instrumented service users' requests enter through. */
  entryService?: string;
}

export interface RecorderStats {
  /** Traces held now. */
  traces: number;
  /** Requests the entry service served since recording began, and how many became traces. */
  served: number;
  kept: number;
  keptByHeadSampling: number;
  evicted: number;
}

const USER_COUNT = Number(serviceByName.get('trafficgenerator')?.env.find((e) => e.name === 'USERS')?.value ?? 40);
/** The traffic generator's synthetic users and the pets they look at (strings made once, shared). */
const USERS = Array.from({ length: USER_COUNT }, (_, i) => `user${String(i + 1).padStart(3, '0')}`);
const PET_IDS = Array.from({ length: 50 }, (_, i) => String(i + 1).padStart(3, '0'));
const PET_TYPES = ['puppy', 'kitten', 'bunny'];
const USER_AGENT = 'PetAdoptions-TrafficGenerator/1.1 (.NET 6.0; Linux)';

interface Candidate {
  pod: PodTraffic;
  route: RouteTraffic;
  status: number;
  /** When the response was sent (epoch seconds). */
  endAt: number;
}

export class TraceRecorder {
  readonly clusterName: string;
  readonly entryService: string;
  readonly sampling: SamplingRules;
  private readonly random: Random;
  private readonly ids: IdSource;
  private readonly sampler: Sampler;
  private readonly builder: RequestBuilder;
  private readonly graph: ServiceGraphAggregator;
  private readonly retentionMs: number;
  private readonly maxTraces: number;
  /** Oldest first; `head` skips the evicted prefix until it is compacted. */
  private store: RecordedTrace[] = [];
  private head = 0;
  private readonly byId = new Map<string, RecordedTrace>();
  private from = Number.NEGATIVE_INFINITY;
  private latestAt?: number;
  private counters = { served: 0, kept: 0, keptByHeadSampling: 0, evicted: 0 };

  constructor(simulation: Simulation, options: TraceRecorderOptions = {}) {
    this.clusterName = options.clusterName ?? 'petadoptions-local';
    this.entryService = options.entryService ?? 'petsite';
    this.sampling = { ...DEFAULT_SAMPLING, ...options.sampling };
    this.random = new Random(options.seed ?? 0x7ace5);
    this.ids = new IdSource(this.random);
    this.sampler = new Sampler(this.sampling, this.random);
    this.builder = new RequestBuilder(this.random, new ServerDirectory(simulation.runtime), simulation.network);
    this.retentionMs = (options.retentionMinutes ?? 60) * 60_000;
    this.maxTraces = options.maxTraces ?? 50_000;
    this.graph = new ServiceGraphAggregator(this.entryService, (options.graphRetentionMinutes ?? 360) * 60_000);
    simulation.onTick((tick) => this.observe(tick));
  }

  /** Records only what is served from `epochMs` on (replaying distant history needs no traces). */
  recordFrom(epochMs: number): void {
    this.from = epochMs;
  }

  /** Simulated time of the latest recorded tick (epoch ms). */
  get latest(): number | undefined {
    return this.latestAt;
  }

  /** Traces held, oldest first. */
  traces(): RecordedTrace[] {
    return this.store.slice(this.head);
  }

  get(id: string): RecordedTrace | undefined {
    return this.byId.get(id);
  }

  serviceGraph(startMs: number, endMs: number): WireService[] {
    return this.graph.services(startMs, endMs);
  }

  stats(): RecorderStats {
    return { traces: this.store.length - this.head, ...this.counters };
  }

  private observe(tick: TrafficTick): void {
    if (tick.at < this.from) return;
    this.latestAt = tick.at;
    this.graph.observe(tick);
    const view = new TickView(tick);
    const client: Client = { ip: view.pods('trafficgenerator')[0]?.podIP ?? '10.0.0.10', userAgent: USER_AGENT };
    for (const c of this.candidates(view)) {
      this.counters.served++;
      const head = this.sampler.sampleHead(this.entryService, c.endAt);
      let root: Span | undefined;
      if (!head) {
        let responseTime: number | undefined;
        if (c.status < 400 && this.maybeSlow(c.route)) {
          root = this.builder.serve(view, c.pod, c.route, c.status, client);
          responseTime = duration(root);
        }
        const anomaly = anomalyOf(c.status, responseTime, this.sampling.slowSeconds);
        if (!anomaly || !this.sampler.keepAnomaly(this.entryService, anomaly, c.endAt)) continue;
      }
      this.keep(root ?? this.builder.serve(view, c.pod, c.route, c.status, client), c, head);
    }
    this.evict(tick.at);
  }

  /** The tick's requests at the entry service, each given its moment within the tick, in time order. */
  private candidates(view: TickView): Candidate[] {
    const end = view.tick.at / 1000;
    const out: Candidate[] = [];
    for (const pod of view.pods(this.entryService)) {
      for (const route of pod.routes) {
        for (const [code, n] of Object.entries(route.codes)) {
          for (let i = 0; i < n; i++) out.push({ pod, route, status: Number(code), endAt: end - this.random.next() * view.tick.dt });
        }
      }
    }
    return out.sort((a, b) => a.endAt - b.endAt);
  }

  /** Whether a request of this route could be slow at all (skips building traces that cannot be). */
  private maybeSlow(route: RouteTraffic): boolean {
    return 1 - cdf(route.latency, this.sampling.slowSeconds) > 1e-4;
  }

  private keep(root: Span, candidate: Candidate, headSampled: boolean): void {
    shift(root, candidate.endAt - root.end);
    this.decorateEntry(root, candidate.route);
    let start = Infinity;
    let end = -Infinity;
    for (const span of allSpans(root)) {
      span.id = this.ids.segmentId();
      if (span.exception) span.exception.id = this.ids.segmentId();
      if (span.resource || (span.kind === 'http' && !span.callee)) span.inferredId = this.ids.segmentId();
      start = Math.min(start, span.start);
      end = Math.max(end, span.end);
    }
    const trace: RecordedTrace = { id: this.ids.traceId(root.start), root, start, end, headSampled };
    this.store.push(trace);
    this.byId.set(trace.id, trace);
    this.counters.kept++;
    if (headSampled) this.counters.keptByHeadSampling++;
  }

  /** What petsite's code adds to its segment: the user, the page's parameters, annotations to search by. */
  private decorateEntry(root: Span, route: RouteTraffic): void {
    root.user = USERS[Math.floor(this.random.next() * USERS.length)];
    const annotations: Record<string, string> = { ...root.annotations, route: route.route };
    if (route.route === '/Search' || route.route === '/') {
      const petType = PET_TYPES[Math.floor(this.random.next() * PET_TYPES.length)]!;
      if (route.route === '/Search' && root.request) {
        const { method, url, clientIp, userAgent } = root.request;
        root.request = sharedRequest(method, `${url}?selectedPetType=${petType}`, clientIp, userAgent);
      }
      annotations.pet_type = petType;
    }
    if (route.route === '/Adoption/TakeMeHome') annotations.pet_id = PET_IDS[Math.floor(this.random.next() * PET_IDS.length)]!;
    root.annotations = annotations;
  }

  private evict(nowMs: number): void {
    const oldest = nowMs / 1000 - this.retentionMs / 1000;
    while (this.head < this.store.length && (this.store.length - this.head > this.maxTraces || this.store[this.head]!.start < oldest)) {
      this.byId.delete(this.store[this.head]!.id);
      this.head++;
      this.counters.evicted++;
    }
    if (this.head > 1024 && this.head * 2 > this.store.length) {
      this.store = this.store.slice(this.head);
      this.head = 0;
    }
  }
}
