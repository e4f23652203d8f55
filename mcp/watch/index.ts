/**
 * The anomaly watcher: watched PromQL series judged by the anomaly detectors every interval, new
 * episodes (and their ends) pushed to the agent's `POST /webhooks/anomaly` (docs/api/anomaly-alerts.md).
 * Off unless the server is started with `--anomaly-webhook URL`. See docs/mcp.md, "Anomaly alerts to
 * the agent".
 */
export { AnomalyWatcher, limitLookup, type AnomalyWatchOptions, type AnomalyWatcherDependencies, type AnomalyWatchStatus, type WatchStatus } from './watcher.js';
export { loadWatchList, parseWatchList, WatchListError, type Watch, type WatchList, type WatchInput, type WatchListInput } from './watch-list.js';
export { petAdoptionWatchList, petAdoptionWatchListInput } from './default-watch-list.js';
export { AnomalyWebhook, defaultWebhookPolicy, redactUrl, retryDelay, type WebhookPolicy, type WebhookStats } from './webhook.js';
export { EpisodeTracker, type Episode, type EpisodeEvent } from './episodes.js';
export { BaselineWindow, seriesKey } from './baseline-window.js';
export { firingPayload, resolvedPayload, summaryOf, type AnomalyAlertPayload, type Origin } from './payload.js';
export { anomalyWatchOff, anomalyWatchLine, type AnomalyWatchOff } from './server-info.js';
