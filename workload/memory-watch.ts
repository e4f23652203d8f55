/**
 * The container's memory as its cgroup counts it (what cAdvisor reports as the working set, and what
 * the OOM killer acts on), read every few seconds: when it passes 85% of the limit, the role logs its
 * runtime's "memory high" warning, as the simulation's services do. A memory stressor (Chaos Mesh
 * StressChaos, FIS pod-memory-stress) runs in the same cgroup, so the warning comes before the OOM kill.
 */
import { readFileSync } from 'node:fs';

export interface CgroupMemory {
  /** Usage less inactive file cache: cAdvisor's container_memory_working_set_bytes. */
  workingSetBytes: number;
  /** The container's memory limit; absent when it has none. */
  limitBytes?: number;
}

/** Above this share of the limit the role warns. */
export const MEMORY_WARNING_SHARE = 0.85;

type ReadText = (path: string) => string | undefined;

const readIfPresent: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Reads cgroup v2 (`memory.current`, `memory.max`), else v1; undefined outside a container's cgroup. */
export function readCgroupMemory(read: ReadText = readIfPresent): CgroupMemory | undefined {
  const v2 = read('/sys/fs/cgroup/memory.current');
  if (v2 !== undefined) {
    const usage = Number(v2.trim());
    const max = read('/sys/fs/cgroup/memory.max')?.trim();
    const inactive = statField(read('/sys/fs/cgroup/memory.stat'), 'inactive_file');
    return { workingSetBytes: Math.max(0, usage - inactive), ...(max && max !== 'max' ? { limitBytes: Number(max) } : {}) };
  }
  const v1 = read('/sys/fs/cgroup/memory/memory.usage_in_bytes');
  if (v1 === undefined) return undefined;
  const usage = Number(v1.trim());
  const limit = Number(read('/sys/fs/cgroup/memory/memory.limit_in_bytes')?.trim());
  const inactive = statField(read('/sys/fs/cgroup/memory/memory.stat'), 'total_inactive_file');
  // cgroup v1 writes "no limit" as a huge number (PAGE_COUNTER_MAX pages).
  return { workingSetBytes: Math.max(0, usage - inactive), ...(limit > 0 && limit < 2 ** 60 ? { limitBytes: limit } : {}) };
}

function statField(text: string | undefined, field: string): number {
  const match = text ? new RegExp(`^${field} (\\d+)$`, 'm').exec(text) : null;
  return match ? Number(match[1]) : 0;
}

/** Whether the working set is close enough to the limit to warn. */
export function memoryHigh(memory: CgroupMemory | undefined): memory is CgroupMemory & { limitBytes: number } {
  return memory?.limitBytes !== undefined && memory.workingSetBytes > MEMORY_WARNING_SHARE * memory.limitBytes;
}
