/**
 * Timestamps as they appear in metric exports: NAB's `2014-02-14 14:30:00`, ISO 8601
 * (`2014-02-14T14:30:00Z`, `+02:00` offsets, fractions), and Unix seconds (Prometheus' own format).
 * Times without a zone are read as UTC, so results do not depend on the machine's time zone.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Unix times above this many seconds (year 5138) must be milliseconds. */
const MILLISECONDS_FROM = 1e11;

/** Epoch milliseconds of a timestamp, or NaN when the text is not one of the supported forms. */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (NUMBER.test(s)) {
    const n = Number(s);
    return Math.abs(n) >= MILLISECONDS_FROM ? n : n * 1000;
  }
  const m = DATE_TIME.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', fraction = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return NaN;
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second) + (fraction ? Math.round(Number(fraction) * 1000) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offsetMinutes * 60_000;
  }
  return t;
}
