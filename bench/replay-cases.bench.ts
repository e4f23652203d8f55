/**
 * `npm run bench -- replay-cases`: how long one recorded case (test/cases/<name>) takes to replay
 * offline through the playbook, the steps and the analysis: the speed that lets the RCA suite run on
 * every change (target < 500 ms per case). The unit test (agent/analysis/replay.test.ts) checks what
 * each case concludes; this measures how fast.
 */
import { investigateCase, loadCases } from '../test/support/agent/cases.js';
import { percentile, type Benchmark } from './harness.js';

const targetMs = 500;

const benchmark: Benchmark = {
  name: 'replay-cases',
  description: `replay of every recorded RCA case (target < ${targetMs} ms per case)`,
  async run({ log }) {
    const cases = loadCases();
    const times: number[] = [];
    for (const c of cases) {
      const started = performance.now();
      await investigateCase(c);
      const ms = performance.now() - started;
      times.push(ms);
      log(`${c.name}: ${ms.toFixed(0)} ms`);
    }
    const slowest = Math.max(...times);
    return [
      { name: `replay, slowest of ${cases.length} cases`, value: slowest, unit: 'ms', target: `< ${targetMs} ms`, pass: slowest < targetMs },
      { name: 'replay, median case', value: percentile(times, 50), unit: 'ms' },
    ];
  },
};

export default benchmark;
