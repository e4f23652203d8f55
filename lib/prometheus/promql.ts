/**
 * Putting a value into PromQL safely: every label value, name or regex that comes from a person, an
 * alert, a prompt argument or a backend's own data goes through here, so it can only ever be a value.
 * `namespace = 'x"} or vector(42) or up{job="x'` becomes a string that matches nothing, not a query.
 */

/** A PromQL double-quoted string literal for `value` (Go `strconv` escapes, as the PromQL lexer reads them). */
export function promqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    // A lone surrogate cannot be UTF-8, which PromQL strings must be.
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** `value` as an RE2 regex matching exactly that text (Go's `regexp.QuoteMeta`). */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** A regex alternation matching exactly these values, for `label=~"..."`. */
export function regexAlternation(values: readonly string[]): string {
  return values.map(regexLiteral).join('|');
}

/** Label names of classic PromQL; anything else must be quoted (`{"weird name"="x"}`). */
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isLabelName(name: string): boolean {
  return labelNamePattern.test(name);
}

export function isMetricName(name: string): boolean {
  return metricNamePattern.test(name);
}

export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** One label matcher, `name="value"`, with the name quoted when it is not a classic identifier. */
export function labelMatcher(name: string, op: MatchOperator, value: string): string {
  return `${isLabelName(name) ? name : promqlString(name)}${op}${promqlString(value)}`;
}

/** `label="v"` for one value, `label=~"v1|v2"` (each escaped) for several. */
export function oneOf(name: string, values: readonly string[]): string {
  return values.length === 1 ? labelMatcher(name, '=', values[0]!) : labelMatcher(name, '=~', regexAlternation(values));
}

/** A vector selector: the metric name bare when it is one, else as a `__name__` matcher. */
export function selector(metric: string | undefined, matchers: readonly string[] = [], separator = ', '): string {
  if (metric === undefined) return `{${matchers.join(separator)}}`;
  if (isMetricName(metric)) return matchers.length ? `${metric}{${matchers.join(separator)}}` : metric;
  return `{${[labelMatcher('__name__', '=', metric), ...matchers].join(separator)}}`;
}

/** Kubernetes object names: DNS-1123 labels (namespaces, services) and subdomains (pods, nodes). */
export const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dns1123Subdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
