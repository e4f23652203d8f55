/**
 * Evaluates a parsed filter expression against a recorded trace. At the top level, fields describe
 * the trace (its root's response time and HTTP request; `fault` if any segment faulted; annotations of
 * any segment); inside `service(...) { }` they describe that node's segment, inside `edge(...) { }`
 * the client subsegment of that call. Nodes include what X-Ray infers: DynamoDB tables, SQS queues,
 * databases and unreachable hosts.
 */
import type { FilterExpression, Keyword, Literal, NumberField, Operator, StringField } from './filter-expression.js';
import { inferredServiceIdOf } from './root-causes.js';
import { allSpans, duration, serviceSegments, type RecordedTrace, type Span } from './spans.js';

interface Scope {
  keyword(keyword: Keyword): boolean;
  number(field: NumberField): number | undefined;
  string(field: StringField): string | undefined;
  annotations(key: string): Literal[];
}

interface Node {
  name: string;
  type?: string;
  scope: Scope;
}

interface Edge {
  from: string;
  to: string;
  scope: Scope;
}

/** A filter bound to one trace; its node and edge tables are built once, on first use. */
class TraceMatch {
  private spans?: Span[];
  private nodeTable?: Node[];
  private edgeTable?: Edge[];

  constructor(private readonly trace: RecordedTrace) {}

  matches(expression: FilterExpression): boolean {
    return evaluate(expression, this.traceScope(), this);
  }

  nodes(): Node[] {
    if (!this.nodeTable) {
      this.nodeTable = [];
      for (const segment of serviceSegments(this.trace.root)) this.nodeTable.push({ name: segment.name, type: segment.server?.origin, scope: spanScope(segment) });
      for (const span of this.all()) {
        const inferred = inferredServiceIdOf(span);
        if (inferred) this.nodeTable.push({ name: inferred.Name!, type: inferred.Type, scope: spanScope(span) });
      }
    }
    return this.nodeTable;
  }

  edges(): Edge[] {
    if (!this.edgeTable) {
      this.edgeTable = [];
      for (const segment of serviceSegments(this.trace.root)) {
        for (const sub of segment.subsegments) {
          const to = sub.callee?.name ?? inferredServiceIdOf(sub)?.Name;
          if (to) this.edgeTable.push({ from: segment.name, to, scope: spanScope(sub) });
        }
      }
    }
    return this.edgeTable;
  }

  private all(): Span[] {
    return (this.spans ??= allSpans(this.trace.root));
  }

  private traceScope(): Scope {
    const { root } = this.trace;
    const any = (flag: (s: Span) => boolean) => this.all().some(flag);
    return {
      keyword: (keyword) => {
        switch (keyword) {
          case 'fault':
            return any((s) => s.fault);
          case 'error':
            return any((s) => s.error);
          case 'throttle':
            return any((s) => s.throttle);
          case 'ok':
            return !any((s) => s.fault || s.error || s.throttle);
          case 'partial':
            return false;
        }
      },
      number: (field) => (field === 'duration' ? this.trace.end - this.trace.start : spanScope(root).number(field)),
      string: (field) => spanScope(root).string(field),
      annotations: (key) => serviceSegments(root).flatMap((s) => (s.annotations && key in s.annotations ? [s.annotations[key]!] : [])),
    };
  }
}

function spanScope(span: Span): Scope {
  return {
    keyword: (keyword) => {
      switch (keyword) {
        case 'fault':
          return span.fault;
        case 'error':
          return span.error;
        case 'throttle':
          return span.throttle;
        case 'ok':
          return !span.fault && !span.error && !span.throttle;
        case 'partial':
          return false;
      }
    },
    number: (field) => (field === 'http.status' ? span.status : duration(span)),
    string: (field) => {
      switch (field) {
        case 'http.url':
          return span.request?.url;
        case 'http.method':
          return span.request?.method;
        case 'http.useragent':
          return span.request?.userAgent;
        case 'http.clientip':
          return span.request?.clientIp;
        case 'user':
          return span.user;
      }
    },
    annotations: (key) => (span.annotations && key in span.annotations ? [span.annotations[key]!] : []),
  };
}

function evaluate(expression: FilterExpression, scope: Scope, trace: TraceMatch): boolean {
  switch (expression.kind) {
    case 'true':
      return true;
    case 'and':
      return evaluate(expression.left, scope, trace) && evaluate(expression.right, scope, trace);
    case 'or':
      return evaluate(expression.left, scope, trace) || evaluate(expression.right, scope, trace);
    case 'not':
      return !evaluate(expression.expression, scope, trace);
    case 'keyword': {
      const value = scope.keyword(expression.keyword);
      if (expression.op === undefined) return value;
      return expression.op === '=' ? value === expression.value : value !== expression.value;
    }
    case 'number':
      return compare(scope.number(expression.field), expression.op, expression.value);
    case 'string':
      return compare(scope.string(expression.field), expression.op, expression.value);
    case 'annotation': {
      const values = scope.annotations(expression.key);
      if (expression.op === undefined) return values.some((v) => v !== false);
      return values.some((v) => typeof v === typeof expression.value && compare(v, expression.op!, expression.value!));
    }
    case 'service': {
      const { name, type } = expression.entity;
      return trace.nodes().some((n) => n.name === name && (type === undefined || n.type === type) && (!expression.scoped || evaluate(expression.scoped, n.scope, trace)));
    }
    case 'edge':
      return trace.edges().some((e) => e.from === expression.from.name && e.to === expression.to.name && (!expression.scoped || evaluate(expression.scoped, e.scope, trace)));
  }
}

function compare(actual: Literal | undefined, op: Operator, expected: Literal): boolean {
  if (actual === undefined) return op === '!=';
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case 'CONTAINS':
      return String(actual).includes(String(expected));
    case 'BEGINSWITH':
      return String(actual).startsWith(String(expected));
    case 'ENDSWITH':
      return String(actual).endsWith(String(expected));
  }
}

export function traceMatches(trace: RecordedTrace, expression: FilterExpression): boolean {
  return new TraceMatch(trace).matches(expression);
}
