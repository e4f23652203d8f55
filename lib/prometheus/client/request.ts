/**
 * How API parameters become bytes on the wire. Query strings and form bodies use strict RFC 3986
 * percent-encoding (space as %20, never "+"), the same encoding SigV4 canonicalises with, so what AMP
 * recomputes from the request we send matches what we signed. Prometheus decodes either form.
 */
import { BadDataError } from './errors.js';
import type { PromStep, PromTime } from './port.js';

export type Param = readonly [name: string, value: string];

export type HttpMethod = 'GET' | 'POST';

/** One Prometheus API call before it becomes HTTP. */
export interface ApiCall {
  /** Path under `api/v1/`, e.g. "query" or "label/job/values". */
  path: string;
  method: HttpMethod;
  params: Param[];
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, overriding the backend default. */
  timeoutMs?: number;
}

/** The HTTP request about to be sent; authorizers (basic auth, SigV4) add headers to it. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function encodeParams(params: readonly Param[]): string {
  return params.map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`).join('&');
}

/** Anything beyond this is surely milliseconds (Unix seconds reach 1e11 in the year 5138). */
const secondsCeiling = 1e11;

export function formatTime(value: PromTime, name: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidParam(name, 'is an invalid Date');
    return value.toISOString();
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidParam(name, `must be a finite number of Unix seconds (got ${value})`);
    if (Math.abs(value) >= secondsCeiling) {
      throw invalidParam(name, `${value} looks like milliseconds; pass Unix seconds (${value / 1000}) or a Date`);
    }
    return String(value);
  }
  const text = value.trim();
  if (text === '') throw invalidParam(name, 'is empty');
  return text;
}

export function formatStep(step: PromStep): string {
  if (typeof step === 'number') {
    if (!(step > 0) || !Number.isFinite(step)) throw invalidParam('step', `must be a positive number of seconds (got ${step})`);
    return String(step);
  }
  const text = step.trim();
  if (text === '') throw invalidParam('step', 'is empty');
  return text;
}

/** A millisecond timeout as Prometheus' `timeout` parameter (float seconds are accepted). */
export function formatTimeout(ms: number): string {
  if (!(ms > 0) || !Number.isFinite(ms)) throw invalidParam('timeout', `must be a positive number of milliseconds (got ${ms})`);
  return String(ms / 1000);
}

function invalidParam(name: string, problem: string): BadDataError {
  return new BadDataError({
    message: `invalid parameter "${name}": ${problem}`,
    hint: `fix the "${name}" argument: times are RFC 3339 strings, Dates or Unix seconds; steps are seconds or durations like "30s"`,
    endpoint: '(not sent)',
  });
}
