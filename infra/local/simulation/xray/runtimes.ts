/**
 * How each service's language and X-Ray SDK describe themselves and their failures: the SDK block of
 * segments and the exception types and messages a .NET, Java, Go or Python service records for its
 * own errors and for failed downstream calls. Realistic text matters: the agent and people read it.
 */
import type { Runtime } from '../../../../lib/petadoption/catalog.js';

export const SDKS: Record<Runtime, { sdk: string; sdk_version: string }> = {
  dotnet: { sdk: 'X-Ray for .NET Core', sdk_version: '2.14.0' },
  java: { sdk: 'X-Ray for Java', sdk_version: '2.15.1' },
  go: { sdk: 'X-Ray for Go', sdk_version: '1.8.3' },
  python: { sdk: 'X-Ray for Python', sdk_version: '2.12.1' },
};

export interface ExceptionText {
  type: string;
  message: string;
}

/** The service's own failure (a bug or a dependency outside the traced calls). */
export function ownFailure(runtime: Runtime): ExceptionText {
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.NullReferenceException', message: 'Object reference not set to an instance of an object.' };
    case 'java':
      return { type: 'java.lang.IllegalStateException', message: 'Connection pool shut down' };
    case 'go':
      return { type: '*errors.errorString', message: 'internal error: unexpected end of JSON input' };
    case 'python':
      return { type: 'KeyError', message: "'petid'" };
  }
}

/** A downstream call that did not answer within the client's timeout. */
export function callTimeout(runtime: Runtime, url: string, timeoutSeconds: number): ExceptionText {
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.Threading.Tasks.TaskCanceledException', message: `The request was canceled due to the configured HttpClient.Timeout of ${timeoutSeconds} seconds elapsing.` };
    case 'java':
      return { type: 'java.net.SocketTimeoutException', message: 'Read timed out' };
    case 'go':
      return { type: '*url.Error', message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    case 'python':
      return { type: 'requests.exceptions.ReadTimeout', message: `HTTPConnectionPool: Read timed out. (read timeout=${timeoutSeconds})` };
  }
}

/** A downstream call answered with a 5xx. */
export function callFailed(runtime: Runtime, status: number): ExceptionText {
  const reason = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error';
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.Net.Http.HttpRequestException', message: `Response status code does not indicate success: ${status} (${reason}).` };
    case 'java':
      return { type: 'org.springframework.web.client.HttpServerErrorException', message: `${status} ${reason}` };
    case 'go':
      return { type: '*errors.errorString', message: `unexpected status ${status} ${reason}` };
    case 'python':
      return { type: 'requests.exceptions.HTTPError', message: `${status} Server Error: ${reason}` };
  }
}

/** A downstream service with no ready endpoints: the connection is refused at once. */
export function callRefused(runtime: Runtime, host: string, port: number): ExceptionText {
  switch (runtime) {
    case 'dotnet':
      return { type: 'System.Net.Http.HttpRequestException', message: `Connection refused (${host}:${port})` };
    case 'java':
      return { type: 'java.net.ConnectException', message: 'Connection refused' };
    case 'go':
      return { type: '*net.OpError', message: `dial tcp ${host}:${port}: connect: connection refused` };
    case 'python':
      return { type: 'requests.exceptions.ConnectionError', message: `HTTPConnectionPool(host='${host}', port=${port}): Max retries exceeded (Caused by NewConnectionError: [Errno 111] Connection refused)` };
  }
}
