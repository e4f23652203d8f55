import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, ScenarioError } from '../../scenarios/catalog.js';
import { chooseInjector, fisMismatch } from './injector.js';

const memoryLeak = loadScenario('memory-leak');

test("fis by default where the stack's template injects the run's fault", () => {
  assert.equal(chooseInjector(memoryLeak, {}, false, undefined), { injector: 'fis' });
  assert.is(fisMismatch(memoryLeak, {}, false), undefined);
});

test('chaos-mesh by default, with the reason, where it cannot; --injector fis then refuses', () => {
  const retargeted = chooseInjector(memoryLeak, { service: 'petsearch' }, false, undefined);
  assert.is(retargeted.injector, 'chaos-mesh');
  assert.match(retargeted.note!, /the stack's template has service=petlistadoptions, this run service=petsearch/);
  const crashLoop = loadScenario('crash-loop');
  assert.is(chooseInjector(crashLoop, {}, false, undefined).injector, 'chaos-mesh');
  assert.throws(() => chooseInjector(crashLoop, {}, false, 'fis'), (error: Error) => error instanceof ScenarioError && /use --injector chaos-mesh/.test(error.message));
  assert.equal(chooseInjector(memoryLeak, {}, false, 'chaos-mesh'), { injector: 'chaos-mesh' });
});

test.run();
