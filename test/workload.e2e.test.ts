/**
 * The pet-adoption workload as the eks target runs it, on loopback: the six roles as real processes of
 * the compiled build (`node dist/workload/main.js`, configured through environment variables as
 * Kubernetes configures them, the catalog's URLs pointed at 127.0.0.1), trafficgenerator driving
 * petsite, and a UDP socket standing in for the X-Ray daemon. Checks the call graph against the
 * catalog, each /metrics against DESIGN.md's names and labels, the trace segments' links, the JSON
 * logs, a bad setting's crash, the manifests command, and a clean stop on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { serviceByName, services, type ServiceProfile } from '../lib/petadoption/catalog.js';
import { freePort } from './support/free-port.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'workload', 'main.js');
const MEMORY_SCALE = 0.25;

interface Role {
  profile: ServiceProfile;
  port: number;
  process: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const roles = new Map<string, Role>();
const daemon = createSocket('udp4');
const datagrams: string[] = [];
daemon.on('message', (message) => datagrams.push(message.toString()));

/** The catalog's environment of a role, its cluster URLs pointed at the roles' loopback ports. */
function environment(profile: ServiceProfile, ports: Map<string, number>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const e of profile.env) env[e.name] = e.value.replace(/^http:\/\/([a-z]+)\.petadoptions\.svc\.cluster\.local/, (whole, service: string) => (ports.has(service) ? `http://127.0.0.1:${ports.get(service)}` : whole));
  return {
    ...env,
    ROLE: profile.name,
    PORT: String(ports.get(profile.name)),
    LISTEN_ADDRESS: '127.0.0.1',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    TRACE_SAMPLING_RATE: '1',
    STARTUP_SECONDS: '0',
    MEMORY_SCALE: String(MEMORY_SCALE),
    TRAFFIC_SCALE: '0.5',
    CLUSTER_NAME: 'e2e',
    POD_NAME: `${profile.name}-e2e`,
    ...extra,
  };
}

function launch(profile: ServiceProfile, env: NodeJS.ProcessEnv, args: string[] = []): Role {
  const child = spawn(process.execPath, [entry, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => `stderr: ${l}`)));
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { profile, port: Number(env.PORT), process: child, lines, exit };
}

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const base = (role: string) => `http://127.0.0.1:${roles.get(role)!.port}`;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(role: string): Promise<{ text: string; samples: Sample[] }> {
  const text = await (await fetch(`${base(role)}/metrics`)).text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { text, samples };
}

const requestsOf = (samples: Sample[], route: string, code?: string) =>
  samples.filter((s) => s.name === 'http_requests_total' && s.labels.route === route && (code === undefined || s.labels.code === code)).reduce((sum, s) => sum + s.value, 0);

test.before(async () => {
  daemon.bind(0, '127.0.0.1');
  await once(daemon, 'listening');
  const ports = new Map<string, number>();
  for (const profile of services) ports.set(profile.name, await freePort());
  // The generator comes last, once petsite serves (a real rollout has no such order; the test wants clean counts).
  for (const profile of services.filter((s) => !s.drives)) roles.set(profile.name, launch(profile, environment(profile, ports)));
  await Promise.all(services.filter((s) => !s.drives).map((s) => waitForReady(s.name)));
  for (const profile of services.filter((s) => s.drives)) roles.set(profile.name, launch(profile, environment(profile, ports)));
  await waitForReady('trafficgenerator');
});

async function waitForReady(role: string): Promise<void> {
  await waitFor(`${role} to be ready`, 30, async () => {
    const exited = await Promise.race([roles.get(role)!.exit, new Promise<undefined>((r) => setTimeout(r, 0, undefined))]);
    if (exited) throw new Error(`${role} exited (${JSON.stringify(exited)}):\n${roles.get(role)!.lines.join('\n')}`);
    const response = await fetch(`${base(role)}/readyz`).catch(() => undefined);
    return response?.status === 200 ? true : undefined;
  });
}

test.after(async () => {
  for (const role of roles.values()) if (role.process.exitCode === null && role.process.signalCode === null) role.process.kill('SIGKILL');
  daemon.close();
});

test('trafficgenerator drives petsite with users of its own', async () => {
  const served = await waitFor('petsite to serve 5 user requests', 30, async () => {
    const { samples } = await scrape('petsite');
    const count = serviceByName.get('petsite')!.routes.reduce((sum, route) => sum + requestsOf(samples, route.path), 0);
    return count >= 5 ? count : undefined;
  });
  assert.ok(served >= 5);
  assert.ok(roles.get('trafficgenerator')!.lines.some((l) => l.includes('End processing HTTP request') && l.includes('- 200')), "the generator's users got answers");
});

test('the call graph is the catalog\'s: every route calls its downstream routes, which answer', async () => {
  const petsite = serviceByName.get('petsite')!;
  const before = new Map<string, Sample[]>();
  for (const profile of services) before.set(profile.name, (await scrape(profile.name)).samples);
  const rounds = 3;
  for (let i = 0; i < rounds; i++) {
    for (const route of petsite.routes) {
      const response = await fetch(`${base('petsite')}${route.path}`, { method: route.method, ...(route.method === 'POST' ? { body: 'petId=001' } : {}) });
      await response.arrayBuffer();
      assert.is(response.status, 200, `${route.method} ${route.path}`);
    }
  }
  for (const profile of services) {
    for (const route of profile.routes) {
      for (const call of route.calls) {
        const grown = requestsOf((await scrape(call.service)).samples, call.route, '200') - requestsOf(before.get(call.service)!, call.route, '200');
        assert.ok(grown >= rounds * call.perRequest, `${profile.name} ${route.path} -> ${call.service} ${call.route}: ${grown} more`);
      }
    }
  }
  // The leaves call no one: their only outgoing traffic would be the catalog's (none).
  for (const leaf of services.filter((s) => s.routes.length && s.routes.every((r) => !r.calls.length))) {
    assert.not.ok(roles.get(leaf.name)!.lines.some((l) => /Call to|call to|upstream/.test(l)), `${leaf.name} made no downstream call`);
  }
});

test("each role's /metrics: DESIGN.md's families with exactly their labels, the simulation's buckets, process metrics, the role's memory", async () => {
  for (const profile of services) {
    const { text, samples } = await scrape(profile.name);
    assert.match(text, '# TYPE http_requests_total counter');
    assert.match(text, '# TYPE http_request_duration_seconds histogram');
    const keys = (name: string) => new Set(samples.filter((s) => s.name === name).map((s) => Object.keys(s.labels).sort().join(',')));
    assert.equal(keys('http_requests_total'), new Set(['code,method,route,service']), profile.name);
    assert.equal(keys('http_request_duration_seconds_bucket'), new Set(['le,route,service']), profile.name);
    assert.equal(keys('http_request_duration_seconds_sum'), new Set(['route,service']), profile.name);
    assert.equal(keys('http_request_duration_seconds_count'), new Set(['route,service']), profile.name);
    assert.ok(samples.filter((s) => s.name.startsWith('http_')).every((s) => s.labels.service === profile.name), `${profile.name}: service label`);
    const routes = new Set(samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route));
    for (const route of routes) assert.ok(route === '/health' || profile.routes.some((r) => r.path === route), `${profile.name}: route ${route} is the catalog's`);
    const les = [...new Set(samples.filter((s) => s.name === 'http_request_duration_seconds_bucket').map((s) => s.labels.le))];
    assert.equal(les, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    for (const family of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) assert.ok(samples.some((s) => s.name === family), `${profile.name}: ${family}`);
    const resident = samples.find((s) => s.name === 'process_resident_memory_bytes')!.value;
    const target = profile.memoryBaselineBytes * MEMORY_SCALE;
    // Node alone is about 60 MiB: only a target above that shows the held memory.
    if (target > 100 * 2 ** 20) assert.ok(resident >= 0.9 * target, `${profile.name}: resident ${resident} of ${target}`);
  }
  const generator = (await scrape('trafficgenerator')).samples.filter((s) => s.name === 'http_requests_total');
  assert.ok(generator.length > 0 && generator.every((s) => s.labels.route === '/health'), 'trafficgenerator serves only its probes');
});

test("trace segments reach the daemon and link each call's subsegment to the callee's segment", async () => {
  const petsite = serviceByName.get('petsite')!;
  const callees = [...new Set(petsite.routes.flatMap((r) => r.calls.map((c) => c.service)))];
  const links = await waitFor('a linked trace per petsite callee', 20, () => {
    const documents = datagrams.map((d) => {
      const [header, body] = d.split('\n');
      assert.is(header, '{"format": "json", "version": 1}');
      return JSON.parse(body!) as { name: string; id: string; trace_id: string; parent_id?: string; aws: { eks: { cluster_name: string; pod: string } }; subsegments?: { id: string; name: string; traced: boolean }[] };
    });
    const found = new Map<string, string>();
    for (const site of documents.filter((d) => d.name === 'petsite' && !d.parent_id)) {
      for (const call of site.subsegments ?? []) {
        const callee = documents.find((d) => d.name === call.name && d.parent_id === call.id && d.trace_id === site.trace_id);
        if (callee && call.traced) found.set(call.name, `${site.trace_id} ${call.id} -> ${callee.id}`);
      }
    }
    for (const d of documents) {
      assert.is(d.aws.eks.cluster_name, 'e2e');
      assert.is(d.aws.eks.pod, `${d.name}-e2e`);
    }
    return callees.every((c) => found.has(c)) ? found : undefined;
  });
  assert.equal([...links.keys()].sort(), [...callees].sort());
});

test('logs are JSON lines; every served request is a line with its trace id', () => {
  for (const [name, role] of roles) {
    assert.ok(role.lines.length > 0, name);
    for (const line of role.lines) assert.type(JSON.parse(line), 'object', `${name}: ${line}`);
    if (name !== 'trafficgenerator') assert.ok(role.lines.some((l) => /1-[0-9a-f]{8}-[0-9a-f]{24}/.test(l)), `${name}: a request line with a trace id`);
  }
});

test('a bad setting crashes the role at start: exit 1 and its runtime\'s error naming the setting', async () => {
  const ports = new Map([...roles].map(([name, role]) => [name, role.port]));
  const cases: [role: string, setting: string, value: string, words: RegExp][] = [
    ['petsite', 'SEARCH_API_URL', 'petsearch:80/api/search', /Hosting failed to start.*Invalid configuration: SEARCH_API_URL=\\"petsearch:80\/api\/search\\" is not a valid URL/],
    ['petsearch', 'PETS_TABLE_NAME', '', /Application run failed.*Invalid configuration: PETS_TABLE_NAME is not set/],
    ['payforadoption', 'DB_MAX_CONNECTIONS', 'twenty', /"level":"fatal".*"msg":"invalid configuration".*DB_MAX_CONNECTIONS=\\"twenty\\" must be a positive integer/],
  ];
  for (const [name, setting, value, words] of cases) {
    const crashed = launch(serviceByName.get(name)!, environment(serviceByName.get(name)!, new Map([...ports, [name, await freePort()]]), { [setting]: value }));
    const exit = await crashed.exit;
    assert.equal(exit, { code: 1, signal: null }, `${name}: ${crashed.lines.join('\n')}`);
    assert.ok(crashed.lines.some((l) => words.test(l)), `${name}: ${crashed.lines.join('\n')}`);
  }
  const usage = spawnSync(process.execPath, [entry, '--role', 'petshop'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /^petadoption-workload: --role must be petsite, petsearch, payforadoption, petlistadoptions, pethistory or trafficgenerator \(got "petshop"\)\n$/);
});

test('`manifests` prints the Kubernetes objects of the six roles as YAML', () => {
  const printed = spawnSync(process.execPath, [entry, 'manifests', '--image', 'registry.example/kit:1'], { cwd: root, encoding: 'utf8' });
  assert.is(printed.status, 0, printed.stderr);
  const objects = parseAllDocuments(printed.stdout).map((d) => d.toJSON() as { kind: string; metadata: { name: string } });
  assert.equal(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['Namespace/petadoptions', ...services.flatMap((s) => [`Deployment/${s.name}`, `Service/${s.name}`])]);
  assert.match(printed.stdout, 'image: registry.example/kit:1');
});

test('SIGTERM stops every role cleanly: its shutdown line, exit 0', async () => {
  for (const role of roles.values()) role.process.kill('SIGTERM');
  for (const [name, role] of roles) {
    const exit = await Promise.race([role.exit, new Promise<'timeout'>((r) => setTimeout(r, 15_000, 'timeout'))]);
    assert.equal(exit, { code: 0, signal: null }, `${name}: ${role.lines.slice(-5).join('\n')}`);
    assert.ok(role.lines.slice(-3).some((l) => /shutting down|Handling signal: term|graceful shutdown/i.test(l)), `${name}: ${role.lines.slice(-3).join('\n')}`);
  }
});

test.run();
