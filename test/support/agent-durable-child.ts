/**
 * A real agent process for the durability tests (test/security/durability.test.ts): the real
 * composition (createAgent, the SQLite file, the HTTP API, workers), stub evidence, analysis and
 * verification, and the REAL remediate step executing real actions through the Kubernetes API of a
 * simulation the test serves (its kubeconfig file is given). Each real write is counted by that API.
 *
 *   node --import tsx test/support/agent-durable-child.ts DATA_DIR PLAYBOOK_DIR KUBECONFIG_FILE
 *
 * prints `listening <url>` when serving, `entered <kind>` when a step starts, `wrote <target>` after a
 * real cluster write. Environment:
 *   HANG_IN=<kind>       that step hangs (the test kills the process there)
 *   HANG_AFTER_WRITE=1   the real write goes through, then the process hangs before recording it
 *   AUTO_APPROVE=1       every proposed action is approved at once
 *   TWO_ACTIONS=1        recommend proposes a low-risk restart (approved by policy) and a limit raise
 *                        that needs a person
 *   CAP_DATABASE=1       the database may not grow (a full disk); SIGUSR2 lifts the cap
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { createAgent } from '../../agent/app.js';
import { KubernetesClusterWriter } from '../../agent/evidence/cluster-writer.js';
import type { ClusterWriter } from '../../agent/ports.js';
import { remediateStep } from '../../agent/steps/remediate.js';
import { SqliteWorkQueue } from '../../agent/queue/sqlite-queue.js';
import { openSqlite, SqliteStateStore } from '../../agent/store/sqlite-store.js';
import { defineStep, type StepHandler } from '../../agent/workflow/step.js';
import { systemClock } from '../../core/clock.js';
import { createLogger } from '../../core/log.js';
import { testCredentials } from './agent/test-credentials.js';
import { RecordingNotifier, StubWorld, stubHandlers, testConfig } from './agent/workflow-testkit.js';

const [dataDir, playbooks, kubeconfigPath] = process.argv.slice(2) as [string, string, string];
const say = (line: string) => process.stdout.write(`${line}\n`);

const world = new StubWorld();
const enter = world.enter.bind(world);
world.enter = async (kind, context) => {
  say(`entered ${kind}`);
  return enter(kind, context);
};
if (process.env.HANG_IN) world.behaviour[process.env.HANG_IN] = { mode: 'hang' };

const real = new KubernetesClusterWriter({ kubeconfig: readFileSync(kubeconfigPath, 'utf8'), sleep: async () => undefined });
const hangAfterWrite = process.env.HANG_AFTER_WRITE === '1';
const cluster: ClusterWriter = Object.assign(Object.create(real) as ClusterWriter, {
  async patchDeployment(namespace: string, name: string, patch: unknown, options: { dryRun: boolean; patchType: 'merge' | 'strategic' | 'json' }) {
    const result = await real.patchDeployment(namespace, name, patch, options);
    if (!options.dryRun) {
      say(`wrote ${namespace}/${name}`);
      if (hangAfterWrite) await new Promise<never>(() => undefined);
    }
    return result;
  },
});

const twoActions = defineStep({
  kind: 'recommend',
  description: 'stub: a policy-approved restart and a limit raise that needs a person',
  params: z.object({ requiresApproval: z.boolean().optional() }).strict(),
  async run(context) {
    await world.enter('recommend', context);
    const target = { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petsite' };
    const restart = context.proposeAction({ kind: 'rollout-restart', target, params: {}, rationale: 'relief', risk: 'low', requiresApproval: false, rollback: { description: 'none' } });
    const raise = context.proposeAction({ kind: 'raise-limits', target, params: { resource: 'memory', factor: 1.5 }, rationale: 'headroom', risk: 'medium', requiresApproval: true, rollback: { description: 'set it back' } });
    return { proposed: [restart.id, raise.id] };
  },
});
const handlers: StepHandler[] = stubHandlers(world).map((h) => (h.kind === 'remediate' ? (remediateStep as StepHandler) : h.kind === 'recommend' && process.env.TWO_ACTIONS === '1' ? twoActions : h));

const sqlitePath = join(dataDir, 'agent.sqlite');
const db = openSqlite(sqlitePath);
const config = testConfig({ sqlitePath, dataDir, playbookDirs: [playbooks], autoApprove: process.env.AUTO_APPROVE === '1', concurrency: 2, credentials: testCredentials });
const store = new SqliteStateStore(db);
const queue = new SqliteWorkQueue(db, { clock: systemClock, maxAttempts: config.maxAttempts });
if (process.env.CAP_DATABASE === '1') {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  process.on('SIGUSR2', () => void db.pragma('max_page_count = 1073741823'));
}
const agent = await createAgent(config, {
  log: createLogger('agent-durable-child', { sink: () => undefined }),
  stepHandlers: handlers,
  evidence: {},
  cluster,
  notifier: new RecordingNotifier(),
  store,
  queue,
  pollIntervalMs: 20,
});
await agent.start();
say(`listening ${agent.url}`);
process.once('SIGTERM', () => void agent.stop({ graceMs: 1_000 }).then(() => process.exit(0)));
