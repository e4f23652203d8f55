/**
 * What the console's pages show, computed from an incident (plain values the templates print; the
 * templates escape them). MTTR counts from detection (the first alert) to resolution, or to now while
 * the incident is open ("so far").
 */
import { isFinal } from '../../core/incident-lifecycle.js';
import { formatAge, formatDuration } from '../../core/duration.js';
import type { Action, Incident, ResourceRef, TimelineEntry } from '../../core/types.js';
import type { AuditEntry } from '../ports.js';
import { planHash } from '../workflow/plan-hash.js';

const percent = (confidence: number) => `${Math.round(confidence * 100)}%`;
const refText = (ref: Pick<ResourceRef, 'kind' | 'name' | 'namespace'> | undefined) => (ref ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : '');
const clockTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** Where a PromQL query is graphed: Prometheus's own /graph page (the local target's, or --prometheus-url). */
export function graphLink(prometheusUrl: string | undefined, source: string, query: string | undefined): string | undefined {
  if (!prometheusUrl || !query || source !== 'prometheus') return undefined;
  try {
    const url = new URL('graph', prometheusUrl.replace(/\/*$/, '/'));
    url.search = new URLSearchParams({ 'g0.expr': query, 'g0.tab': '0', 'g0.range_input': '1h' }).toString();
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function mttrOf(incident: Incident, now: number): { mttr: string; mttrSoFar: boolean } {
  const start = Date.parse(incident.milestones.detectedAt ?? incident.createdAt);
  const end = incident.milestones.resolvedAt ? Date.parse(incident.milestones.resolvedAt) : isFinal(incident.status) ? Date.parse(incident.updatedAt) : now;
  return { mttr: formatDuration(Math.max(0, end - start)), mttrSoFar: !isFinal(incident.status) };
}

export function incidentRow(incident: Incident, now: number) {
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    createdAt: incident.createdAt,
    age: formatAge(now - Date.parse(incident.createdAt)),
    rootCause: incident.rootCause ? { kind: incident.rootCause.kind, confidence: percent(incident.rootCause.confidence) } : undefined,
    pending: incident.actions.filter((a) => a.status === 'proposed' && Date.parse(a.expiresAt) > now).length,
    ...mttrOf(incident, now),
  };
}

const hypothesisTypes = new Set<TimelineEntry['type']>(['hypothesis', 'root-cause']);

function actionView(action: Action, now: number) {
  const left = Date.parse(action.expiresAt) - now;
  return {
    id: action.id,
    kind: action.kind,
    target: refText(action.target),
    risk: action.risk,
    status: action.status === 'proposed' && left <= 0 ? 'expired' : action.status,
    rationale: action.rationale,
    dryRunMethod: action.dryRun?.method,
    diff: (action.dryRun?.diff ?? []).map((text) => ({ text, cls: text.startsWith('+') ? 'add' : text.startsWith('-') ? 'del' : '' })),
    warnings: action.dryRun?.warnings ?? [],
    rollback: action.rollback.description,
    approval: action.approval,
    result: action.result,
    pending: action.status === 'proposed' && left > 0,
    expiresAt: action.expiresAt,
    expiresIn: `in ${formatDuration(left)}`,
    planHash: planHash(action),
  };
}

/** The audit entry's detail in one line: the fields a person reads, not the whole record. */
function auditDetail(entry: AuditEntry): string {
  const d = entry.detail ?? {};
  const parts: string[] = [];
  for (const key of ['actionId', 'kind', 'decision', 'status', 'via', 'comment', 'reason', 'remote']) {
    const value = d[key];
    if (value !== undefined && value !== null && typeof value !== 'object') parts.push(`${key}: ${String(value).slice(0, 300)}`);
  }
  return parts.join('; ');
}

export function incidentPage(incident: Incident, audit: readonly AuditEntry[], now: number, prometheusUrl: string | undefined) {
  const timeline = [...incident.timeline].sort((a, b) => a.at.localeCompare(b.at)).map((t) => ({ ...t, time: clockTime(t.at) }));
  const findings = new Map(incident.findings.map((f) => [f.id, f]));
  return {
    incident,
    age: formatAge(now - Date.parse(incident.createdAt)),
    ...mttrOf(incident, now),
    target: refText(incident.target),
    investigating: !isFinal(incident.status),
    actions: incident.actions.map((a) => actionView(a, now)),
    rootCause: incident.rootCause && {
      kind: incident.rootCause.kind,
      target: refText(incident.rootCause.target),
      confidence: percent(incident.rootCause.confidence),
      summary: incident.rootCause.summary,
      evidence: incident.rootCause.evidence.map((e) => {
        const query = e.query ?? (e.findingId ? findings.get(e.findingId)?.query : undefined);
        return { ...e, query, link: graphLink(prometheusUrl, e.source, query) };
      }),
    },
    gaps: incident.gaps,
    facts: timeline.filter((t) => !hypothesisTypes.has(t.type)),
    hypothesesTimeline: timeline.filter((t) => hypothesisTypes.has(t.type)),
    hypotheses: [...incident.hypotheses].sort((a, b) => b.confidence - a.confidence).map((h) => ({ kind: h.kind, target: refText(h.target), confidence: percent(h.confidence), supporting: h.supportingFindings.length, contradicting: h.contradictingFindings.length })),
    findings: incident.findings.map((f) => ({ source: f.source, summary: f.summary, query: f.query, link: graphLink(prometheusUrl, f.source, f.query) })),
    audit: [...audit].sort((a, b) => a.at.localeCompare(b.at)).map((e) => ({ at: e.at, time: clockTime(e.at), actor: e.actor, action: e.action, detail: auditDetail(e) })),
  };
}
