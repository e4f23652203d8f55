/**
 * Prometheus: backfilled with the simulation's history, scraping the simulation, evaluating the kit's
 * alert rules and the standard (kube-prometheus) rules, and notifying the stack's Alertmanager. Ready means serving with everything in place: rules
 * loaded, Alertmanager discovered, and every simulation job scraped successfully at least once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { backfill, holdsHistory, type HistorySource } from '../backfill.js';
import { loopbackUrl } from '../config.js';
import { probeJson, prometheusApi } from '../http.js';
import { launchDetached } from '../processes.js';
import { prometheusArgs, renderPrometheusConfig, simulationPoolNames } from '../prometheus-config.js';
import { compactNumber } from '../progress.js';
import { renderAlertRules, ruleGroupNames } from '../rules.js';
import { renderStandardRules, standardRuleGroupNames } from '../standard-rules.js';
import type { Component } from './component.js';

export const prometheus: Component = {
  name: 'prometheus',
  reportAs: 'prometheusUrl',
  startsAfter: ['simulation', 'alertmanager'],
  restartsWith: ['simulation'],
  ports: (ports) => [ports.prometheus],
  url: (ports) => loopbackUrl(ports.prometheus),
  startingText: () => 'starting',

  async start(ctx) {
    const { paths } = ctx;
    mkdirSync(dirname(paths.rulesFile), { recursive: true });
    writeFileSync(paths.rulesFile, renderAlertRules(ctx.profile));
    writeFileSync(paths.standardRulesFile, renderStandardRules(ctx.profile));
    writeFileSync(paths.prometheusConfig, renderPrometheusConfig(ctx.profile, ctx.ports, paths));

    const history = ctx.state.components.simulation?.info as HistorySource | undefined;
    if (!history?.historyFile) throw new Error('the simulation has not reported its history file; it must be ready before Prometheus starts');
    if (!holdsHistory(paths.prometheusData, history)) {
      const step = ctx.progress.begin('prometheus', `backfilling ${ctx.profile.historyHours} h of history`);
      try {
        const result = await backfill(ctx.binaries.promtool, history, paths.prometheusData, ctx.signal);
        step.done(`${compactNumber(result.samples)} samples, ${result.series} series, ${result.blocks} blocks in ${result.seconds.toFixed(1)} s`);
      } catch (error) {
        step.fail();
        throw error;
      }
    }
    return launchDetached({ command: ctx.binaries.prometheus, args: prometheusArgs(ctx.ports, paths), log: paths.log('prometheus') });
  },

  async isReady(ctx) {
    const base = loopbackUrl(ctx.ports.prometheus);
    const ready = await probeJson(`${base}/-/ready`, 2_000, ctx.signal);
    if (ready.status !== 200) return { ready: false, detail: ready.error ?? 'loading its TSDB' };

    const rules = await prometheusApi<{ groups: { name: string }[] }>(base, '/api/v1/rules', ctx.signal);
    const loaded = new Set(rules?.groups.map((g) => g.name));
    const missingGroups = [...ruleGroupNames(), ...standardRuleGroupNames()].filter((name) => !loaded.has(name));
    if (!rules || missingGroups.length) return { ready: false, detail: `alert rule groups not loaded: ${missingGroups.join(', ') || 'all'}` };

    const managers = await prometheusApi<{ activeAlertmanagers: unknown[] }>(base, '/api/v1/alertmanagers', ctx.signal);
    if (!managers?.activeAlertmanagers.length) return { ready: false, detail: 'Alertmanager not discovered yet' };

    // The targets API, not the `up` series: the backfilled history has `up` samples of its own.
    const targets = await prometheusApi<{ activeTargets: { scrapePool: string; health: string; lastError?: string }[] }>(base, '/api/v1/targets?state=active', ctx.signal);
    const active = targets?.activeTargets ?? [];
    const undiscovered = simulationPoolNames.filter((job) => !active.some((t) => t.scrapePool === job));
    if (undiscovered.length) return { ready: false, detail: `no targets discovered yet for ${undiscovered.join(', ')}` };
    const failing = simulationPoolNames.filter((job) => active.filter((t) => t.scrapePool === job).every((t) => t.health === 'down'));
    if (failing.length) return { ready: false, detail: `every target of ${failing.join(', ')} fails to scrape: ${active.find((t) => t.health === 'down')?.lastError ?? ''}` };
    // With second-long intervals, also wait for a live scrape of each job. With EKS-like 30 s intervals
    // Prometheus spreads first scrapes over the interval; the backfilled history already answers queries.
    if (ctx.profile.scrapeIntervalSeconds <= 5) {
      const unscraped = simulationPoolNames.filter((job) => !active.some((t) => t.scrapePool === job && t.health === 'up'));
      if (unscraped.length) return { ready: false, detail: `no successful scrape yet of ${unscraped.join(', ')}` };
    }
    return { ready: true };
  },

  // TSDB load, then service discovery (scrape pools update every 5 s) and a first scrape, which
  // Prometheus spreads over one scrape interval.
  readyTimeoutMs: (profile) => 60_000 + 2 * profile.scrapeIntervalSeconds * 1000,
};
