/**
 * Traces of the local target: an AWS X-Ray API subset (GetTraceSummaries, BatchGetTraces,
 * GetServiceGraph) over traces recorded from the simulated cluster's traffic.
 */
export { TraceRecorder, type RecorderStats, type TraceRecorderOptions } from './recorder.js';
export { createXRayApi, type XRayApiOptions } from './api.js';
export { DEFAULT_SAMPLING, type SamplingRules } from './sampling.js';
