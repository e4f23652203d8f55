/**
 * What the exporters read from the simulation: the object store (kube-state-metrics, the API server),
 * the container runtime (cAdvisor, the kubelet), the traffic model (each service's /metrics) and the
 * nodes' kernel counters (node-exporter). One interface, so the exporters never see the whole model.
 */
import type { ObjectStore } from '../cluster/store.js';
import type { ContainerRuntimeModel, NodeTraffic } from '../workload/runtime.js';
import type { TrafficModel } from '../workload/traffic.js';

/** A node's kernel counters and gauges, as /proc and statfs report them. */
export interface NodeCounters {
  /** Epoch seconds the node booted. */
  bootTime: number;
  cpuSecondsByMode: Record<string, number>[];
  load1: number;
  load5: number;
  load15: number;
  filesystemAvailBytes: number;
  filesystemSizeBytes: number;
  filesystemFiles: number;
  filesystemFilesFree: number;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  memoryFreeBytes: number;
  memoryCachedBytes: number;
  contextSwitchesTotal: number;
  interruptsTotal: number;
  forksTotal: number;
  pageFaultsTotal: number;
  majorPageFaultsTotal: number;
  oomKillsTotal: number;
  diskReadBytesTotal: number;
  diskWrittenBytesTotal: number;
  diskReadsTotal: number;
  diskWritesTotal: number;
  diskIoSecondsTotal: number;
  /** The node's own traffic on eth0 (kubelet, agents, SSM); its pods' traffic is `podTraffic`. */
  networkRxBytesTotal: number;
  networkTxBytesTotal: number;
  networkRxPacketsTotal: number;
  networkTxPacketsTotal: number;
  podTraffic: NodeTraffic;
}

export interface ExpositionSource {
  readonly now: number;
  store: ObjectStore;
  runtime: ContainerRuntimeModel;
  traffic: TrafficModel;
  nodeCounters(node: string): NodeCounters | undefined;
}
