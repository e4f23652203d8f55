/**
 * `get_server_info` with the anomaly watcher's counters: the tool as mcp/tools defines it, plus an
 * `anomalyWatch` field (pushed, failed, episodes open...) and one line of text. When the watcher is
 * off, the field says so and how to turn it on.
 */
import { z } from 'zod';
import { defineTool, type getServerInfo } from '../tools/index.js';
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

const anomalyWatchOutput = z
  .looseObject({
    enabled: z.boolean(),
    pushed: z.number(),
    failed: z.number(),
    episodesOpen: z.number(),
  })
  .describe('The anomaly watcher: alerts pushed to the agent, given up, episodes open, per-watch status');

export function withAnomalyWatch(tool: typeof getServerInfo, status: (() => AnomalyWatchStatus) | undefined) {
  return defineTool({
    ...tool,
    description: `${tool.description} With --anomaly-webhook, also the anomaly watcher's counters (alerts pushed, failed, episodes open).`,
    output: { ...tool.output, anomalyWatch: anomalyWatchOutput },
    async run(args, ctx) {
      const info = await tool.run(args, ctx);
      const watch = status ? status() : anomalyWatchOff;
      const line = watch.enabled
        ? `anomaly alerts to ${watch.webhook}: ${watch.pushed} pushed, ${watch.failed} failed, ${watch.pending} pending, ${watch.episodesOpen} episodes open; ${watch.watches.length} watches every ${watch.intervalSeconds}s (${watch.runs} runs)`
        : 'anomaly alerts: off (start with --anomaly-webhook URL)';
      return { structured: { ...info.structured, anomalyWatch: watch }, text: `${info.text}\n${line}` };
    },
  });
}
