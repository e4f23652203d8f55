// The agent reads these lines on EKS as it reads the simulation's: its own patterns are the check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requestDurations, scanLogs } from '../agent/steps/log-patterns.js';
import { services } from '../lib/petadoption/catalog.js';
import { runtimeLog, type FailedCall, type ServedLine } from './runtime-logs.js';

const traceId = '1-5759e988-bd862e3fe1be46a994272793';
const served = (status: number, seconds = 0.02): ServedLine => ({ method: 'GET', route: '/api/search', url: 'http://petsearch.petadoptions.svc.cluster.local/api/search', status, seconds, traceId, bytes: 100 });
const call = (kind: FailedCall['kind']): FailedCall => ({ service: 'petsearch', url: 'http://petsearch.petadoptions.svc.cluster.local/api/search', kind, timeoutSeconds: 3, ...(kind === 'error' ? { calleeStatus: 500 } : {}) });
const findings = (lines: string[]) => scanLogs(lines.join('\n')).map((hit) => hit.pattern.name);

for (const profile of services) {
  const log = runtimeLog(profile, () => Date.UTC(2025, 0, 1), 1);

  test(`${profile.name} (${profile.runtime}): every line is one JSON object; request lines carry the trace id`, () => {
    const lines = [...log.started(8080), log.request(served(200)), log.shuttingDown(), log.userRequest({ method: 'GET', url: 'http://petsite/', status: 200, seconds: 0.1 })];
    for (const line of lines) assert.type(JSON.parse(line), 'object', line);
    assert.ok(log.request(served(200)).includes(traceId));
    assert.ok(log.callFailed(served(504), call('timeout')).includes(traceId));
    assert.equal(findings([log.request(served(200))]), [], 'a good request raises no finding');
  });

  test(`${profile.name} (${profile.runtime}): the agent reads the duration a request line reports`, () => {
    assert.equal(requestDurations(log.request(served(200, 0.0456))).map((d) => Math.round(d.ms)), [46]);
  });

  test(`${profile.name} (${profile.runtime}): the agent reads a bad setting, a failed call, memory pressure and a slow request`, () => {
    assert.ok(findings(log.invalidConfiguration(['SEARCH_API_URL="petsearch:80" is not a valid URL'])).includes('config-error'));
    assert.ok(findings([log.callFailed(served(504), call('timeout'))]).includes('timeout'), 'timeout');
    assert.ok(findings([log.callFailed(served(503), call('unavailable'))]).includes('upstream-5xx'), 'connection refused');
    assert.ok(findings([log.ownFailure(served(500))]).includes('errors'), 'error level');
    assert.ok(findings([log.memoryHigh(460 * 2 ** 20, 512 * 2 ** 20)]).includes('memory-warning'));
    assert.ok(findings([log.slowRequest(served(200, 2.5))]).includes('slow-request'));
  });
}

test('a failed call names the callee the way the agent attributes it (petsite -> petsearch)', () => {
  const petsite = runtimeLog(services.find((s) => s.name === 'petsite')!);
  const hit = scanLogs(petsite.callFailed({ ...served(504), route: '/Search' }, call('timeout'))).find((h) => h.pattern.name === 'timeout');
  assert.equal(hit?.upstreams, { petsearch: 1 });
});

test.run();
