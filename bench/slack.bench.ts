/**
 * `npm run bench -- slack`: the Slack app's two promises, on the local target, against the local Slack
 * Web API double (test/support/slack-double.ts):
 *
 *   - alert to first Slack message (target < 15 s): `local-cluster up` (fast profile, a temporary state
 *     directory, free ports) with the agent configured for Slack over HTTP against the double (the
 *     DEVOPS_AGENT_SLACK* variables, which the stack passes through to the agent it starts). For each of
 *     several services, the crash-loop scenario's fault is injected through the simulation's Kubernetes
 *     API (a bad rollout, as `run-scenario crash-loop` does); Prometheus scrapes, its rule fires, it
 *     sends to Alertmanager, Alertmanager to the agent's webhook, the agent opens the incident and posts
 *     it. Measured from the moment Prometheus reports the alert firing (GET /api/v1/alerts, polled every
 *     100 ms) to the incident's chat.postMessage at the double; also from the injection (detection
 *     included, for reference). p50 and p95 over the alerts.
 *   - slash commands (target < 3 s): signed `/devops-agent status|analyze|help` POSTed to the running
 *     agent's /slack/events until the answer reaches the response_url at the double, and Bolt's ack.
 *
 * Flags: --alerts N (default 5: services to break one after the other), --commands N (default 30),
 * --in-process (also the same measurements with the agent in this process and stub steps, no stack).
 * Only loopback traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, percentile, type Benchmark, type Measurement } from './harness.js';
import { down, up } from '../infra/local/deploy/commands.js';
import { loopbackUrl, resolveStackConfig, stackPaths } from '../infra/local/deploy/config.js';
import { lineProgress } from '../infra/local/deploy/progress.js';
import { freeStackPorts } from '../test/support/deploy/ports.js';
import { KubernetesCluster } from '../runner/kube.js';
import { applyFault, planFault, prepareFault, removeFault, type AppliedFault } from '../runner/injection.js';
import { APP_NAMESPACE, resolveClusterParams } from '../runner/params.js';
import { loadScenario } from '../scenarios/catalog.js';
import { resolveParams } from '../scenarios/render.js';
import { SlackDouble, type SlackCall } from '../test/support/slack-double.js';
import { alertWebhook, channel, sendAlert, slackSecrets, slash, startSlackRig, users } from '../test/support/slack-rig.js';

const p = (values: number[], n: number) => percentile(values, n);
const ms = (v: number) => `${v.toFixed(0)} ms`;
const sleep = (msec: number) => new Promise((resolve) => setTimeout(resolve, msec));

/** The variables the stack's agent reads (agent/config.ts): Slack over HTTP, pointed at the double. */
function slackEnv(double: SlackDouble): Record<string, string> {
  return {
    DEVOPS_AGENT_SLACK: 'http',
    DEVOPS_AGENT_SLACK_BOT_TOKEN: slackSecrets.botToken,
    DEVOPS_AGENT_SLACK_SIGNING_SECRET: slackSecrets.signingSecret,
    DEVOPS_AGENT_SLACK_CHANNEL: channel,
    DEVOPS_AGENT_SLACK_APPROVERS: users.alice,
    DEVOPS_AGENT_SLACK_API_URL: double.apiUrl,
  };
}

/** The first top-level chat.postMessage (an incident's opening) about `service` since call number `from`. */
function openingAbout(double: SlackDouble, service: string, from: number): SlackCall | undefined {
  return double.calls.slice(from).find((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && JSON.stringify(c.args.blocks ?? '').includes(service));
}

interface PromAlert {
  labels: Record<string, string>;
  state: string;
  activeAt?: string;
}

async function firingAbout(prometheusUrl: string, service: string): Promise<PromAlert | undefined> {
  try {
    const answer = (await (await fetch(`${prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(2_000) })).json()) as { data: { alerts: PromAlert[] } };
    return answer.data.alerts.find((a) => a.state === 'firing' && a.labels.namespace === APP_NAMESPACE && (a.labels.deployment === service || a.labels.pod?.startsWith(`${service}-`)));
  } catch {
    return undefined;
  }
}

async function slashTimings(eventsUrl: string, double: SlackDouble, commands: string[], count: number): Promise<{ acks: number[]; answers: number[] }> {
  const acks: number[] = [];
  const answers: number[] = [];
  for (let n = 0; n < count; n++) {
    const url = double.responseUrl();
    const id = url.split('/').at(-1)!;
    const sent = performance.now();
    const response = await slash({ eventsUrl }, users.alice, commands[n % commands.length]!, url);
    acks.push(performance.now() - sent);
    if (response.status !== 200) throw new Error(`slash command answered ${response.status}: ${await response.text()}`);
    await double.waitFor(() => double.responses.some((r) => r.id === id));
    answers.push(double.responses.find((r) => r.id === id)!.at - sent);
  }
  return { acks, answers };
}

async function localTarget(args: string[], log: (message: string) => void): Promise<Measurement[]> {
  const alerts = Number(flag(args, '--alerts') ?? '5');
  const commandCount = Number(flag(args, '--commands') ?? '30');
  const double = await new SlackDouble({ botToken: slackSecrets.botToken }).start();
  const stateDir = mkdtempSync(join(tmpdir(), 'slack-bench-'));
  const base = resolveStackConfig({ profile: 'fast', 'state-dir': stateDir }, {});
  const config = { ...base, ports: (await freeStackPorts())[0]!, install: false };
  const paths = stackPaths(stateDir);
  const env = slackEnv(double);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const applied: AppliedFault[] = [];
  let cluster: KubernetesCluster | undefined;
  try {
    let pending = '';
    const progress = lineProgress((text) => {
      pending += text;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        log(pending.slice(0, end).trim());
        pending = pending.slice(end + 1);
      }
    });
    // The stack starts the agent with this process's environment: the Slack variables for the time of `up`.
    Object.assign(process.env, env);
    try {
      await up(config, { progress });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const agentUrl = loopbackUrl(config.ports.agent);
    const prometheusUrl = loopbackUrl(config.ports.prometheus);
    await double.waitFor(() => double.callsOf('auth.test').length > 0, 30_000);
    log(`stack up; the agent at ${agentUrl} checked its Slack token at the double (auth.test)`);

    cluster = new KubernetesCluster(paths.kubeconfig);
    const scenario = loadScenario('crash-loop');
    const services = (await cluster.listDeployments(APP_NAMESPACE)).map((d) => d.name).slice(0, alerts);
    const fromFiring: number[] = [];
    const fromInjection: number[] = [];
    const samples: Record<string, unknown>[] = [];
    for (const service of services) {
      const params = await resolveClusterParams(scenario.spec, resolveParams(scenario.spec, { service }, { fast: true, target: 'local' }), cluster);
      const fault = await prepareFault(cluster, planFault(scenario, 'local', params));
      const from = double.calls.length;
      const injected = performance.now();
      await applyFault(cluster, fault);
      applied.push(fault);
      let firedAt: number | undefined;
      let firing: PromAlert | undefined;
      const deadline = injected + 120_000;
      while (!openingAbout(double, service, from) && performance.now() < deadline) {
        if (firedAt === undefined) {
          const before = performance.now();
          firing = await firingAbout(prometheusUrl, service);
          // Between the question and the answer: the middle of the request is when it was seen.
          if (firing) firedAt = (before + performance.now()) / 2;
        }
        await sleep(100);
      }
      const message = openingAbout(double, service, from);
      if (!message) throw new Error(`no Slack message about ${service} within 120 s of the fault (the agent's log: ${paths.log('agent')})`);
      if (firedAt === undefined) throw new Error(`the Slack message about ${service} came before Prometheus reported an alert firing about it`);
      fromFiring.push(message.at - firedAt);
      fromInjection.push(message.at - injected);
      samples.push({ service, alert: firing?.labels.alertname, firingToMessageMs: Math.round(message.at - firedAt), injectionToMessageMs: Math.round(message.at - injected) });
      log(`${service}: ${firing?.labels.alertname} firing -> first Slack message ${ms(message.at - firedAt)} (fault injected -> message ${ms(message.at - injected)})`);
      await removeFault(cluster, fault);
      applied.splice(applied.indexOf(fault), 1);
    }

    const incidents = (await (await fetch(`${agentUrl}/incidents?limit=5`, { headers: { authorization: `Bearer ${await readToken(paths.approverToken)}` } })).json()) as { items?: { id: string }[] };
    const commands = ['status', ...(incidents.items?.[0] ? [`analyze ${incidents.items[0].id}`] : []), 'help'];
    const { acks, answers } = await slashTimings(`${agentUrl}/slack/events`, double, commands, commandCount);
    log(`local target: alert firing -> first Slack message p50 ${ms(p(fromFiring, 50))}, p95 ${ms(p(fromFiring, 95))} (${fromFiring.length} alerts); slash answer p50 ${ms(p(answers, 50))}, p95 ${ms(p(answers, 95))}; ack p95 ${ms(p(acks, 95))}`);
    const details = { target: 'local', profile: 'fast', samples };
    return [
      { name: 'local: alert firing -> first Slack message p50', value: p(fromFiring, 50) / 1000, unit: 's', target: '< 15 s', pass: p(fromFiring, 50) < 15_000, details },
      { name: 'local: alert firing -> first Slack message p95', value: p(fromFiring, 95) / 1000, unit: 's', target: '< 15 s', pass: p(fromFiring, 95) < 15_000, details: { ...details, maxMs: Math.max(...fromFiring) } },
      { name: 'local: fault injected -> first Slack message p50 (detection incl.)', value: p(fromInjection, 50) / 1000, unit: 's', details: { p95Ms: p(fromInjection, 95) } },
      { name: 'local: slash-command answer p50', value: p(answers, 50) / 1000, unit: 's', target: '< 3 s', pass: p(answers, 50) < 3_000, details: { samples: answers.length, commands } },
      { name: 'local: slash-command answer p95', value: p(answers, 95) / 1000, unit: 's', target: '< 3 s', pass: p(answers, 95) < 3_000, details: { maxMs: Math.max(...answers) } },
      { name: 'local: slash-command ack p95', value: p(acks, 95) / 1000, unit: 's', target: '< 3 s', pass: p(acks, 95) < 3_000, details: { p50Ms: p(acks, 50) } },
    ];
  } finally {
    for (const fault of applied) await removeFault(cluster!, fault).catch(() => undefined);
    await down(config).catch(() => undefined);
    await double.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function readToken(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(path, 'utf8')).trim();
}

/** The same two measurements with the agent in this process (stub steps): the Slack app's own share. */
async function inProcess(log: (message: string) => void): Promise<Measurement[]> {
  const rig = await startSlackRig();
  try {
    const firstMessage: number[] = [];
    for (let n = 0; n < 20; n++) {
      const posted = rig.double.calls.length;
      const sent = performance.now();
      const id = await sendAlert(rig, alertWebhook(`bench${n}`, `fp-bench-${n}`));
      await rig.double.waitFor(() => openingAbout(rig.double, id, posted) !== undefined);
      firstMessage.push(openingAbout(rig.double, id, posted)!.at - sent);
    }
    const incidents = (await rig.agent.store.listIncidents({ limit: 5 })).items;
    const { acks, answers } = await slashTimings(rig.eventsUrl, rig.double, ['status', `analyze ${incidents[0]!.id}`, 'help'], 30);
    log(`in process: webhook -> first Slack message p95 ${ms(p(firstMessage, 95))}; slash answer p95 ${ms(p(answers, 95))}, ack p95 ${ms(p(acks, 95))}`);
    return [
      { name: 'in process: webhook -> first Slack message p95', value: p(firstMessage, 95) / 1000, unit: 's', target: '< 15 s', pass: p(firstMessage, 95) < 15_000, details: { p50Ms: p(firstMessage, 50), samples: firstMessage.length } },
      { name: 'in process: slash-command answer p95', value: p(answers, 95) / 1000, unit: 's', target: '< 3 s', pass: p(answers, 95) < 3_000, details: { p50Ms: p(answers, 50), samples: answers.length } },
    ];
  } finally {
    await rig.stop();
  }
}

const benchmark: Benchmark = {
  name: 'slack',
  description: 'Slack app on the local target against the Slack double: alert firing to first Slack message (< 15 s), slash-command answers (< 3 s)',
  async run({ args, log }) {
    const measurements = await localTarget(args, log);
    if (args.includes('--in-process')) measurements.push(...(await inProcess(log)));
    return measurements;
  },
};

export default benchmark;
