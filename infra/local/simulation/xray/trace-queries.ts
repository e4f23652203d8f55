/**
 * GetTraceSummaries over the recorder: traces in a time range (by trace start, last update, or segment
 * end), filtered, ordered by start time, in pages. A query's matches are computed once and kept for a
 * little while, so paging through thousands of traces does not re-filter the whole store per page; the
 * NextToken carries the last trace returned, so pages stay right even when that snapshot is gone.
 */
import { createHash } from 'node:crypto';
import { traceMatches } from './filter-evaluation.js';
import type { FilterExpression } from './filter-expression.js';
import type { TraceRecorder } from './recorder.js';
import { serviceSegments, type RecordedTrace } from './spans.js';
import { traceSummary } from './summaries.js';
import type { WireTraceSummary } from './wire.js';

export type TimeRangeType = 'TraceId' | 'Event' | 'Service';

export interface SummaryQuery {
  /** Epoch seconds. */
  start: number;
  end: number;
  timeRangeType: TimeRangeType;
  filterText: string;
  filter: FilterExpression;
  /** Share of matching traces to return (GetTraceSummaries `Sampling`). */
  samplingRate?: number;
}

export interface SummaryPage {
  summaries: WireTraceSummary[];
  processed: number;
  approximateTime: number;
  nextToken?: string;
}

export class InvalidNextToken extends Error {}

interface Snapshot {
  matches: RecordedTrace[];
  processed: number;
  createdAt: number;
}

const SNAPSHOT_LIMIT = 16;
const SNAPSHOT_TTL_MS = 5 * 60_000;

export class TraceQueries {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(
    private readonly recorder: TraceRecorder,
    private readonly pageSize = 100,
    private readonly wallClock: () => number = Date.now,
  ) {}

  page(query: SummaryQuery, nextToken?: string): SummaryPage {
    const key = queryKey(query);
    const after = nextToken !== undefined ? decodeToken(nextToken, key) : undefined;
    const snapshot = (after && this.fresh(key)) || this.snapshot(key, query);
    let from = 0;
    if (after) {
      // First trace ordered after the one the previous page ended with.
      let lo = 0;
      let hi = snapshot.matches.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareTo(snapshot.matches[mid]!, after.start, after.id) <= 0) lo = mid + 1;
        else hi = mid;
      }
      from = lo;
    }
    const page = snapshot.matches.slice(from, from + this.pageSize);
    const last = page[page.length - 1];
    const more = from + page.length < snapshot.matches.length;
    const latest = (this.recorder.latest ?? query.end * 1000) / 1000;
    return {
      summaries: page.map(traceSummary),
      processed: snapshot.processed,
      approximateTime: Math.min(query.end, latest),
      nextToken: more && last ? encodeToken(key, last) : undefined,
    };
  }

  private fresh(key: string): Snapshot | undefined {
    const snapshot = this.snapshots.get(key);
    return snapshot && this.wallClock() - snapshot.createdAt < SNAPSHOT_TTL_MS ? snapshot : undefined;
  }

  private snapshot(key: string, query: SummaryQuery): Snapshot {
    let processed = 0;
    const matches: RecordedTrace[] = [];
    for (const trace of this.recorder.traces()) {
      if (!inRange(trace, query)) continue;
      if (query.samplingRate !== undefined && fraction(trace.id) >= query.samplingRate) continue;
      processed++;
      if (traceMatches(trace, query.filter)) matches.push(trace);
    }
    matches.sort((a, b) => compareTo(a, b.start, b.id));
    const snapshot = { matches, processed, createdAt: this.wallClock() };
    this.snapshots.delete(key);
    this.snapshots.set(key, snapshot);
    while (this.snapshots.size > SNAPSHOT_LIMIT) this.snapshots.delete(this.snapshots.keys().next().value!);
    return snapshot;
  }
}

function inRange(trace: RecordedTrace, query: SummaryQuery): boolean {
  switch (query.timeRangeType) {
    case 'TraceId':
      return trace.root.start >= query.start && trace.root.start <= query.end;
    case 'Event':
      return trace.end >= query.start && trace.end <= query.end;
    case 'Service':
      return serviceSegments(trace.root).some((s) => s.end >= query.start && s.end <= query.end);
  }
}

function compareTo(trace: RecordedTrace, start: number, id: string): number {
  return trace.start - start || (trace.id < id ? -1 : trace.id > id ? 1 : 0);
}

/** Stable pseudo-random share in [0, 1) per trace, so sampled queries return the same subset each time. */
function fraction(traceId: string): number {
  return parseInt(createHash('sha256').update(traceId).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

function queryKey(query: SummaryQuery): string {
  return createHash('sha256').update(JSON.stringify([query.start, query.end, query.timeRangeType, query.filterText, query.samplingRate ?? null])).digest('hex').slice(0, 16);
}

function encodeToken(key: string, last: RecordedTrace): string {
  return Buffer.from(JSON.stringify({ q: key, s: last.start, i: last.id })).toString('base64url');
}

function decodeToken(token: string, key: string): { start: number; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidNextToken('The NextToken is not valid (it is not one this API returned).');
  }
  const t = decoded as { q?: unknown; s?: unknown; i?: unknown };
  if (typeof t !== 'object' || t === null || typeof t.s !== 'number' || typeof t.i !== 'string') throw new InvalidNextToken('The NextToken is not valid (it is not one this API returned).');
  if (t.q !== key) throw new InvalidNextToken('The NextToken belongs to a different query: pass the same StartTime, EndTime, TimeRangeType, Sampling and FilterExpression as the request that returned it.');
  return { start: t.s, id: t.i };
}
