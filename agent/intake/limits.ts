/**
 * How much an alert may say. A notification is a claim from outside: its size must not become the
 * agent's problem (a 1 MB label became a 1 MB incident title, stored, listed and sent to chat). Whole
 * payloads over a limit are refused with 413 and the limit that was hit; text that people read (titles,
 * summaries, descriptions) is cleaned of control characters and shortened.
 *
 * The limits leave room for every real sender: Alertmanager label sets are a few dozen short values,
 * CloudWatch caps alarm descriptions at 1024 characters and dimension values at 1024, and the agent's
 * HTTP API already refuses bodies over 1 MiB.
 */
import type { Alert } from '../../core/types.js';
import { PayloadRejected } from './errors.js';

export const ALERT_LIMITS = {
  /** JSON size of one payload (the API's body limit, applied to every path: HTTP, SQS, files). */
  payloadBytes: 1024 * 1024,
  /** Nesting of the payload's JSON. */
  depth: 32,
  /** Any one string of the payload (an annotation, a description, a query). */
  stringLength: 16 * 1024,
  alertsPerPayload: 1000,
  labelsPerAlert: 64,
  labelNameLength: 128,
  labelValueLength: 1024,
  annotationsPerAlert: 32,
  annotationValueLength: 16 * 1024,
  /** What people read: an incident's title, an alert's summary and description. */
  titleLength: 200,
  summaryLength: 1000,
  descriptionLength: 4000,
} as const;

function tooLarge(message: string): PayloadRejected {
  return new PayloadRejected('too-large', message, 413);
}

/**
 * The raw payload's size, nesting and longest string, before any schema reads it. Walks iteratively so
 * a deeply nested payload cannot exhaust the stack.
 */
export function checkPayloadSize(payload: unknown, limits = ALERT_LIMITS): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: payload, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > limits.stringLength) throw tooLarge(`${path || 'the payload'} has ${value.length} characters; strings in alerts are limited to ${limits.stringLength}`);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limits.depth) throw tooLarge(`the payload is nested deeper than ${limits.depth} levels (at ${path})`);
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      if (key.length > limits.stringLength) throw tooLarge(`a key of ${path || 'the payload'} has ${key.length} characters`);
      stack.push({ value: child, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(payload) ?? '');
  if (bytes > limits.payloadBytes) throw tooLarge(`the payload is ${bytes} bytes; alert payloads are limited to ${limits.payloadBytes}`);
}

/** Counts and lengths of the normalised alerts' labels and annotations. */
export function checkAlertLimits(alerts: readonly Alert[], limits = ALERT_LIMITS): void {
  if (alerts.length > limits.alertsPerPayload) throw tooLarge(`the payload carries ${alerts.length} alerts; at most ${limits.alertsPerPayload} are taken at once`);
  alerts.forEach((alert, i) => {
    const where = `alert ${i} (${shorten(alert.name, 60)})`;
    const labels = Object.entries(alert.labels);
    if (labels.length > limits.labelsPerAlert) throw tooLarge(`${where} has ${labels.length} labels; at most ${limits.labelsPerAlert}`);
    for (const [name, value] of labels) {
      if (name.length > limits.labelNameLength) throw tooLarge(`${where} has a label name of ${name.length} characters; at most ${limits.labelNameLength}`);
      if (value.length > limits.labelValueLength) throw tooLarge(`${where}: label ${shorten(name, 60)} has ${value.length} characters; label values are limited to ${limits.labelValueLength}`);
    }
    const annotations = Object.entries(alert.annotations);
    if (annotations.length > limits.annotationsPerAlert) throw tooLarge(`${where} has ${annotations.length} annotations; at most ${limits.annotationsPerAlert}`);
    for (const [name, value] of annotations) {
      if (name.length > limits.labelNameLength) throw tooLarge(`${where} has an annotation name of ${name.length} characters; at most ${limits.labelNameLength}`);
      if (value.length > limits.annotationValueLength) throw tooLarge(`${where}: annotation ${shorten(name, 60)} has ${value.length} characters; at most ${limits.annotationValueLength}`);
    }
  });
}

// C0 and C1 controls (but tab and newlines, handled apart) and the bidirectional overrides that make
// text display other than it reads. Matching control characters is this expression's purpose.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text for people: no control characters (terminal escapes, bidi overrides), no lone surrogates, at
 * most `max` characters. One line unless `multiline` (then newlines and tabs stay).
 */
export function readableText(text: string, max: number, options: { multiline?: boolean } = {}): string {
  let clean = wellFormed(text).replace(controls, '');
  clean = options.multiline ? clean.replace(/\r\n?/g, '\n') : clean.replace(/[\r\n\t]+/g, ' ').trim();
  return shorten(clean, max);
}

/** Lone surrogates (half a character, from a bad encoder or on purpose) become U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** At most `max` characters (code points, never half a surrogate pair), with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
