/**
 * The words of each notification, shared by every notifier (console now; Slack and the web console
 * later render the same facts their own way). Short, skimmable by someone just paged: what, where,
 * how sure, and the exact command to approve or reject.
 */
import type { Action, Incident } from '../../core/types.js';
import type { Notification } from '../ports.js';
import { describeTarget } from '../intake/target.js';

const pct = (value: number) => `${Math.round(value * 100)}%`;

export function incidentUrl(baseUrl: string, incident: Incident): string {
  return `${baseUrl}/incidents/${encodeURIComponent(incident.id)}`;
}

export function actionUrls(baseUrl: string, incident: Incident, action: Action): { approveUrl: string; rejectUrl: string } {
  const base = `${incidentUrl(baseUrl, incident)}/actions/${encodeURIComponent(action.id)}`;
  return { approveUrl: `${base}/approve`, rejectUrl: `${base}/reject` };
}

export function incidentOpened(incident: Incident, playbook: string, baseUrl: string): Notification {
  return {
    kind: 'incident-opened',
    incident,
    text: [
      `[${incident.severity}] incident ${incident.id} opened: ${incident.title}`,
      `  target:   ${describeTarget(incident.target)}`,
      `  playbook: ${playbook}`,
      `  details:  curl -s ${incidentUrl(baseUrl, incident)}`,
    ].join('\n'),
  };
}

export function rootCauseFound(incident: Incident): Notification {
  const rc = incident.rootCause!;
  const evidence = rc.evidence.slice(0, 5).map((e) => `    - [${e.source}] ${e.summary}`);
  const gaps = incident.gaps.map((g) => `    - ${g.source}: ${g.reason}`);
  return {
    kind: 'root-cause',
    incident,
    text: [
      `root cause for ${incident.id}: ${rc.kind} of ${rc.target.kind} ${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name} (confidence ${pct(rc.confidence)})`,
      `  ${rc.summary}`,
      ...(evidence.length ? ['  evidence:', ...evidence] : []),
      ...(gaps.length ? ['  could not check:', ...gaps] : []),
    ].join('\n'),
  };
}

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The header a printed curl command authenticates with, reading the credential where it is kept: an
 * operator token file (`$(cat FILE)`, the local target's credentials/approver.token), the legacy
 * `$DEVOPS_AGENT_API_TOKEN`, or a file the reader names in `$DEVOPS_AGENT_TOKEN_FILE`. Never the token.
 */
export function authorizationHeader(credential: boolean | string): string {
  if (typeof credential === 'string') return `-H "Authorization: Bearer $(cat ${shellQuote(credential)})"`;
  if (credential) return '-H "authorization: Bearer $DEVOPS_AGENT_API_TOKEN"';
  return '-H "Authorization: Bearer $(cat "$DEVOPS_AGENT_TOKEN_FILE")"';
}

/**
 * `credential` says how the commands authenticate (authorizationHeader): approve/reject always need an
 * operator token, and the approver recorded is that token's name.
 */
export function approvalRequested(incident: Incident, action: Action, baseUrl: string, credential: boolean | string = false): Notification {
  const { approveUrl, rejectUrl } = actionUrls(baseUrl, incident, action);
  const auth = ` ${authorizationHeader(credential)}`;
  const diff = action.dryRun?.diff.slice(0, 12).map((line) => `    ${line}`) ?? [];
  return {
    kind: 'approval-requested',
    incident,
    action,
    approve: { approveUrl, rejectUrl, expiresAt: action.expiresAt },
    text: [
      `approval needed for ${incident.id}: ${action.kind} of ${describeTarget(action.target)} (risk ${action.risk})`,
      `  why:      ${action.rationale}`,
      ...(diff.length ? [`  dry run (${action.dryRun!.method}):`, ...diff] : []),
      ...(action.dryRun?.warnings.length ? [`  warnings: ${action.dryRun.warnings.join('; ')}`] : []),
      `  rollback: ${action.rollback.description}`,
      `  approve:  curl -X POST ${approveUrl}${auth}`,
      `  reject:   curl -X POST ${rejectUrl}${auth} -H 'content-type: application/json' -d '{"comment":"why"}'`,
      `  expires:  ${action.expiresAt}`,
    ].join('\n'),
  };
}

export function actionExecuted(incident: Incident, action: Action): Notification {
  return {
    kind: 'action-executed',
    incident,
    action,
    text: `${action.kind} of ${describeTarget(action.target)} ${action.status} for ${incident.id}${action.result?.message ? `: ${action.result.message}` : ''}`,
  };
}

export function incidentEnded(incident: Incident, reason?: string): Notification {
  const resolved = incident.status === 'resolved';
  const rc = incident.rootCause;
  return {
    kind: resolved ? 'incident-resolved' : 'incident-unresolved',
    incident,
    text: [
      `incident ${incident.id} ${resolved ? 'resolved' : 'ended unresolved'}: ${incident.title}`,
      ...(rc ? [`  root cause: ${rc.kind} (${pct(rc.confidence)})`] : ['  root cause: not found']),
      ...(reason ? [`  ${reason}`] : []),
    ].join('\n'),
  };
}
