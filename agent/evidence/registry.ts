/**
 * The evidence sources the agent knows. Adding one is its adapter file with its entry
 * (`defineEvidenceSource`, see source.ts), its EvidenceSources slot in ports.ts, and a line here.
 */
import { cloudwatchSource } from './cloudwatch.js';
import { kubernetesSource } from './kubernetes-source.js';
import { metricsSource } from './metrics-fallback.js';
import type { EvidenceSourceEntry } from './source.js';
import { tracesSource } from './xray.js';

export const evidenceSourceRegistry: readonly EvidenceSourceEntry[] = [metricsSource, kubernetesSource, tracesSource, cloudwatchSource];
