/**
 * The anomaly watcher: every interval, each watch's query runs as a range query over its baseline
 * window (only the new steps are fetched; see baseline-window.ts), the anomaly detectors judge every
 * series (`detectAnomalies`, the detect_anomalies tool's handler), and each new episode, and later its
 * end, is pushed to the agent's webhook (episodes.ts decides what is new; webhook.ts delivers).
 *
 * It never takes the server down: a failing query, a refusing webhook or a bug in one watch is
 * logged (JSON lines) and counted, and the next run tries again. Off unless a webhook URL is given.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { detectAnomalies, type AnomalyReport } from '../../lib/prometheus/anomaly/detect-anomalies.js';
import { isBackendError, type Labels, type MetricsBackend } from '../../lib/prometheus/client/index.js';
import { BaselineWindow } from './baseline-window.js';
import { petAdoptionWatchList } from './default-watch-list.js';
import { EpisodeTracker, type EpisodeEvent, type SeriesDetections } from './episodes.js';
import { iso, seriesLabel, type Origin } from './payload.js';
import type { Watch, WatchList } from './watch-list.js';
import { AnomalyWebhook, type WebhookOptions, type WebhookPolicy } from './webhook.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export interface AnomalyWatchOptions {
  /** The agent's `POST /webhooks/anomaly` URL. */
  webhookUrl: string;
  /** The agent's webhook credential, sent as a bearer token with each push. */
  webhookToken?: string;
  /** Default: the built-in pet-adoption list (default-watch-list.ts). */
  watchList?: WatchList;
  /** How often every watch runs (default: the list's `interval`, else 60 s). */
  intervalMs?: number;
  /** First run: episodes that ended less than this long ago are pushed too (default: the list's `recent`, else 30 min). */
  recentMs?: number;
  webhook?: Partial<WebhookPolicy> & Pick<WebhookOptions, 'fetch' | 'sleep' | 'random'>;
  /** Timeout of each query (default 30 s). */
  queryTimeoutMs?: number;
  /** Most series per watch (default 500). */
  maxSeries?: number;
}

export interface AnomalyWatcherDependencies {
  /** The server's backend (behind its cache). */
  backend: MetricsBackend;
  clock: Clock;
  logger: Logger;
}

export interface WatchStatus {
  name: string;
  series: number;
  samples: number;
  episodesOpen: number;
  lastRunAt?: string;
  lastError?: string;
}

export interface AnomalyWatchStatus {
  enabled: true;
  webhook: string;
  intervalSeconds: number;
  runs: number;
  lastRunAt?: string;
  /** Alerts the agent accepted. */
  pushed: number;
  /** Alerts given up on (refused, out of retries, dropped). */
  failed: number;
  retries: number;
  pending: number;
  /** Episodes pushed as firing and not yet resolved. */
  episodesOpen: number;
  /** Query or detection failures, across watches. */
  errors: number;
  lastPushError?: string;
  lastQueryError?: string;
  watches: WatchStatus[];
}

interface WatchState {
  watch: Watch;
  window: BaselineWindow;
  episodes: EpisodeTracker;
  runs: number;
  limits: { labels: Labels; value: number }[];
  lastRunAt?: number;
  lastError?: string;
  warnedCap?: boolean;
}

/** Steps by which a detection's end may lag the data already judged and still count as new. */
const CUTOFF_STEPS = 4;

export class AnomalyWatcher {
  readonly webhook: AnomalyWebhook;
  readonly intervalMs: number;
  private readonly recentMs: number;
  private readonly states: WatchState[];
  private readonly logger: Logger;
  private origin: Origin = { server: 'prometheus-mcp' };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private runs = 0;
  private errors = 0;
  private lastRunAt: number | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly options: AnomalyWatchOptions,
    private readonly deps: AnomalyWatcherDependencies,
  ) {
    const list = options.watchList ?? petAdoptionWatchList;
    this.intervalMs = options.intervalMs ?? list.intervalMs ?? 60_000;
    this.recentMs = options.recentMs ?? list.recentMs ?? 30 * 60_000;
    this.logger = deps.logger.child({ part: 'anomaly-watch' });
    const { fetch, sleep, random, ...policy } = options.webhook ?? {};
    this.webhook = new AnomalyWebhook({
      url: options.webhookUrl,
      ...(options.webhookToken ? { token: options.webhookToken } : {}),
      logger: this.logger,
      policy,
      now: () => deps.clock.now(),
      ...(fetch ? { fetch } : {}),
      ...(sleep ? { sleep } : {}),
      ...(random ? { random } : {}),
    });
    this.states = list.watches.map((watch) => ({
      watch,
      window: new BaselineWindow(watch.baselineMs, watch.stepMs, undefined, options.maxSeries ?? 500),
      episodes: new EpisodeTracker(watch),
      runs: 0,
      limits: [],
    }));
  }

  /** Runs now and then every interval until stop(). `origin.url` is the MCP endpoint named in payloads. */
  start(origin: Partial<Origin> = {}): void {
    if (this.timer || this.stopped) return;
    this.origin = { server: origin.server ?? 'prometheus-mcp', ...(origin.url ? { url: origin.url } : {}) };
    this.logger.info('anomaly watch started', {
      webhook: this.webhook.shownUrl,
      intervalSeconds: this.intervalMs / 1000,
      watches: this.states.map((s) => s.watch.name),
    });
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.runOnce()
        .catch((error: unknown) => this.logger.error('anomaly watch run failed', { error: (error as Error).message }))
        .then(() => this.schedule(Math.max(0, this.intervalMs - (Date.now() - started))));
    }, delayMs);
    this.timer.unref();
  }

  /** One evaluation of every watch. Never rejects; concurrent calls share the run in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.evaluate().finally(() => (this.running = undefined));
    return this.running;
  }

  private async evaluate(): Promise<void> {
    const now = this.deps.clock.now();
    for (const state of this.states) {
      if (this.stopped) return;
      try {
        await this.runWatch(state, now);
        state.lastError = undefined;
      } catch (error) {
        if (this.stopped) return;
        this.errors++;
        const message = isBackendError(error) ? `${error.message}; ${error.hint}` : (error as Error).message;
        state.lastError = this.lastError = message;
        this.logger.warn('anomaly watch failed', { watch: state.watch.name, error: message });
      }
    }
    this.runs++;
    this.lastRunAt = now;
  }

  private async runWatch(state: WatchState, now: number): Promise<void> {
    const { watch, window } = state;
    const plan = window.plan(now);
    if (!plan) return; // no new step since the last run: nothing new to judge
    const started = performance.now();
    const previousEnd = window.fetchedUntil;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.queryTimeoutMs ?? 30_000)]);
    const answer = await this.deps.backend.queryRange(watch.query, { start: plan.start / 1000, end: plan.end / 1000, step: watch.stepMs / 1000, signal });
    const dropped = window.merge(plan, answer.data.result);
    if (dropped && !state.warnedCap) {
      state.warnedCap = true;
      this.logger.warn('anomaly watch ignores series beyond its cap', { watch: watch.name, ignored: dropped, kept: window.size, hint: 'narrow the query (by namespace or aggregation)' });
    }
    if (typeof watch.limit === 'string') await this.refreshLimits(state, plan.end);
    const lookup = typeof watch.limit === 'number' ? () => watch.limit as number : limitLookup(state.limits);

    const series: SeriesDetections[] = [];
    for (const s of window.series()) {
      // Detection is CPU work: let the MCP transports answer between series.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      const limit = lookup(s.metric);
      const result = detectAnomalies([{ metric: s.metric, values: s.values }], {
        query: watch.query,
        sensitivity: watch.sensitivity,
        maxAnomaliesPerSeries: 20,
        ...(limit === undefined ? {} : { limit }),
        ...(watch.unit ? { unit: watch.unit } : {}),
      });
      const anomalies: AnomalyReport[] = result.series[0]?.anomalies ?? [];
      series.push({ key: s.key, labels: s.metric, fresh: s.fresh, hasLimit: limit !== undefined, anomalies });
    }

    state.runs++;
    const tolerance = CUTOFF_STEPS * watch.stepMs;
    const cutoff = previousEnd === undefined || plan.full ? now - this.recentMs : previousEnd - tolerance;
    const events = state.episodes.update({ run: state.runs, now, cutoff, windowStart: plan.end - watch.baselineMs, origin: this.origin, series });
    for (const event of events) this.publish(watch, event);
    state.lastRunAt = now;
    this.logger.debug('anomaly watch ran', {
      watch: watch.name,
      fetched: { start: iso(plan.start), end: iso(plan.end), full: plan.full },
      series: window.size,
      samples: window.samples(),
      anomalies: series.reduce((n, s) => n + s.anomalies.length, 0),
      episodesOpen: state.episodes.open(),
      ms: Math.round(performance.now() - started),
    });
  }

  private async refreshLimits(state: WatchState, at: number): Promise<void> {
    try {
      const answer = await this.deps.backend.query(state.watch.limit as string, { time: at / 1000, signal: this.abort.signal });
      const data = answer.data;
      const samples = data.resultType === 'vector' ? data.result.map((s) => ({ labels: s.metric, text: s.value?.[1] })) : data.resultType === 'scalar' ? [{ labels: {}, text: data.result[1] }] : [];
      state.limits = samples.map((s) => ({ labels: s.labels, value: s.text === undefined ? NaN : sampleValue(s.text) })).filter((l) => Number.isFinite(l.value) && l.value > 0);
    } catch (error) {
      // Keep the limits we had: growth is still judged, against the last known ceiling.
      this.logger.warn('anomaly watch limit query failed', { watch: state.watch.name, error: isBackendError(error) ? error.message : (error as Error).message });
    }
  }

  private publish(watch: Watch, event: EpisodeEvent): void {
    const { payload, episode } = event;
    const fields = {
      watch: watch.name,
      series: seriesLabel(episode.labels),
      status: payload.status,
      anomalyKind: payload.anomaly.kind,
      severity: payload.anomaly.severity,
      start: payload.anomaly.start,
      end: payload.anomaly.end,
    };
    this.logger.info(event.type === 'opened' ? 'anomaly episode opened' : 'anomaly episode resolved', { ...fields, ...(event.reason ? { reason: event.reason } : {}) });
    this.webhook.send(payload, fields);
  }

  /** Stops the runs, lets queued alerts go out for up to `graceMs`, then abandons the rest. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
    await this.webhook.close(graceMs);
    this.logger.info('anomaly watch stopped', { ...this.webhook.stats(), episodesOpen: this.episodesOpen() });
  }

  /** Resolves when the alerts queued so far were delivered or given up (tests, shutdown). */
  idle(): Promise<void> {
    return this.webhook.idle();
  }

  episodesOpen(): number {
    return this.states.reduce((n, s) => n + s.episodes.open(), 0);
  }

  status(): AnomalyWatchStatus {
    const stats = this.webhook.stats();
    return {
      enabled: true,
      webhook: this.webhook.shownUrl,
      intervalSeconds: this.intervalMs / 1000,
      runs: this.runs,
      ...(this.lastRunAt === undefined ? {} : { lastRunAt: iso(this.lastRunAt) }),
      pushed: stats.pushed,
      failed: stats.failed,
      retries: stats.retries,
      pending: stats.pending,
      episodesOpen: this.episodesOpen(),
      errors: this.errors,
      ...(stats.lastError ? { lastPushError: stats.lastError } : {}),
      ...(this.lastError ? { lastQueryError: this.lastError } : {}),
      watches: this.states.map((s) => ({
        name: s.watch.name,
        series: s.window.size,
        samples: s.window.samples(),
        episodesOpen: s.episodes.open(),
        ...(s.lastRunAt === undefined ? {} : { lastRunAt: iso(s.lastRunAt) }),
        ...(s.lastError ? { lastError: s.lastError } : {}),
      })),
    };
  }
}

/** The limit of a series: the limit series whose labels all match it, the most specific one first. */
export function limitLookup(limits: readonly { labels: Labels; value: number }[]): (metric: Labels) => number | undefined {
  return (metric) => {
    let best: number | undefined;
    let bestCount = -1;
    for (const limit of limits) {
      const pairs = Object.entries(limit.labels).filter(([k]) => k !== '__name__');
      if (pairs.length > bestCount && pairs.every(([k, v]) => metric[k] === v)) {
        best = limit.value;
        bestCount = pairs.length;
      }
    }
    return best;
  };
}
