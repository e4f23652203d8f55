/**
 * Health probes over loopback HTTP. Every probe has a short timeout: a component that accepts the
 * connection but never answers is as unready as one that refuses it.
 */
export interface ProbeResult<T> {
  status: number;
  body?: T;
  /** Why the probe failed at the transport level (refused, timeout). */
  error?: string;
}

export async function probeJson<T = unknown>(url: string, timeoutMs = 2_000, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<ProbeResult<T>> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    const text = await response.text();
    let body: T | undefined;
    try {
      body = JSON.parse(text) as T;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, error: cause === 'ECONNREFUSED' ? 'connection refused' : timeout.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message };
  }
}

/** GET a Prometheus HTTP API path and return its `data` when `status` is "success". */
export async function prometheusApi<T>(baseUrl: string, path: string, signal?: AbortSignal): Promise<T | undefined> {
  const result = await probeJson<{ status: string; data: T }>(`${baseUrl}${path}`, 3_000, signal);
  return result.status === 200 && result.body?.status === 'success' ? result.body.data : undefined;
}
