/**
 * Values entering PromQL the agent writes. A label value comes from an alert, a playbook or a series,
 * so it is data, never syntax: inside a double-quoted string it is escaped; matched literally by a
 * regex matcher its RE2 metacharacters are escaped first; a duration or a number is checked against
 * its grammar and refused otherwise. Nothing is pasted blindly, so
 * `petadoptions"} or vector(42) or up{job="x` stays one string and selects nothing.
 */

export class UnsafeQueryValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeQueryValue';
  }
}

const loneSurrogates = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const shortEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The inside of a PromQL string in `quote` ('"' or "'") holding `value`. PromQL unquotes strings as Go
 * does (prometheus/util/strutil): a backslash, the quote itself and control characters are escaped
 * (`\\`, `\"`, `\n`, `\u0001`); lone surrogates, which Go refuses, become U+FFFD. Nothing in the
 * value can end the string.
 */
export function promqlQuoted(value: string, quote: '"' | "'"): string {
  let out = '';
  for (const char of value.replace(loneSurrogates, '\uFFFD')) {
    const code = char.codePointAt(0)!;
    if (char === quote) out += `\\${quote}`;
    else if (shortEscapes[char]) out += shortEscapes[char];
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

/** The inside of a PromQL double-quoted string holding `value`. */
export function promqlStringContent(value: string): string {
  return promqlQuoted(value, '"');
}

/** `value` as a PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return `"${promqlStringContent(value)}"`;
}

/** RE2 metacharacters escaped (Go's regexp.QuoteMeta), so a regex matches `value` literally. */
export function re2Literal(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The inside of a PromQL string for a regex matcher (`=~`) that matches `value` literally. */
export function promqlRegexContent(value: string): string {
  return promqlStringContent(re2Literal(value));
}

const durationPattern = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** A PromQL duration (`30s`, `5m`, `1h30m`), or UnsafeQueryValue. */
export function promqlDuration(value: string): string {
  if (!durationPattern.test(value)) throw new UnsafeQueryValue(`not a PromQL duration: ${JSON.stringify(value.slice(0, 40))} (expected e.g. 30s, 5m, 1h30m)`);
  return value;
}

/** Whether `value` is a PromQL duration. */
export function isPromqlDuration(value: string): boolean {
  return durationPattern.test(value);
}
