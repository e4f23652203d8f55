/**
 * `npm run bench -- slack`: the Slack app's two promises, against the local Slack Web API double
 * (test/support/slack-double.ts) with the agent's real composition (intake, queue, engine, store, API,
 * Bolt's receiver) and stub step handlers:
 *   - alert to first Slack message: an Alertmanager webhook POSTed to the agent until the double
 *     receives the incident's chat.postMessage (target < 15 s, p95 of 20 alerts);
 *   - slash commands: a signed `/devops-agent status|analyze|help` POSTed to /slack/events until its
 *     answer reaches the response_url (target < 3 s, p95 of 30), and Bolt's ack (the HTTP answer).
 * Only loopback traffic.
 */
import { percentile, type Benchmark, type Measurement } from './harness.js';
import { alertWebhook, sendAlert, slash, startSlackRig, users } from '../test/support/slack-rig.js';

const benchmark: Benchmark = {
  name: 'slack',
  description: 'Slack app against the Slack double: alert to first Slack message (< 15 s), slash-command answers (< 3 s)',
  async run({ log }) {
    const rig = await startSlackRig();
    try {
      const firstMessage: number[] = [];
      for (let n = 0; n < 20; n++) {
        const posted = rig.double.callsOf('chat.postMessage').length;
        const sent = performance.now();
        const id = await sendAlert(rig, alertWebhook(`bench${n}`, `fp-bench-${n}`));
        await rig.double.waitFor(() => rig.double.callsOf('chat.postMessage').slice(posted).some((c) => JSON.stringify(c.args.blocks ?? '').includes(id)));
        const call = rig.double.callsOf('chat.postMessage').slice(posted).find((c) => JSON.stringify(c.args.blocks ?? '').includes(id))!;
        firstMessage.push(call.at - sent);
      }
      const incidents = (await rig.agent.store.listIncidents({ limit: 5 })).items;
      const acks: number[] = [];
      const answers: number[] = [];
      const commands = ['status', `analyze ${incidents[0]!.id}`, 'help'];
      for (let n = 0; n < 30; n++) {
        const url = rig.double.responseUrl();
        const id = url.split('/').at(-1)!;
        const sent = performance.now();
        const response = await slash(rig, users.alice, commands[n % commands.length]!, url);
        acks.push(performance.now() - sent);
        if (response.status !== 200) throw new Error(`slash command answered ${response.status}`);
        await rig.double.waitFor(() => rig.double.responses.some((r) => r.id === id));
        answers.push(rig.double.responses.find((r) => r.id === id)!.at - sent);
      }
      const p95 = (values: number[]) => percentile(values, 95);
      log(`alert -> first Slack message: p50 ${percentile(firstMessage, 50).toFixed(1)} ms, p95 ${p95(firstMessage).toFixed(1)} ms; slash answer p95 ${p95(answers).toFixed(1)} ms, ack p95 ${p95(acks).toFixed(1)} ms`);
      const measurements: Measurement[] = [
        { name: 'alert-to-first-slack-message p95', value: p95(firstMessage) / 1000, unit: 's', target: '< 15 s', pass: p95(firstMessage) < 15_000, details: { p50Ms: percentile(firstMessage, 50), maxMs: Math.max(...firstMessage), samples: firstMessage.length } },
        { name: 'slash-command answer p95', value: p95(answers) / 1000, unit: 's', target: '< 3 s', pass: p95(answers) < 3_000, details: { p50Ms: percentile(answers, 50), maxMs: Math.max(...answers), samples: answers.length, commands } },
        { name: 'slash-command ack p95', value: p95(acks) / 1000, unit: 's', target: '< 3 s', pass: p95(acks) < 3_000, details: { p50Ms: percentile(acks, 50), samples: acks.length } },
      ];
      return measurements;
    } finally {
      await rig.stop();
    }
  },
};

export default benchmark;
