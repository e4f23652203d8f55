/**
 * X-Ray identifiers: trace ids `1-<8 hex epoch seconds>-<24 hex>`, segment and exception ids of 16 hex
 * digits. Drawn from the recorder's own seeded generator, never the simulation's, so recording traces
 * does not change what the simulated cluster does.
 */
import type { Random } from '../../../../core/random.js';

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

const HEX = '0123456789abcdef';

export class IdSource {
  constructor(private readonly random: Random) {}

  /** Trace id whose time part is the request's start (epoch seconds), as the X-Ray SDKs make it. */
  traceId(startEpochSeconds: number): string {
    const seconds = Math.floor(startEpochSeconds);
    const codes = [49, 45];
    for (let shift = 28; shift >= 0; shift -= 4) codes.push(HEX.charCodeAt((seconds / 2 ** shift) & 15));
    codes.push(45);
    return String.fromCharCode(...codes, ...this.hexCodes(24));
  }

  segmentId(): string {
    return String.fromCharCode(...this.hexCodes(16));
  }

  /**
   * Hex digits as character codes: a string made in one piece is stored flat, where one built by
   * concatenation stays a rope of many small strings — which tens of thousands of held ids would feel.
   */
  private hexCodes(length: number): number[] {
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) codes[i] = HEX.charCodeAt(Math.floor(this.random.next() * 16));
    return codes;
  }
}

export function isTraceId(value: string): boolean {
  return TRACE_ID.test(value);
}

export function isSegmentId(value: string): boolean {
  return SEGMENT_ID.test(value);
}

/** Epoch seconds encoded in a trace id. */
export function traceIdEpochSeconds(traceId: string): number {
  return parseInt(traceId.slice(2, 10), 16);
}
