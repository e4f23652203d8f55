/**
 * Timing profiles of the local target. `realistic` follows what an EKS cluster with AMP and Container
 * Insights would show (scrape every 30 s, alerts pending for minutes); `fast` compresses everything into
 * seconds for CI and rehearsals. The same alert rules and dynamics serve both: only these numbers differ.
 */
export type ProfileName = 'realistic' | 'fast';

export interface TimingProfile {
  name: ProfileName;
  /** Prometheus scrape_interval and evaluation_interval. */
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  /** Window of rate()/increase() in alert rules; at least 4 scrapes. */
  rateWindow: string;
  /** `for:` of alert rules, by urgency. */
  alertFor: { critical: string; warning: string };
  /** Alertmanager grouping. */
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  /** Step of the backfilled history (seconds) and its length (hours). */
  historyStepSeconds: number;
  historyHours: number;
  /** Simulation tick (simulated seconds per step). */
  tickSeconds: number;
  /** Default ramp of a StressChaos memory stressor without `time` (the leak speed). */
  defaultLeakRamp: string;
  /** kubelet --eviction-pressure-transition-period. */
  evictionPressureTransitionSeconds: number;
  /** kubelet housekeeping interval between two evictions. */
  evictionIntervalSeconds: number;
}

export const profiles: Record<ProfileName, TimingProfile> = {
  realistic: {
    name: 'realistic',
    scrapeIntervalSeconds: 30,
    evaluationIntervalSeconds: 30,
    rateWindow: '5m',
    alertFor: { critical: '2m', warning: '5m' },
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
    historyStepSeconds: 30,
    historyHours: 6,
    tickSeconds: 1,
    defaultLeakRamp: '10m',
    evictionPressureTransitionSeconds: 300,
    evictionIntervalSeconds: 10,
  },
  fast: {
    name: 'fast',
    scrapeIntervalSeconds: 2,
    evaluationIntervalSeconds: 2,
    rateWindow: '30s',
    alertFor: { critical: '6s', warning: '10s' },
    groupWait: '1s',
    groupInterval: '5s',
    repeatInterval: '1h',
    historyStepSeconds: 30,
    historyHours: 6,
    tickSeconds: 1,
    defaultLeakRamp: '45s',
    evictionPressureTransitionSeconds: 15,
    evictionIntervalSeconds: 2,
  },
};

export function resolveProfile(name: string | undefined): TimingProfile {
  const key = (name ?? 'realistic') as ProfileName;
  const profile = profiles[key];
  if (!profile) throw new Error(`unknown profile "${name}" (expected one of: ${Object.keys(profiles).join(', ')})`);
  return profile;
}
