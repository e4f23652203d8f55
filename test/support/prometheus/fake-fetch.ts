/**
 * Test doubles for the HTTP edge: recorded exchanges (fixtures/*.json) replayed as `Response`s, and a
 * scripted fetch that answers each call with the next step and remembers what it was asked.
 */
import { readFileSync } from 'node:fs';
import type { Fetch } from '../../../lib/prometheus/client/api-client.js';
import type { Sleep } from '../../../core/clock.js';

export interface RecordedExchange {
  source: string;
  request: { method: string; path: string; params: [string, string][] };
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function fixture(name: string): RecordedExchange {
  return JSON.parse(readFileSync(new URL(`../../../lib/prometheus/client/fixtures/${name}`, import.meta.url), 'utf8')) as RecordedExchange;
}

export function responseOf(exchange: Pick<RecordedExchange, 'status' | 'headers' | 'body'>, extraHeaders: Record<string, string> = {}): Response {
  const text = typeof exchange.body === 'string' ? exchange.body : JSON.stringify(exchange.body);
  return new Response(text, { status: exchange.status, headers: { ...exchange.headers, ...extraHeaders } });
}

/** A fixture's answer, optionally with headers added (e.g. Retry-After). */
export function replay(name: string, extraHeaders: Record<string, string> = {}): Response {
  return responseOf(fixture(name), extraHeaders);
}

export interface SentRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** One answer: a Response, an error to reject with, or a function of the request. */
export type Step = Response | Error | ((request: SentRequest) => Response | Promise<Response>);

export class ScriptedFetch {
  readonly requests: SentRequest[] = [];
  private readonly steps: Step[];

  constructor(...steps: Step[]) {
    this.steps = steps;
  }

  get calls(): number {
    return this.requests.length;
  }

  readonly fetch: Fetch = async (input, init) => {
    const request: SentRequest = {
      url: new URL(input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    };
    this.requests.push(request);
    const step = this.steps.shift();
    if (step === undefined) throw new Error(`ScriptedFetch: unexpected request #${this.requests.length} to ${request.url.href}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step;
  };
}

/** A fetch failure as Node reports it: `TypeError: fetch failed` with the socket error as cause. */
export function networkError(code: string, message = `connect ${code} 127.0.0.1:9090`): TypeError {
  const cause = Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
  return new TypeError('fetch failed', { cause });
}

/** A fetch that only settles when its signal aborts (a server that never answers). */
export function hangingStep(): Step {
  return (request) =>
    new Promise<Response>((_, reject) => {
      const signal = request.signal;
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
}

/** A sleep that records its delays and returns at once (rejecting if the signal already aborted). */
export function recordingSleep(): Sleep & { delays: number[] } {
  const delays: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    delays.push(ms);
    if (signal?.aborted) throw signal.reason;
  };
  return Object.assign(sleep, { delays });
}
