import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryHigh, readCgroupMemory } from './memory-watch.js';

const files = (entries: Record<string, string>) => (path: string) => entries[path];
const MiB = 2 ** 20;

test('cgroup v2: the working set is usage less inactive file cache, under memory.max', () => {
  const memory = readCgroupMemory(files({ '/sys/fs/cgroup/memory.current': `${300 * MiB}\n`, '/sys/fs/cgroup/memory.max': `${512 * MiB}\n`, '/sys/fs/cgroup/memory.stat': `anon 1\ninactive_file ${20 * MiB}\nactive_file 5\n` }));
  assert.equal(memory, { workingSetBytes: 280 * MiB, limitBytes: 512 * MiB });
  assert.equal(readCgroupMemory(files({ '/sys/fs/cgroup/memory.current': '100', '/sys/fs/cgroup/memory.max': 'max\n' })), { workingSetBytes: 100 });
});

test('cgroup v1: the same from memory.usage_in_bytes, and no limit when it is the kernel\'s "unlimited"', () => {
  const v1 = (limit: string) => files({ '/sys/fs/cgroup/memory/memory.usage_in_bytes': `${200 * MiB}`, '/sys/fs/cgroup/memory/memory.limit_in_bytes': limit, '/sys/fs/cgroup/memory/memory.stat': `total_inactive_file ${10 * MiB}\n` });
  assert.equal(readCgroupMemory(v1(`${256 * MiB}`)), { workingSetBytes: 190 * MiB, limitBytes: 256 * MiB });
  assert.equal(readCgroupMemory(v1('9223372036854771712')), { workingSetBytes: 190 * MiB });
  assert.is(readCgroupMemory(files({})), undefined, 'outside a container cgroup');
});

test('the warning is due above 85% of the limit, never without a limit', () => {
  assert.ok(memoryHigh({ workingSetBytes: 436 * MiB, limitBytes: 512 * MiB }));
  assert.not.ok(memoryHigh({ workingSetBytes: 435 * MiB, limitBytes: 512 * MiB }));
  assert.not.ok(memoryHigh({ workingSetBytes: 10_000 * MiB }));
  assert.not.ok(memoryHigh(undefined));
});

test.run();
