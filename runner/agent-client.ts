/**
 * The AgentApi port over the DevOps agent's HTTP API (DESIGN.md, docs/api/openapi.yaml): incidents and
 * approvals. An API token, when the agent requires one, is sent as a bearer token.
 */
import type { Incident } from '../core/types.js';
import type { AgentApi, IncidentSummary } from './ports.js';

export class AgentHttpClient implements AgentApi {
  constructor(
    readonly url: string,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.base()}/healthz`, { signal: AbortSignal.timeout(3_000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  async listIncidents(): Promise<IncidentSummary[]> {
    const items: IncidentSummary[] = [];
    let cursor: string | undefined;
    // Newest first, paged; a run only cares about the last few hundred.
    for (let page = 0; page < 5; page++) {
      const body = await this.request<{ items: IncidentSummary[]; cursor?: string }>('GET', `/incidents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...body.items);
      cursor = body.cursor;
      if (!cursor) break;
    }
    return items;
  }

  getIncident(id: string): Promise<Incident> {
    return this.request<Incident>('GET', `/incidents/${encodeURIComponent(id)}`);
  }

  async decide(incidentId: string, actionId: string, decision: 'approve' | 'reject', by: string, comment?: string): Promise<void> {
    await this.request('POST', `/incidents/${encodeURIComponent(incidentId)}/actions/${encodeURIComponent(actionId)}/${decision}`, { by, ...(comment ? { comment } : {}) });
  }

  private base(): string {
    return this.url.replace(/\/+$/, '');
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base()}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`the DevOps agent at ${this.url} did not answer ${method} ${path} (${(error as Error).message}); is it running? (local-cluster status, or devops-agent serve)`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    if (!response.ok) throw new AgentRequestFailed(response.status, `${method} ${path} answered ${response.status}: ${(parsed as { error?: string }).error ?? text.slice(0, 200)}`);
    return parsed as T;
  }
}

export class AgentRequestFailed extends Error {
  override name = 'AgentRequestFailed';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
