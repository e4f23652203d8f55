/**
 * Benchmarks are modules exporting a `Benchmark`. `npm run bench` runs them all (or those whose name
 * matches an argument), prints one line per measurement and writes `bench/results/latest.json`.
 */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "< 20 s". */
  target?: string;
  /** Whether the target was met; undefined when the measurement has no target. */
  pass?: boolean;
  details?: Record<string, unknown>;
}

export interface BenchOptions {
  /** Free-form flags after `--`, e.g. `--nab-dir DIR`. */
  args: string[];
  log: (message: string) => void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Measurement[]>;
}

export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const prefixed = args.find((a) => a.startsWith(`${name}=`));
  return prefixed?.slice(name.length + 1);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
