/**
 * The `hint` of an error: what the model should do next, in one sentence. PromQL problems get
 * advice keyed on Prometheus' own messages; connection problems name the URL to check. Adapters
 * may override some kinds (AMP explains IAM and regions) and fall back to these.
 */
import type { Failure } from './classify.js';

export type Explain = (failure: Failure) => string;

const queryEndpoints = new Set(['/api/v1/query', '/api/v1/query_range']);

/** Advice for execution errors, matched on the message Prometheus gives. */
const executionAdvice: [RegExp, string][] = [
  [/many-to-many matching not allowed/i, 'one side of the binary operation has several series per match group: add on(...)/ignoring(...) with labels that are unique, or aggregate that side first (sum by (...))'],
  [/multiple matches for labels: many-to-one matching must be explicit/i, 'several left-hand series match one right-hand series: add group_left (or group_right) to the operator, e.g. `a * on(pod) group_left(node) b`'],
  [/found duplicate series for the match group/i, 'the "one" side of the match has duplicate series: narrow its selector or aggregate it (max by (...))'],
  [/vector cannot contain metrics with the same labelset/i, 'dropping __name__ made series collide: aggregate them (sum by (...)) or keep a distinguishing label'],
  [/too many samples|query processing would load too many samples/i, 'the query touches too many samples: narrow the time range, raise the step, or aggregate earlier'],
  [/exceeded maximum resolution of 11,000 points/i, 'the range query has more than 11,000 points per series: raise the step or shorten the range'],
];

const badDataAdvice: [RegExp, string][] = [
  [/exceeded maximum resolution of 11,000 points/i, 'the range query has more than 11,000 points per series: raise the step or shorten the range'],
  [/end timestamp must not be before start time/i, 'swap start and end: end must not be before start'],
  [/zero or negative query resolution step/i, 'the step must be positive, e.g. "30s"'],
  [/unknown function/i, 'the function name is not PromQL: check its spelling (rate, irate, increase, histogram_quantile, sum by (...), ...)'],
  [/ranges only allowed for vector selectors|expected type range vector/i, 'functions such as rate() need a range vector: write `rate(metric[5m])`, not `rate(metric)[5m]`'],
  [/unexpected|unclosed|could not parse|parse error/i, 'the expression is not valid PromQL: check brackets, commas, quotes and operators near the position Prometheus reports (line:column)'],
];

function firstAdvice(table: [RegExp, string][], message: string): string | undefined {
  return table.find(([pattern]) => pattern.test(message))?.[1];
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

export const prometheusHint: Explain = (failure) => {
  const isQuery = queryEndpoints.has(failure.endpoint);
  switch (failure.kind) {
    case 'bad_data':
      return (
        firstAdvice(badDataAdvice, failure.message) ??
        (isQuery
          ? 'fix the PromQL expression using the error message above, then run it again'
          : 'check the arguments (series selectors such as up{job="api"}, label names, times) against the error message above')
      );
    case 'execution':
      return (
        firstAdvice(executionAdvice, failure.message) ??
        'the query parsed but failed while running: simplify it (aggregate, shorten the range) using the error message above'
      );
    case 'timeout':
      if (failure.timeoutMs !== undefined) {
        return `no answer from ${failure.baseUrl} within ${seconds(failure.timeoutMs)}: the query may be too expensive (narrow the range, raise the step, aggregate) or the server is overloaded`;
      }
      return 'the query ran longer than the server allows: narrow the time range, raise the step, or aggregate early (sum by (...)) and run it again';
    case 'canceled':
      return 'the request was canceled before it completed; run it again if the answer is still needed';
    case 'unavailable':
      return unavailableHint(failure);
    case 'unauthorized':
      return `${failure.baseUrl} requires authentication: configure basic auth or a bearer token for the Prometheus backend`;
    case 'forbidden':
      return `${failure.baseUrl} refused these credentials for ${failure.endpoint}: check the user or token's permissions`;
    case 'not_found':
      return `check the URL: ${failure.url} does not exist; the Prometheus URL should be the server root (e.g. http://127.0.0.1:9090), including any path prefix it is served under (e.g. /prometheus)`;
    case 'too_many_requests':
      return failure.retryAfterMs !== undefined
        ? `the server is rate limiting: wait ${seconds(failure.retryAfterMs)} before querying again, and prefer fewer, aggregated queries`
        : 'the server is rate limiting: wait a little before querying again, and prefer fewer, aggregated queries';
    case 'not_supported':
      return `${failure.endpoint} is not available on this backend`;
    case 'bad_response':
      return `check the URL: ${failure.baseUrl} answered, but not as the Prometheus HTTP API; point it at the Prometheus server root (not Grafana or a UI page)`;
  }
};

function unavailableHint(failure: Failure): string {
  const origin = new URL(failure.baseUrl).origin;
  switch (failure.errorType) {
    case 'ECONNREFUSED':
      return `check the URL: connection refused at ${origin}; is Prometheus running there? (for the local target: \`local-cluster status\`)`;
    case 'ENOTFOUND':
      return `check the URL: the host of ${origin} does not resolve`;
    case 'EAI_AGAIN':
      return `DNS lookup for ${origin} failed temporarily; try again shortly`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `${origin} closed the connection before answering; it may be restarting or a proxy in between dropped the request; try again shortly`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${origin} is not trusted (${failure.errorType}): trust its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem, or use the right host name`;
  }
  if (failure.status === 502 || failure.status === 503) {
    return `${origin} is up but not serving queries (HTTP ${failure.status}): Prometheus may be starting or overloaded, or a proxy cannot reach it; try again shortly`;
  }
  return `${origin} could not be reached: check the URL and that Prometheus is running`;
}
