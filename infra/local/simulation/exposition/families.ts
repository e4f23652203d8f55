/**
 * Metric families in memory, and their two renderings: the Prometheus text format (what the exporters
 * answer to a scrape) and OpenMetrics samples with timestamps (the backfilled history).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** Which families a scrape records (the history's thinned steps keep only the kit's core ones). */
export type FamilyFilter = (family: string) => boolean;

const skip = () => undefined;

export class FamilyBuilder {
  private readonly families = new Map<string, MetricFamily>();

  constructor(private readonly keep?: FamilyFilter) {}

  family(name: string, type: MetricType, help: string): (labels: Record<string, string>, value: number, sampleName?: string) => void {
    if (this.keep && !this.keep(name)) return skip;
    let family = this.families.get(name);
    if (!family) this.families.set(name, (family = { name, type, help, samples: [] }));
    const f = family;
    return (labels, value, sampleName) => {
      f.samples.push({ name: sampleName ?? name, labels, value });
    };
  }

  build(): MetricFamily[] {
    return [...this.families.values()];
  }
}

const needsEscape = /[\\\n"]/;

export function escapeLabelValue(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `k="v",k2="v2"` without braces, skipping keys in `exclude`. */
export function formatLabelPairs(labels: Record<string, string>, exclude?: Record<string, string>): string {
  let out = '';
  for (const key in labels) {
    if (exclude && key in exclude) continue;
    out += `${out ? ',' : ''}${key}="${escapeLabelValue(labels[key]!)}"`;
  }
  return out;
}

export function formatLabels(labels: Record<string, string>): string {
  const pairs = formatLabelPairs(labels);
  return pairs ? `{${pairs}}` : '';
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

/** Prometheus text exposition format 0.0.4. */
export function renderText(families: MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${s.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return out.join('\n') + '\n';
}
