/**
 * How long each phase may take before the run gives up, how often it looks, and how long the symptom
 * must stay gone, per timing profile. `fast` follows the local target's fast profile (scrapes every 2 s,
 * alerts pending for seconds) but leaves the agent its own verification time (a minute of hold, rate
 * windows of minutes), which dominates a fast run.
 */
export interface RunTimings {
  pollMs: number;
  /** Fault in -> the agent has an incident. */
  detectSeconds: number;
  /** Incident -> root cause. */
  investigateSeconds: number;
  /** Root cause -> approval, when a human approves (auto-approval takes one poll). */
  approveSeconds: number;
  /** Approval -> actions executed. */
  remediateSeconds: number;
  /** Actions executed -> incident resolved and symptom gone. */
  verifySeconds: number;
  /** The runner's own check: the symptom must stay gone this long. */
  holdSeconds: number;
  /** The fault's own `duration`: Chaos Mesh removes it after this even if the runner dies. */
  safetyTimeoutSeconds: number;
  /**
   * The alerts' look-back (the target profile's rate window). Before injecting, every application pod
   * must be at least this old, so a pod that a previous run's restore just started has a whole window
   * of metrics: the baseline is real and the alerts judge a leak, not a warm-up.
   */
  metricsWindowSeconds: number;
  /** After cleanup, how long to wait for the target to be healthy again. */
  settleSeconds: number;
  /** Step of the key-metric chart. */
  chartStepSeconds: number;
}

export const runTimings: Record<'fast' | 'realistic', RunTimings> = {
  fast: {
    pollMs: 1_000,
    detectSeconds: 240,
    investigateSeconds: 180,
    approveSeconds: 900,
    remediateSeconds: 240,
    verifySeconds: 720,
    holdSeconds: 10,
    metricsWindowSeconds: 30,
    safetyTimeoutSeconds: 30 * 60,
    settleSeconds: 240,
    chartStepSeconds: 2,
  },
  realistic: {
    pollMs: 5_000,
    detectSeconds: 20 * 60,
    investigateSeconds: 10 * 60,
    approveSeconds: 30 * 60,
    remediateSeconds: 10 * 60,
    verifySeconds: 20 * 60,
    holdSeconds: 60,
    metricsWindowSeconds: 5 * 60,
    safetyTimeoutSeconds: 90 * 60,
    settleSeconds: 10 * 60,
    chartStepSeconds: 15,
  },
};
