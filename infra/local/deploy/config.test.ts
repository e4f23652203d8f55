import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../lib/platform/cli.js';
import { defaultPorts, resolveStackConfig, stackSelector } from './config.js';

const home = '/home/ada';

test('defaults: realistic profile, documented ports, XDG-style state dir under the home', () => {
  const config = resolveStackConfig({}, {}, home);
  assert.is(config.profile.name, 'realistic');
  assert.equal(config.ports, defaultPorts);
  assert.is(config.stateDir, '/home/ada/.local/state/eks-incident-kit/local-cluster');
  assert.is(config.install, true);
  assert.is(stackSelector(config), '');
});

test('a flag beats its environment variable, which beats the default', () => {
  const env = { LOCAL_CLUSTER_PROFILE: 'fast', LOCAL_CLUSTER_PROMETHEUS_PORT: '29090', LOCAL_CLUSTER_STATE_DIR: '/srv/a', XDG_STATE_HOME: '/xdg' };
  const fromEnv = resolveStackConfig({}, env, home);
  assert.is(fromEnv.profile.name, 'fast');
  assert.is(fromEnv.ports.prometheus, 29090);
  assert.is(fromEnv.stateDir, '/srv/a');
  const fromFlags = resolveStackConfig({ profile: 'realistic', 'prometheus-port': '39090', 'state-dir': '/srv/b' }, env, home);
  assert.is(fromFlags.profile.name, 'realistic');
  assert.is(fromFlags.ports.prometheus, 39090);
  assert.is(fromFlags.stateDir, '/srv/b');
  assert.is(stackSelector(fromFlags), ' --state-dir /srv/b');
  assert.is(resolveStackConfig({}, { XDG_STATE_HOME: '/xdg' }, home).stateDir, '/xdg/eks-incident-kit/local-cluster');
});

test('--port-offset shifts every default port and gives the stack its own state dir', () => {
  const config = resolveStackConfig({ 'port-offset': '100' }, {}, home);
  assert.equal(config.ports, { prometheus: 19190, alertmanager: 19193, kube: 16543, simulation: 16544, agent: 18180, mcp: 18181 });
  assert.is(config.stateDir, '/home/ada/.local/state/eks-incident-kit/local-cluster-100');
  assert.is(stackSelector(config), ' --port-offset 100');
  // An explicit port is taken as given, not offset.
  assert.is(resolveStackConfig({ 'port-offset': '100', 'kube-port': '7000' }, {}, home).ports.kube, 7000);
  assert.is(resolveStackConfig({}, { LOCAL_CLUSTER_PORT_OFFSET: '5' }, home).ports.mcp, 18086);
});

test('--fast is --profile fast; contradictions and bad values are usage errors', () => {
  assert.is(resolveStackConfig({ fast: true }, {}, home).profile.name, 'fast');
  assert.is(resolveStackConfig({ fast: true }, { LOCAL_CLUSTER_PROFILE: 'realistic' }, home).profile.name, 'fast');
  const bad: [Record<string, string | boolean>, RegExp][] = [
    [{ fast: true, profile: 'realistic' }, /contradicts/],
    [{ profile: 'slow' }, /unknown profile "slow"/],
    [{ 'prometheus-port': 'ninety' }, /whole number/],
    [{ 'prometheus-port': '70000' }, /between 1 and 65535/],
    [{ 'port-offset': '49000' }, /past 65535/],
    [{ 'prometheus-port': '16443' }, /kube.*both 16443|both 16443/],
  ];
  for (const [flags, message] of bad) {
    try {
      resolveStackConfig(flags, {}, home);
      assert.unreachable(`accepted ${JSON.stringify(flags)}`);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test('--no-install and LOCAL_CLUSTER_NO_INSTALL turn installing off; --seed is passed on', () => {
  assert.is(resolveStackConfig({ 'no-install': true }, {}, home).install, false);
  assert.is(resolveStackConfig({}, { LOCAL_CLUSTER_NO_INSTALL: '1' }, home).install, false);
  assert.is(resolveStackConfig({}, { LOCAL_CLUSTER_NO_INSTALL: 'false' }, home).install, true);
  assert.is(resolveStackConfig({ seed: '42' }, {}, home).seed, 42);
});

test.run();
