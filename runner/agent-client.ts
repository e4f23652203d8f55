/**
 * The AgentApi port over the DevOps agent's HTTP API (DESIGN.md, docs/api/openapi.yaml): incidents and
 * approvals, sent with an operator token as a bearer token. The agent records the token's name as the
 * approver (the `by` sent is only a note).
 */
import { readFileSync } from 'node:fs';
import type { Incident } from '../core/types.js';
import type { AgentApi, IncidentSummary, RunOnIncident } from './ports.js';

/** Where the operator token comes from: the token itself (`--agent-token`), else a 0600 file, read at each request. */
export interface AgentCredential {
  token?: string;
  tokenFile?: string;
}

export class AgentHttpClient implements AgentApi {
  private readonly credential: AgentCredential;

  constructor(
    readonly url: string,
    credential?: string | AgentCredential,
    private readonly timeoutMs = 10_000,
  ) {
    this.credential = typeof credential === 'string' ? { token: credential } : (credential ?? {});
  }

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

  async recordRun(incidentId: string, run: RunOnIncident): Promise<void> {
    await this.request('PUT', `/incidents/${encodeURIComponent(incidentId)}/run`, run);
  }

  private base(): string {
    return this.url.replace(/\/+$/, '');
  }

  /** Read at each request: `local-cluster up` keeps the file, and a replaced one is picked up. */
  private token(): string | undefined {
    if (this.credential.token) return this.credential.token;
    if (!this.credential.tokenFile) return undefined;
    try {
      return readFileSync(this.credential.tokenFile, 'utf8').trim() || undefined;
    } catch (error) {
      throw new Error(`cannot read the agent token file ${this.credential.tokenFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run local-cluster up, or give --agent-token-file`);
    }
  }

  private async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    let response: Response;
    const token = this.token();
    try {
      response = await fetch(`${this.base()}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
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
