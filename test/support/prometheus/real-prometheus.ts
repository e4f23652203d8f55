/**
 * A real Prometheus for tests and fixture recording: the `prometheus` binary on PATH, on 127.0.0.1 at
 * a free port, with a temporary data directory (optionally backfilled with history), scraping itself
 * every second and evaluating one recording and one alerting rule. `stop()` kills it and removes the directory; an exit hook kills it
 * too, so a failing test never leaves it running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningPrometheus {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** What it logged on stderr so far (for failure messages). */
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function config(port: number): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:${port}']
  # Never scraped: dropped by relabelling, so /api/v1/targets has a dropped target to show.
  - job_name: dropped
    static_configs:
      - targets: ['127.0.0.1:9']
    relabel_configs:
      - action: drop
        source_labels: [__address__]
        regex: '127\\.0\\.0\\.1:9'
`;
}

// Both rules read backfilled history (see kit-metrics.ts), so they have results from the first evaluation.
const rules = `groups:
  - name: petadoptions
    rules:
      - record: namespace:container_memory_working_set_bytes:sum
        expr: sum by (namespace) (container_memory_working_set_bytes)
      - alert: PetsiteErrorsSeen
        expr: sum by (service) (http_requests_total{code=~"5.."}) > 0
        labels:
          severity: warning
        annotations:
          summary: '{{ $labels.service }} has served 5xx responses'
`;

export interface StartOptions {
  /** OpenMetrics text to load as history before start (promtool tsdb create-blocks-from openmetrics). */
  backfill?: string;
  readyTimeoutMs?: number;
  /** Hard cap on the server's life, in case neither stop() nor the exit hook gets to run (default 300). */
  maxLifetimeSeconds?: number;
  /** Called with each answer while waiting for readiness (the recorder keeps a 503 it sees). */
  onProbe?: (response: Response) => Promise<void> | void;
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, binary)));
}

export async function startPrometheus(options: StartOptions = {}): Promise<RunningPrometheus> {
  if (!onPath('prometheus') || (options.backfill !== undefined && !onPath('promtool'))) {
    throw new Error('prometheus/promtool not found on PATH; on Debian run `apt-get install prometheus`');
  }
  const dir = mkdtempSync(join(tmpdir(), 'prom-backend-test-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config(port));
  writeFileSync(join(dir, 'rules.yml'), rules);
  if (options.backfill !== undefined) {
    writeFileSync(join(dir, 'backfill.om'), options.backfill);
    try {
      execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'backfill.om'), join(dir, 'data')], { stdio: 'pipe' });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      throw new Error(`promtool could not backfill the test data: ${stderr}`);
    }
  }
  const url = `http://127.0.0.1:${port}`;

  const prometheusArgs = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  // coreutils `timeout` caps its life in case this process dies before stop() or the exit hook run
  // (SIGKILL, a CI job timeout). Its own process group (detached), so one signal reaches both.
  const [command, args] = onPath('timeout')
    ? ['timeout', ['--kill-after=5s', `${options.maxLifetimeSeconds ?? 300}s`, 'prometheus', ...prometheusArgs]]
    : ['prometheus', prometheusArgs];
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64_000) stderr += chunk.toString();
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => {
    signalGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`could not start prometheus (${error.message}); on Debian run \`apt-get install prometheus\``)),
    ),
  );

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 3_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([spawnError, waitUntilReady(url, options, () => exited, () => stderr)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop, log: () => stderr };
}

async function waitUntilReady(url: string, options: StartOptions, hasExited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`prometheus exited during start-up:\n${log()}`);
    try {
      const response = await fetch(`${url}/api/v1/status/buildinfo`);
      await options.onProbe?.(response.clone());
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`prometheus did not become ready at ${url}:\n${log()}`);
}

/** Polls an instant query until it returns at least `count` series (the first scrapes have landed). */
export async function waitForSeries(url: string, query: string, count = 1, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no series for ${query} at ${url} within ${timeoutMs} ms`);
}
