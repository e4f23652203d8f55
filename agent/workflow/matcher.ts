/**
 * Which playbook investigates an incident: the highest-priority playbook whose `match` fits one of its
 * alerts (ties go to the more specific match, then the name), else the general investigation.
 */
import type { Alert } from '../../core/types.js';
import { matchesLabel } from './conditions.js';
import type { Playbook, PlaybookMatch } from './playbook.js';

export function matchesAlert(match: PlaybookMatch, alert: Alert): boolean {
  if (match.alertnames && !match.alertnames.includes(alert.name)) return false;
  if (match.severity && !match.severity.includes(alert.severity)) return false;
  if (match.sources && !match.sources.includes(alert.source)) return false;
  return Object.entries(match.labels ?? {}).every(([label, matcher]) => matchesLabel(matcher, alert.labels[label]));
}

/** How many things a match asks for: `alertnames: [X]` plus a label beats `alertnames: [X]` alone. */
export function specificity(match: PlaybookMatch): number {
  return (match.alertnames ? 2 : 0) + Object.keys(match.labels ?? {}).length + (match.severity ? 1 : 0) + (match.sources ? 1 : 0);
}

export interface PlaybookChoice {
  playbook: Playbook;
  /** Why, in words, for the timeline. */
  reason: string;
}

export function choosePlaybook(playbooks: readonly Playbook[], fallback: Playbook, alerts: readonly Alert[]): PlaybookChoice {
  // Firing alerts speak for the incident; resolved ones only if nothing fires any more.
  const firing = alerts.filter((a) => a.status === 'firing');
  const candidates = firing.length ? firing : alerts;
  let best: { playbook: Playbook; alert: Alert } | undefined;
  for (const playbook of playbooks) {
    if (!playbook.match) continue;
    const alert = candidates.find((a) => matchesAlert(playbook.match!, a));
    if (!alert) continue;
    if (!best || rank(playbook) > rank(best.playbook) || (rank(playbook) === rank(best.playbook) && playbook.name < best.playbook.name)) best = { playbook, alert };
  }
  if (best) return { playbook: best.playbook, reason: `playbook ${best.playbook.name} matches alert ${best.alert.name}` };
  const names = [...new Set(candidates.map((a) => a.name))].join(', ') || 'none';
  return { playbook: fallback, reason: `no playbook matches the alerts (${names}): general investigation ${fallback.name}` };
}

function rank(playbook: Playbook): number {
  // Priority dominates; specificity breaks ties (it is never above 100).
  return playbook.priority * 1000 + specificity(playbook.match!);
}
