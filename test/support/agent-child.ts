/**
 * A real agent process for the restart test (test/agent-restart.e2e.test.ts): the real composition
 * (createAgent, SQLite file, HTTP API, workers) with stub step handlers. Every real cluster write is
 * appended to a file, so writes of every process that ever ran are counted. With HANG_AFTER_WRITE=1 the
 * remediate step hangs right after its write, waiting to be killed.
 *
 *   node --import tsx test/support/agent-child.ts DATA_DIR PLAYBOOK_DIR
 * prints `listening <url>` when serving and `wrote <target>` after each cluster write.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent } from '../../agent/app.js';
import { FakeCluster, RecordingNotifier, StubWorld, stubHandlers, testConfig } from './agent/workflow-testkit.js';
import { createLogger } from '../../core/log.js';

const [dataDir, playbooks] = process.argv.slice(2) as [string, string];
const world = new StubWorld();
const cluster = new FakeCluster();
const record = cluster.patchDeployment.bind(cluster);
cluster.patchDeployment = async (namespace, name, patch, options) => {
  const result = await record(namespace, name, patch, options);
  if (!options.dryRun) {
    appendFileSync(join(dataDir, 'cluster-writes.log'), `${namespace}/${name}\n`);
    process.stdout.write(`wrote ${namespace}/${name}\n`);
  }
  return result;
};
if (process.env.HANG_AFTER_WRITE === '1') world.afterWrite = () => new Promise<never>(() => undefined);

const agent = await createAgent(testConfig({ sqlitePath: join(dataDir, 'agent.sqlite'), dataDir, playbookDirs: [playbooks], autoApprove: true, concurrency: 2 }), {
  log: createLogger('agent-child', { sink: () => undefined }),
  stepHandlers: stubHandlers(world),
  evidence: {},
  cluster,
  notifier: new RecordingNotifier(),
  pollIntervalMs: 20,
});
await agent.start();
process.stdout.write(`listening ${agent.url}\n`);
process.once('SIGTERM', () => void agent.stop({ graceMs: 1_000 }).then(() => process.exit(0)));
