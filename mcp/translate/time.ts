/**
 * Time phrases: windows ("last 15 minutes", "past 2h", "over the last day"), anchors ("since 9am",
 * "since yesterday"), periods ("yesterday", "this morning", "between 2 and 3 pm"), instants ("an hour
 * ago", "at 10:30") and comparison baselines ("vs an hour ago", "compared with yesterday", "week over
 * week"). Everything is relative to `now` (window length and how far back it ends), so a follow-up can
 * replay the same phrase later. chrono-node reads the clock and date expressions our patterns leave.
 */
import * as chrono from 'chrono-node';
import { formatDuration } from '../../core/duration.js';

export type TimeKind = 'none' | 'window' | 'since' | 'between' | 'period' | 'point';

export interface Span {
  from: number;
  to: number;
}

export interface TimeSpec {
  kind: TimeKind;
  /** Length of the window the question asks about (0 for an instant). */
  windowMs: number;
  /** How long before now the window (or instant) ends. */
  offsetMs: number;
  /** Baseline of a comparison: how far back to compare with. */
  compareMs?: number;
  compareLabel?: string;
  description: string;
  /** Text the phrases occupied (excluded from entity and intent reading). */
  spans: Span[];
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const unitPattern = 'seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|hr|h|days?|d|weeks?|wks?|w|months?';
/** Units spelt as words ("minutes"); one-letter units ("15m") only follow digits. */
const wordUnit = 'seconds?|secs?|minutes?|mins?|hours?|hrs?|hr|days?|weeks?|wks?|months?';
const numberCount = '\\d+(?:\\.\\d+)?';
const wordCount = 'an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty[- ]five|sixty|ninety|few|couple(?:\\s+of)?|several';
const countPattern = `${numberCount}|${wordCount}`;
const words: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fifteen: 15, twenty: 20, thirty: 30, 'forty-five': 45, 'forty five': 45, sixty: 60, ninety: 90, few: 3, couple: 2, 'couple of': 2, several: 3,
};

/** "15 minutes", "15m", "15 m", "an hour", "a couple of days" (no capture groups). */
const countUnit = `(?:(?:${numberCount})\\s*-?\\s*(?:${unitPattern})|(?:${wordCount})\\s+(?:${wordUnit}))\\b`;

/**
 * A length of time as people say it (no capture groups, so it nests in bigger patterns): "15 minutes",
 * "2h", "1h30m", "an hour and a half", "1 hour and 30 minutes", "one and a half hours", "a quarter
 * hour", "half a day", "a couple of hours". `durationMs` reads what it matched.
 */
const single = `(?:(?:${countPattern})\\s+and\\s+a\\s+half\\s+(?:${wordUnit})\\b|(?:a\\s+)?quarter(?:\\s+of\\s+an?)?[\\s-]*(?:hours?|hrs?)\\b|half(?:\\s+an?)?[\\s-]*(?:hours?|hrs?|days?|minutes?|mins?|weeks?)\\b|${countUnit})`;
export const durationPattern = `(?:${single}(?:\\s*(?:and\\s+)?(?:a\\s+half\\b|${countUnit}))?)`;

const andAHalf = new RegExp(`\\b(${countPattern})\\s+and\\s+a\\s+half\\s+(${wordUnit})\\b`, 'g');
const durationParts = new RegExp(`(and\\s+a\\s+half)\\b|(?:\\b(${numberCount})\\s*-?\\s*(${unitPattern})|\\b(?:(${wordCount})\\s+)?(${wordUnit}))\\b`, 'g');

/** Milliseconds of a duration phrase matched by `durationPattern` (a bare unit counts one: "hour"). */
export function durationMs(text: string): number {
  const t = text
    .toLowerCase()
    .replace(andAHalf, (_, n: string, u: string) => ` ${count(n) + 0.5} ${u} `)
    .replace(/(?:a\s+)?quarter(?:\s+of\s+an?)?[\s-]*(?:hours?|hrs?)/g, ' 15 minutes ')
    .replace(/\bhalf(?:\s+an?)?[\s-]*(hours?|hrs?|days?|minutes?|mins?|weeks?)/g, ' 0.5 $1 ');
  let total = 0;
  let lastUnit = 0;
  const re = durationParts;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    if (m[1]) {
      total += lastUnit / 2;
      continue;
    }
    lastUnit = unitMs(m[3] ?? m[5]!);
    total += count(m[2] ?? m[4]) * lastUnit;
  }
  return Math.round(total);
}

export function unitMs(unit: string): number {
  const u = unit.toLowerCase();
  if (/^s(ec(ond)?s?)?$|^secs$/.test(u)) return 1000;
  if (/^m(in(ute)?s?)?$|^mins$/.test(u)) return MIN;
  if (/^h(rs?|ours?|r)?$/.test(u)) return HOUR;
  if (/^d(ays?)?$/.test(u)) return DAY;
  if (/^w(ee)?ks?$|^w$|^weeks?$/.test(u)) return 7 * DAY;
  if (/^months?$/.test(u)) return 30 * DAY;
  return MIN;
}

function count(text: string | undefined): number {
  if (!text) return 1;
  const t = text.trim().toLowerCase();
  return words[t] ?? Number(t);
}

/** Minutes east of UTC of `timeZone` at `at`. */
export function zoneOffsetMinutes(timeZone: string, at: number): number {
  if (timeZone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(at / 1000) * 1000) / MIN);
}

interface Clock {
  now: number;
  offsetMin: number;
  timeZone: string;
}

function startOfDay(c: Clock, at = c.now): number {
  const off = c.offsetMin * MIN;
  return Math.floor((at + off) / DAY) * DAY - off;
}

/** "9", "9am", "9:30", "14:05", "2 pm", "noon", "midnight" -> minutes after midnight (with whether am/pm was given). */
function clockMinutes(text: string, meridiemHint?: 'am' | 'pm'): { minutes: number; meridiem?: 'am' | 'pm' } | undefined {
  const t = text.trim().toLowerCase().replace(/\./g, '');
  if (t === 'noon' || t === 'midday') return { minutes: 12 * 60, meridiem: 'pm' };
  if (t === 'midnight') return { minutes: 0, meridiem: 'am' };
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?$/.exec(t);
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const meridiem = (m[3] === 'am' || m[3] === 'pm' ? m[3] : undefined) ?? (hour <= 12 ? meridiemHint : undefined);
  if (hour > 23 || minute > 59) return undefined;
  if (meridiem === 'pm' && hour < 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  return { minutes: hour * 60 + minute, meridiem: m[3] === 'am' || m[3] === 'pm' ? m[3] : undefined };
}

/** The latest instant at that clock time not after now (today, else yesterday). */
function clockInstant(c: Clock, minutes: number, dayShift = 0): number {
  let t = startOfDay(c) + minutes * MIN + dayShift * DAY;
  if (dayShift === 0 && t > c.now) t -= DAY;
  return t;
}

function chronoInstant(text: string, c: Clock): number | undefined {
  const d = chrono.parseDate(text, { instant: new Date(c.now), timezone: c.offsetMin }, { forwardDate: false });
  return d ? d.getTime() : undefined;
}

function describeClock(at: number, c: Clock): string {
  const local = new Date(at + c.offsetMin * MIN);
  const hhmm = local.toISOString().slice(11, 16);
  const dayDiff = Math.round((startOfDay(c) - startOfDay(c, at)) / DAY);
  return dayDiff === 0 ? hhmm : dayDiff === 1 ? `yesterday ${hhmm}` : local.toISOString().slice(0, 16).replace('T', ' ');
}

export function describeDuration(ms: number, withOne = false): string {
  const units: [number, string][] = [[7 * DAY, 'week'], [DAY, 'day'], [HOUR, 'hour'], [MIN, 'minute'], [1000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return n === 1 ? (withOne ? `1 ${name}` : name) : `${n} ${name}s`;
    }
  }
  return formatDuration(ms);
}

// The patterns of parseTime, compiled once.
const agoUnit = `(?:(${durationPattern})\\s+(?:ago|before|earlier))`;
const baseline = new RegExp(
  `\\b(?:compared?\\s+(?:it\\s+)?(?:to|with)|vs\\.?|versus|relative\\s+to|against|than|from)\\s+(?:the\\s+)?(?:same\\s+(?:time\\s+)?)?(?:(yesterday|last\\s+week|a\\s+week\\s+ago|last\\s+hour|(?:the\\s+)?(?:previous|prior|last)\\s+(hour|day|week))|${agoUnit})(?:\\s+at\\s+(?:this|the\\s+same)\\s+time)?`,
  'i',
);
const changedSince = new RegExp(`\\b(?:grown|grew|increased|decreased|changed|risen|rose|dropped|gone (?:up|down)|gained|moved)\\s+since\\s+(?:${agoUnit}|${'(\\d{1,2}(?::\\d{2})?(?:\\s*(?:[ap]\\.?m\\b\\.?))?)'})`, 'i');
const agoVersusNow = new RegExp(`\\b${agoUnit}\\s+(?:vs\\.?|versus|compared\\s+(?:to|with)|against)\\s+(?:right\\s+)?now\\b`, 'i');
const clock = '(\\d{1,2}(?::\\d{2})?(?:\\s*(?:[ap]\\.?m\\b\\.?|h\\b))?|noon|midnight)';
const between = new RegExp(`\\b(yesterday\\s+)?(?:between|from)\\s+${clock}\\s+(?:and|to|until|till|-)\\s+${clock}(\\s+yesterday)?`, 'i');
// "from 10:00 until now" is the same as "since 10:00".
const untilNow = `(?:\\s+(?:until|till|to|up\\s+to)\\s+now)?`;
const sincePattern = new RegExp(`\\b(?:since|from)\\s+(?:${agoUnit}|(yesterday|midnight|this\\s+morning|today|noon|midday|last\\s+night)|${clock}(?:\\s+o'?clock)?|([a-z]+day))${untilNow}`, 'i');
const atPattern = new RegExp(`\\b(yesterday\\s+)?at\\s+${clock}(\\s+yesterday)?`, 'i');
const relative = new RegExp(`\\b(?:(?:in|over|during|for|within|across|from|of)\\s+)?(?:the\\s+)?(?:last|past|previous|recent|trailing|prior|latest)\\s+(${durationPattern}|(?:${wordUnit})\\s+and\\s+(?:a\\s+half\\b|${countUnit})|(?:hours?|minutes?|days?|weeks?|months?|hr|min)\\b)(?:\\s+or\\s+so)?\\b`, 'i');
const bare = new RegExp(`\\b(?:in|over|during|for|within|across)\\s+(?:the\\s+)?(${durationPattern})(?:\\s+window)?\\b`, 'i');
const agoPattern = new RegExp(`\\b${agoUnit}`, 'i');

/** Reads the time phrases of a (lowercased) question. */
export function parseTime(text: string, now: number, timeZone = 'UTC'): TimeSpec {
  const c: Clock = { now, offsetMin: zoneOffsetMinutes(timeZone, now), timeZone };
  const spec: TimeSpec = { kind: 'none', windowMs: 0, offsetMs: 0, description: '', spans: [] };
  let work = text;
  const take = (m: RegExpExecArray) => {
    spec.spans.push({ from: m.index, to: m.index + m[0].length });
    work = work.slice(0, m.index) + ' '.repeat(m[0].length) + work.slice(m.index + m[0].length);
  };
  const setWindow = (kind: TimeKind, start: number, end: number, description: string) => {
    spec.kind = kind;
    spec.windowMs = Math.max(0, end - start);
    spec.offsetMs = Math.max(0, now - end);
    spec.description = description;
  };

  // 1. Comparison baselines.
  let m = baseline.exec(work);
  if (m) {
    let ms: number;
    if (m[1]) ms = /yesterday|day/.test(m[1]) ? DAY : /week/.test(m[1]) ? 7 * DAY : HOUR;
    else ms = durationMs(m[3]!);
    spec.compareMs = ms;
    spec.compareLabel = m[1] && /yesterday/.test(m[1]) ? 'yesterday' : `${describeDuration(ms, true)} ago`;
    take(m);
  } else if ((m = /\b(hour|day|week)[- ]over[- ](hour|day|week)\b/i.exec(work))) {
    spec.compareMs = m[1] === 'hour' ? HOUR : m[1] === 'day' ? DAY : 7 * DAY;
    spec.compareLabel = `${describeDuration(spec.compareMs, true)} ago`;
    take(m);
  } else if ((m = agoVersusNow.exec(work))) {
    // "memory 2 hours ago vs now": now set against then.
    spec.compareMs = durationMs(m[1]!);
    spec.compareLabel = `${describeDuration(spec.compareMs, true)} ago`;
    take(m);
  } else if ((m = /\bcompare(?:d)?\s+(?:it\s+|that\s+|this\s+)?(?:to|with)\s+(yesterday|last\s+week|an?\s+hour\s+ago)\b/i.exec(work))) {
    spec.compareMs = /yesterday/.test(m[1]!) ? DAY : /week/.test(m[1]!) ? 7 * DAY : HOUR;
    spec.compareLabel = /yesterday/.test(m[1]!) ? 'yesterday' : `${describeDuration(spec.compareMs, true)} ago`;
    take(m);
  }

  // "how much has it grown since an hour ago": a comparison with that instant ("how has it changed
  // since 10am", without an amount asked for, is the series since then).
  if (spec.compareMs === undefined && /\bhow (?:much|many)\b|\bby how\b|\bdifference\b/i.test(work) && (m = changedSince.exec(work))) {
    let ms: number | undefined;
    if (m[1]) ms = durationMs(m[1]);
    else if (m[2]) {
      const cm = clockMinutes(m[2]);
      if (cm) ms = now - clockInstant(c, cm.minutes);
    }
    if (ms) {
      spec.compareMs = ms;
      spec.compareLabel = m[1] ? `${describeDuration(ms, true)} ago` : describeClock(now - ms, c);
      const verbLength = m[0].search(/\s+since/);
      spec.spans.push({ from: m.index + verbLength, to: m.index + m[0].length });
      work = work.slice(0, m.index + verbLength) + ' '.repeat(m[0].length - verbLength) + work.slice(m.index + m[0].length);
    }
  }

  // 2. "between 2 and 3 pm", "from 9:30 to 10:15", optionally "yesterday".
  if ((m = between.exec(work))) {
    const b = clockMinutes(m[3]!);
    const a = clockMinutes(m[2]!, b?.meridiem);
    if (a && b) {
      const dayShift = m[1] || m[4] ? -1 : 0;
      let end = dayShift ? startOfDay(c) - DAY + b.minutes * MIN : clockInstant(c, b.minutes);
      let start = end - (((b.minutes - a.minutes) % 1440) + 1440) % 1440 * MIN;
      if (start === end) start -= DAY;
      if (end > now) end = now;
      if (start > end) start = end;
      take(m);
      setWindow('between', start, end, `between ${describeClock(start, c)} and ${describeClock(end, c)}`);
      return spec;
    }
  }

  // 3. "since 9am", "since yesterday", "since 2 hours ago".
  if ((m = sincePattern.exec(work)) && (/^since/i.test(m[0]) || /now$/i.test(m[0]))) {
    let start: number | undefined;
    if (m[1]) start = now - durationMs(m[1]);
    else if (m[2]) {
      const w = m[2].replace(/\s+/g, ' ');
      start =
        w === 'yesterday' ? startOfDay(c) - DAY
        : w === 'this morning' ? startOfDay(c) + 6 * HOUR
        : w === 'noon' || w === 'midday' ? clockInstant(c, 12 * 60)
        : w === 'last night' ? startOfDay(c) - 6 * HOUR
        : startOfDay(c);
    } else if (m[3]) {
      const cm = clockMinutes(m[3]);
      start = cm ? clockInstant(c, cm.minutes) : chronoInstant(m[3], c);
    } else if (m[4]) start = chronoInstant(m[4], c);
    if (start !== undefined && start < now) {
      take(m);
      setWindow('since', start, now, `since ${describeClock(start, c)}`);
      return spec;
    }
  }

  if ((m = /\b(?:at\s+)?(?:this|the\s+same)\s+time\s+yesterday\b|\bsame\s+time\s+yesterday\b/i.exec(work))) {
    take(m);
    spec.kind = 'point';
    spec.offsetMs = DAY;
    spec.description = 'this time yesterday';
    return spec;
  }

  // An explicit clock time is an instant, even next to "yesterday" ("at 9:30 yesterday").
  if ((m = atPattern.exec(work))) {
    const cm = clockMinutes(m[2]!);
    if (cm) {
      const at = m[1] || m[3] ? startOfDay(c) - DAY + cm.minutes * MIN : clockInstant(c, cm.minutes);
      take(m);
      spec.kind = 'point';
      spec.offsetMs = Math.max(0, now - at);
      spec.description = `at ${describeClock(at, c)}`;
      return spec;
    }
  }

  // 4. Named periods.
  const periods: [RegExp, () => [number, number, string]][] = [
    [/\b(?:during\s+|over\s+|for\s+)?yesterday\b/i, () => [startOfDay(c) - DAY, startOfDay(c), 'yesterday']],
    [/\b(?:so\s+far\s+)?today(?:\s+so\s+far)?\b/i, () => [startOfDay(c), now, 'today so far']],
    [/\bthis\s+morning\b/i, () => [startOfDay(c) + 6 * HOUR, Math.min(now, startOfDay(c) + 12 * HOUR), 'this morning']],
    [/\bthis\s+afternoon\b/i, () => [startOfDay(c) + 12 * HOUR, Math.min(now, startOfDay(c) + 18 * HOUR), 'this afternoon']],
    [/\b(?:this\s+evening|tonight)\b/i, () => [startOfDay(c) + 18 * HOUR, Math.min(now, startOfDay(c) + 24 * HOUR), 'this evening']],
    [/\b(?:last\s+night|overnight)\b/i, () => [startOfDay(c) - 4 * HOUR, startOfDay(c) + 6 * HOUR, 'last night']],
    [/\bthis\s+week\b/i, () => {
      const local = new Date(now + c.offsetMin * MIN);
      const sinceMonday = (local.getUTCDay() + 6) % 7;
      return [startOfDay(c) - sinceMonday * DAY, now, 'this week'];
    }],
  ];
  for (const [re, range] of periods) {
    if ((m = re.exec(work))) {
      const [start, end, description] = range();
      if (start < end || description === 'today so far') {
        take(m);
        setWindow('period', start, Math.max(start, end), description);
        return spec;
      }
    }
  }

  // 5. Relative windows: "last 15 minutes", "past 2h", "over the last day", "in the past half hour".
  const compact = /\b(?:last|past)\s*(\d+[smhdw](?:\s*\d+[smhdw])*)\b/i;
  if ((m = compact.exec(work))) {
    const ms = [...m[1]!.matchAll(/(\d+)([smhdw])/g)].reduce((sum, p) => sum + Number(p[1]) * unitMs(p[2]!), 0);
    take(m);
    setWindow('window', now - ms, now, `last ${describeDuration(ms)}`);
  } else if ((m = relative.exec(work)) || (m = bare.exec(work))) {
    const ms = durationMs(m[1]!);
    if (ms > 0) {
      take(m);
      setWindow('window', now - ms, now, `last ${describeDuration(ms)}`);
    }
  }

  // 6. Instants: "an hour ago", "at 10:30", "yesterday at 3pm", "same time yesterday".
  if (spec.kind === 'none') {
    if ((m = agoPattern.exec(work))) {
      const ms = durationMs(m[1]!);
      take(m);
      spec.kind = 'point';
      spec.offsetMs = ms;
      spec.description = `${describeDuration(ms, true)} ago`;
    }
  }
  if (spec.kind === 'none' && spec.compareMs === undefined) spec.description = '';
  return spec;
}
