/**
 * The engine's working copy of an incident. Recorders change the copy at once (handlers see their own
 * findings immediately) and queue the same change; `flush` applies the queued changes to the stored
 * incident with a conditional write, re-reading and re-applying when someone else (intake, the approval
 * API) changed it meanwhile. Changes are small patches, never whole-incident overwrites, so concurrent
 * writers compose. Audit entries and approvals are written after the incident they describe.
 */
import type { Clock } from '../../core/clock.js';
import type { Approval, Incident } from '../../core/types.js';
import type { AuditEntry, StateStore } from '../ports.js';
import { mutateIncident } from '../store/mutate.js';

export type IncidentChange = (incident: Incident) => void;

export class IncidentLedger {
  private base: Incident;
  private working: Incident;
  private pending: IncidentChange[] = [];
  private audits: AuditEntry[] = [];
  private approvals: Approval[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    incident: Incident,
  ) {
    this.base = structuredClone(incident);
    this.working = structuredClone(incident);
  }

  get incident(): Incident {
    return this.working;
  }

  get id(): string {
    return this.base.id;
  }

  apply(change: IncidentChange): void {
    change(this.working);
    this.pending.push(change);
  }

  audit(entry: Omit<AuditEntry, 'at' | 'incidentId'> & { at?: string }): void {
    this.audits.push({ at: entry.at ?? new Date(this.clock.now()).toISOString(), incidentId: this.base.id, actor: entry.actor, action: entry.action, detail: entry.detail });
  }

  approval(approval: Approval): void {
    this.approvals.push(approval);
  }

  get dirty(): boolean {
    return this.pending.length > 0 || this.audits.length > 0 || this.approvals.length > 0;
  }

  /** Persists queued changes (one flush at a time; concurrent callers wait for theirs). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.flushNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Re-reads the stored incident (someone else may have changed it) and re-applies queued changes. */
  refresh(): Promise<void> {
    const run = this.chain.then(async () => {
      const stored = await this.store.getIncident(this.base.id);
      if (stored) this.rebase(stored);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flushNow(): Promise<void> {
    let changes = this.pending;
    let audits = this.audits;
    let approvals = this.approvals;
    this.pending = [];
    this.audits = [];
    this.approvals = [];
    try {
      if (changes.length) {
        const saved = await mutateIncident(
          this.store,
          this.base.id,
          (incident) => {
            for (const change of changes) change(incident);
          },
          { clock: this.clock, initial: this.base },
        );
        changes = [];
        this.rebase(saved);
      }
      while (approvals.length) {
        await this.store.recordApproval(this.base.id, approvals[0]!);
        approvals = approvals.slice(1);
      }
      while (audits.length) {
        await this.store.appendAudit(audits[0]!);
        audits = audits.slice(1);
      }
    } catch (error) {
      // Nothing is lost and nothing written twice: the next flush tries what was not written.
      this.pending = [...changes, ...this.pending];
      this.audits = [...audits, ...this.audits];
      this.approvals = [...approvals, ...this.approvals];
      throw error;
    }
  }

  /** The working copy becomes the stored incident plus whatever was recorded since the flush began. */
  private rebase(stored: Incident): void {
    this.base = structuredClone(stored);
    const working = structuredClone(stored);
    for (const change of this.pending) change(working);
    this.working = working;
  }
}
