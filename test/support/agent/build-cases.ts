/**
 * Builds the replay suite (test/cases/) by running every fault of the list below in a simulated world
 * (simulated-world.ts) and recording the investigation of its alert (record-case.ts). Re-run after a
 * change to the steps' queries (the recorded calls must match what the steps ask):
 *
 *   npx tsx test/support/agent/build-cases.ts [name-filter...]
 *
 * then re-fit the confidence calibration (npx tsx test/support/agent/calibrate.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CASES_DIR } from './cases.js';
import { faults, type FaultSpec } from './faults.js';
import { recordCase } from './record-case.js';
import { buildWorld } from './simulated-world.js';

/** The suite: each fault on several targets and seeds, two concurrent faults, and a false alarm. */
export function suite(): { fault: FaultSpec; seed: number }[] {
  return [
    { fault: faults.memoryLeak('petlistadoptions'), seed: 101 },
    { fault: faults.memoryLeak('pethistory', 'ContainerOOMKilled'), seed: 102 },
    { fault: faults.memoryLeak('petsearch'), seed: 103 },
    { fault: faults.cpuThrottling('payforadoption'), seed: 201 },
    { fault: faults.cpuThrottling('petlistadoptions', 80), seed: 202 },
    { fault: faults.latencyFromCpu('petsearch'), seed: 301 },
    { fault: faults.latencyFromCpu('payforadoption'), seed: 302 },
    { fault: faults.networkDelay('petsearch', '1200ms'), seed: 401 },
    { fault: faults.networkDelay('pethistory', '1500ms'), seed: 402 },
    { fault: faults.networkTimeouts('payforadoption'), seed: 403 },
    { fault: faults.crashLoop('petsite'), seed: 501 },
    { fault: faults.crashLoop('petlistadoptions'), seed: 502 },
    { fault: faults.crashLoop('pethistory'), seed: 503 },
    { fault: faults.badDeployment('petsearch'), seed: 601 },
    { fault: faults.badDeployment('payforadoption'), seed: 602 },
    { fault: faults.nodePressure(2), seed: 701 },
    { fault: faults.nodePressure(0), seed: 702 },
    { fault: faults.concurrent(faults.memoryLeak('petlistadoptions'), faults.cpuThrottling('payforadoption')), seed: 801 },
    { fault: faults.concurrent(faults.cpuThrottling('payforadoption'), faults.memoryLeak('petlistadoptions')), seed: 802 },
    { fault: faults.falseAlarm('petsite'), seed: 901 },
    { fault: faults.falseAlarm('petsearch'), seed: 902 },
  ];
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  for (const { fault, seed } of suite()) {
    if (filters.length && !filters.some((f) => fault.name.includes(f))) continue;
    const started = Date.now();
    const world = await buildWorld(fault, { seed });
    try {
      const dir = join(CASES_DIR, fault.name);
      rmSync(dir, { recursive: true, force: true });
      const { rootCause } = await recordCase({
        name: fault.name,
        description: fault.description,
        tags: fault.tags,
        alerts: world.alerts,
        at: world.at,
        evidence: world.evidence,
        expected: world.expected,
        dir,
        recordedWith: { simulation: 'infra/local/simulation/simulation.ts', seed, injectedAt: new Date(world.injectedAt).toISOString(), builder: 'test/support/agent/build-cases.ts' },
      });
      const rc = rootCause as { kind: string; target: { name: string }; confidence: number } | undefined;
      process.stdout.write(`${fault.name}: ${rc?.kind} ${rc?.target.name} ${rc?.confidence} (expected ${world.expected.kind} ${world.expected.target.name}) in ${Date.now() - started} ms\n`);
    } finally {
      await world.close();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`build-cases: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
