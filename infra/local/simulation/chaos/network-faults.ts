/**
 * Network faults on pods (from NetworkChaos), read by the traffic model: extra latency on what the pod
 * sends and a share of lost packets (which TCP turns into retransmission delays and some timeouts).
 */
export interface NetworkFault {
  delaySeconds: number;
  jitterSeconds: number;
  lossFraction: number;
  source: string;
}

export class NetworkFaults {
  private readonly byPod = new Map<string, NetworkFault[]>();

  add(podUid: string, fault: NetworkFault): void {
    this.byPod.set(podUid, [...(this.byPod.get(podUid) ?? []).filter((f) => f.source !== fault.source), fault]);
  }

  remove(podUid: string, source: string): void {
    const left = (this.byPod.get(podUid) ?? []).filter((f) => f.source !== source);
    if (left.length) this.byPod.set(podUid, left);
    else this.byPod.delete(podUid);
  }

  /** Combined fault on a pod (delays add up, losses compound). */
  of(podUid: string): NetworkFault | undefined {
    const faults = this.byPod.get(podUid);
    if (!faults?.length) return undefined;
    return faults.reduce((acc, f) => ({
      delaySeconds: acc.delaySeconds + f.delaySeconds,
      jitterSeconds: acc.jitterSeconds + f.jitterSeconds,
      lossFraction: 1 - (1 - acc.lossFraction) * (1 - f.lossFraction),
      source: acc.source ? `${acc.source},${f.source}` : f.source,
    }), { delaySeconds: 0, jitterSeconds: 0, lossFraction: 0, source: '' });
  }
}
