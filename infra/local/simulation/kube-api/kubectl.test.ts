import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, Node, Pod, StressChaos } from '../cluster/objects.js';
import { DEPLOYMENT, NODE, POD, STRESSCHAOS } from '../cluster/resources.js';
import { renderKubeconfig } from '../../../../lib/kubernetes/kubeconfig.js';
import type { SampleApi } from '../../../../test/support/simulation/sample-cluster.js';
import { NAMESPACE_NAME, NODE_NAMES, startSampleApi, stressChaosManifest } from '../../../../test/support/simulation/sample-cluster.js';

/**
 * The real kubectl against the API: every command must succeed with nothing on stderr (no discovery,
 * OpenAPI or validation warnings), and its effects must show in the store (no controllers run here).
 */
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);

interface Context {
  api: SampleApi;
  dir: string;
  env: NodeJS.ProcessEnv;
}

const kubectl = suite<Context>('kubectl');

kubectl.before(async (context) => {
  if (!existsSync(KUBECTL)) throw new Error(`kubectl not found at ${KUBECTL}; install kubectl 1.31+ or point KUBECTL at one`);
  context.api = await startSampleApi();
  context.dir = mkdtempSync(join(tmpdir(), 'kube-api-kubectl-'));
  const kubeconfig = join(context.dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: context.api.url, token: 'unused-over-http', clusterName: 'petadoptions-local', namespace: NAMESPACE_NAME }));
  context.env = { PATH: process.env.PATH, HOME: context.dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(context.dir, 'cache') };
});

kubectl.after(async (context) => {
  await context.api.close();
  rmSync(context.dir, { recursive: true, force: true });
});

async function k(context: Context, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run(KUBECTL, args, { env: context.env, timeout: 20_000 });
  assert.is(stderr, '', `stderr of kubectl ${args.join(' ')}`);
  return stdout;
}

const rows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));

kubectl('get pods, -o wide, -o json, nodes and events print what kubectl prints against EKS', async (context) => {
  const crashingName = context.api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'payforadoption')!.metadata.name;
  // Read-only commands run side by side: each kubectl start costs a few hundred milliseconds.
  const [podsText, wideText, jsonText, allText, nodesText, eventsText, workloads, described] = await Promise.all([
    k(context, 'get', 'pods', '-n', NAMESPACE_NAME),
    k(context, 'get', 'pods', '-o', 'wide'),
    k(context, 'get', 'pods', '-o', 'json'),
    k(context, 'get', 'pods', '-A'),
    k(context, 'get', 'nodes'),
    k(context, 'get', 'events', '--field-selector', `involvedObject.name=${crashingName}`),
    k(context, 'get', 'deploy,rs,pdb'),
    k(context, 'describe', 'pod', crashingName),
  ]);
  const pods = rows(podsText);
  assert.equal(pods[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.is(pods.length, 6);
  const crashing = pods.find((r) => r[0] === crashingName)!;
  assert.equal(crashing.slice(1), ['0/1', 'CrashLoopBackOff', '3 (45s ago)', '47h']);

  const wide = rows(wideText);
  assert.equal(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.ok(wide.slice(1).every((r) => NODE_NAMES.includes(r[6]!)));

  const json = JSON.parse(jsonText);
  assert.is(json.kind, 'List');
  assert.is(json.items.length, 5);
  assert.is(json.items[0].kind, 'Pod');

  const all = rows(allText);
  assert.is(all[0]![0], 'NAMESPACE');
  assert.ok(all.some((r) => r[0] === 'kube-system'));

  const nodes = rows(nodesText);
  assert.equal(nodes[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  assert.equal(nodes.slice(1).map((r) => r[1]), ['Ready', 'Ready', 'Ready']);

  const events = rows(eventsText);
  assert.equal(events[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  assert.equal(events[1]!.slice(1, 4), ['Warning', 'BackOff', `pod/${crashingName}`]);

  assert.match(workloads, /deployment\.apps\/petsite\s+2\/2\s+2\s+2\s+30d/);
  assert.match(workloads, /poddisruptionbudget\.policy\/petsite-pdb\s+1\s+N\/A\s+1/);
  assert.match(described, /Back-off restarting failed container/);
});

kubectl('top pods, top pods -A, top nodes and top pod --containers read metrics.k8s.io', async (context) => {
  const [podsText, allText, nodesText, containersText] = await Promise.all([
    k(context, 'top', 'pods', '-n', NAMESPACE_NAME),
    k(context, 'top', 'pods', '-A'),
    k(context, 'top', 'nodes'),
    k(context, 'top', 'pod', '--containers'),
  ]);
  const pods = rows(podsText);
  assert.equal(pods[0], ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  assert.equal(pods[1]!.slice(1), ['12m', '96Mi']);
  assert.is(rows(allText).length, 9);
  const nodes = rows(nodesText);
  assert.equal(nodes[0], ['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%']);
  assert.is(nodes.length, 4);
  assert.equal(rows(containersText)[0], ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
});

kubectl('logs of a deployment and of a previous container', async (context) => {
  const petsite = context.api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'petsite')!;
  const crashing = context.api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'payforadoption')!;
  const [one, labelled, previous] = await Promise.all([
    k(context, 'logs', petsite.metadata.name, '--tail=1'),
    k(context, 'logs', '-l', 'app=petsite', '--tail=1'),
    k(context, 'logs', crashing.metadata.name, '--previous'),
  ]);
  assert.is(one, '{"level":"info","msg":"GET /health 200","request":3,"container":"petsite"}\n');
  assert.is(labelled.split('\n').length, 3);
  assert.match(previous, /OutOfMemoryError/);
});

kubectl('scale, rollout restart, set image, rollout history and undo change the stored deployment', async (context) => {
  const deployment = () => context.api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite')!;
  assert.is((await k(context, 'scale', 'deploy/petsite', '--replicas=3')).trim(), 'deployment.apps/petsite scaled');
  assert.is(deployment().spec.replicas, 3);
  await k(context, 'rollout', 'restart', 'deploy/petsite');
  assert.ok(deployment().spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  await k(context, 'set', 'image', 'deploy/petsite', 'petsite=public.ecr.aws/petadoptions/petsite:1.6.0');
  assert.is(deployment().spec.template.spec.containers[0]!.image, 'public.ecr.aws/petadoptions/petsite:1.6.0');
  await k(context, 'set', 'resources', 'deploy/petsite', '--limits=memory=512Mi');
  assert.equal(deployment().spec.template.spec.containers[0]!.resources!.limits, { cpu: '500m', memory: '512Mi' });
  const history = rows(await k(context, 'rollout', 'history', 'deploy/petsite'));
  assert.equal(history.slice(1), [['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', '<none>']]);
  assert.match(await k(context, 'rollout', 'undo', 'deploy/petsite', '--to-revision=1'), /rolled back/);
  assert.is(deployment().spec.template.spec.containers[0]!.image, 'public.ecr.aws/petadoptions/petsite:1.4.1');
  assert.match(await k(context, 'rollout', 'status', 'deploy/petsearch', '--timeout=5s'), /successfully rolled out/);
});

kubectl('apply, create and delete -f of a StressChaos manifest with server-side field validation', async (context) => {
  const file = join(context.dir, 'stress.yaml');
  const manifest = stressChaosManifest();
  writeFileSync(file, stringify(manifest));
  assert.is((await k(context, 'apply', '-f', file)).trim(), 'stresschaos.chaos-mesh.org/petsite-memory-leak created');
  manifest.spec.duration = '5m';
  writeFileSync(file, stringify(manifest));
  assert.is((await k(context, 'apply', '-f', file)).trim(), 'stresschaos.chaos-mesh.org/petsite-memory-leak configured');
  const stored = context.api.store.get<StressChaos>(STRESSCHAOS, NAMESPACE_NAME, 'petsite-memory-leak')!;
  assert.is(stored.spec.duration, '5m');
  assert.ok(stored.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']);
  assert.match(await k(context, 'get', 'stresschaos'), /petsite-memory-leak\s+0s/);
  assert.is((await k(context, 'delete', '-f', file)).trim(), 'stresschaos.chaos-mesh.org "petsite-memory-leak" deleted');
  assert.is((await k(context, 'create', '-f', file)).trim(), 'stresschaos.chaos-mesh.org/petsite-memory-leak created');
  await k(context, 'delete', '-f', file);
  assert.is(context.api.store.get(STRESSCHAOS, NAMESPACE_NAME, 'petsite-memory-leak'), undefined);
  writeFileSync(file, stringify({ ...manifest, spec: { ...manifest.spec, mode: 'most' } }));
  const rejected = await run(KUBECTL, ['apply', '-f', file], { env: context.env }).catch((error: { stderr: string }) => error);
  assert.match((rejected as { stderr: string }).stderr, /spec\.mode: Unsupported value: "most"/);
});

kubectl('apply -f of a Deployment computes a strategic merge patch without OpenAPI warnings', async (context) => {
  const file = join(context.dir, 'canary.yaml');
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'canary', namespace: NAMESPACE_NAME },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'canary' } },
      template: { metadata: { labels: { app: 'canary' } }, spec: { containers: [{ name: 'canary', image: 'nginx:1.27', env: [{ name: 'MODE', value: 'a' }] }] } },
    },
  };
  writeFileSync(file, stringify(manifest));
  assert.is((await k(context, 'apply', '-f', file)).trim(), 'deployment.apps/canary created');
  manifest.spec.template.spec.containers[0]!.env[0]!.value = 'b';
  writeFileSync(file, stringify(manifest));
  assert.is((await k(context, 'apply', '-f', file)).trim(), 'deployment.apps/canary configured');
  const stored = context.api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'canary')!;
  assert.equal(stored.spec.template.spec.containers[0]!.env, [{ name: 'MODE', value: 'b' }]);
  assert.is(stored.metadata.generation, 2);
  assert.match(await k(context, 'apply', '-f', file, '--dry-run=server', '-o', 'name'), /deployment\.apps\/canary/);
  await k(context, 'delete', '-f', file);
});

kubectl('get -w prints the list, then each change', async (context) => {
  const child = spawn(KUBECTL, ['get', 'pods', '-w', '-l', 'app=petsearch'], { env: context.env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${stdout}`)), 10_000);
      const check = () => {
        if (pattern.test(stdout)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString();
        check();
      };
      child.stdout.on('data', onData);
      check();
    });
  try {
    await waitFor(/petsearch-\S+\s+1\/1\s+Running[\s\S]*petsearch-\S+\s+1\/1\s+Running/);
    const pod = context.api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'petsearch')!;
    await context.api.call('DELETE', `/api/v1/namespaces/${NAMESPACE_NAME}/pods/${pod.metadata.name}`);
    await waitFor(new RegExp(`${pod.metadata.name}\\s+1/1\\s+Terminating`));
    assert.is(stdout.match(/^NAME/gm)?.length, 1, 'the header is printed once');
  } finally {
    child.kill();
  }
  assert.is(stderr, '');
});

kubectl('cordon and drain evict through the eviction API, skipping DaemonSet pods', async (context) => {
  const node = NODE_NAMES[0]!;
  // A stand-in kubelet: pods that start terminating are gone a moment later.
  const finish = (pod: Pod) => setImmediate(() => context.api.store.get(POD, pod.metadata.namespace, pod.metadata.name) && context.api.store.delete(POD, pod.metadata.namespace, pod.metadata.name));
  context.api.store.list<Pod>(POD).filter((p) => p.metadata.deletionTimestamp).forEach(finish);
  const stop = context.api.store.watch({ key: POD }, (event) => {
    const pod = event.object as Pod;
    if (event.type === 'MODIFIED' && pod.metadata.deletionTimestamp) finish(pod);
  });
  try {
    assert.is((await k(context, 'cordon', node)).trim(), `node/${node} cordoned`);
    assert.is(context.api.store.get<Node>(NODE, undefined, node)!.spec.unschedulable, true);
    assert.match(await k(context, 'get', 'nodes'), new RegExp(`${node.replaceAll('.', '\\.')}\\s+Ready,SchedulingDisabled`));
    const onNode = () => context.api.store.list<Pod>(POD).filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name);
    const before = onNode();
    const { stdout, stderr } = await run(KUBECTL, ['drain', node, '--ignore-daemonsets', '--timeout=20s'], { env: context.env, timeout: 30_000 });
    assert.match(stdout, new RegExp(`node/${node.replaceAll('.', '\\.')} drained`));
    assert.match(stderr, /^Warning: ignoring DaemonSet-managed Pods: kube-system\/aws-node-\w+\n$/);
    assert.ok(before.length > onNode().length);
    assert.ok(onNode().every((name) => name.startsWith('aws-node-')));
    await k(context, 'uncordon', node);
    assert.is(context.api.store.get<Node>(NODE, undefined, node)!.spec.unschedulable, undefined);
  } finally {
    stop();
  }
});

kubectl.run();
