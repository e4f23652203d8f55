/**
 * How the anomaly watcher shows in `get_server_info`: an `anomalyWatch` field (pushed, failed,
 * episodes open...) and one line of text. The tool (mcp/tools/discovery.ts) reads the running
 * watcher's status through its ServerFacts; when the watcher is off, the field says so and how to
 * turn it on.
 */
import { z } from 'zod';
import type { AnomalyWatchStatus } from './watcher.js';

export interface AnomalyWatchOff {
  enabled: false;
  pushed: 0;
  failed: 0;
  episodesOpen: 0;
  hint: string;
}

export const anomalyWatchOff: AnomalyWatchOff = {
  enabled: false,
  pushed: 0,
  failed: 0,
  episodesOpen: 0,
  hint: 'anomaly alerts are off; start the server with --anomaly-webhook URL (the agent\'s /webhooks/anomaly) to push them',
};

export const anomalyWatchOutput = z
  .looseObject({
    enabled: z.boolean(),
    pushed: z.number(),
    failed: z.number(),
    episodesOpen: z.number(),
  })
  .describe('The anomaly watcher: alerts pushed to the agent, given up, episodes open, per-watch status');

/** The watcher's counters in one line of get_server_info's text. */
export function anomalyWatchLine(watch: AnomalyWatchStatus | AnomalyWatchOff): string {
  return watch.enabled
    ? `anomaly alerts to ${watch.webhook}: ${watch.pushed} pushed, ${watch.failed} failed, ${watch.pending} pending, ${watch.episodesOpen} episodes open; ${watch.watches.length} watches every ${watch.intervalSeconds}s (${watch.runs} runs)`
    : 'anomaly alerts: off (start with --anomaly-webhook URL)';
}
