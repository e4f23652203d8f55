import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_NAMESPACE, LATENCY_BUCKETS, serviceByName, services, servicesLeavesFirst } from './catalog.js';

test("DESIGN.md's services and call graph: trafficgenerator -> petsite -> {petsearch, payforadoption, petlistadoptions, pethistory}", () => {
  assert.equal(services.map((s) => s.name), ['petsite', 'petsearch', 'payforadoption', 'petlistadoptions', 'pethistory', 'trafficgenerator']);
  const edges = services.flatMap((s) => [...new Set(s.routes.flatMap((r) => r.calls.map((c) => `${s.name} -> ${c.service}`)))]);
  assert.equal(edges, ['petsite -> petsearch', 'petsite -> payforadoption', 'petsite -> petlistadoptions', 'petsite -> pethistory']);
  assert.equal(serviceByName.get('trafficgenerator')!.drives?.service, 'petsite');
});

test("every call's URL setting is in the caller's environment, checked at start, and points at the callee's route", () => {
  for (const service of services) {
    for (const route of service.routes) {
      for (const call of route.calls) {
        const value = service.env.find((e) => e.name === call.urlSetting)?.value;
        assert.is(value, `http://${call.service}.${APP_NAMESPACE}.svc.cluster.local${call.route}`, `${service.name} ${call.urlSetting}`);
        assert.ok(service.config.some((rule) => rule.name === call.urlSetting && rule.required), `${service.name} validates ${call.urlSetting}`);
        assert.ok(serviceByName.get(call.service)!.routes.some((r) => r.path === call.route), `${call.service} serves ${call.route}`);
      }
    }
    if (service.drives) {
      assert.match(service.env.find((e) => e.name === service.drives!.urlSetting)!.value, new RegExp(`^http://${service.drives.service}\\.${APP_NAMESPACE}\\.svc\\.cluster\\.local/`));
      assert.ok(service.config.some((rule) => rule.name === service.drives!.urlSetting));
    }
  }
});

test('each role routes all of its traffic: route shares add up to 1', () => {
  for (const service of services.filter((s) => s.routes.length)) assert.ok(Math.abs(service.routes.reduce((sum, r) => sum + r.share, 0) - 1) < 1e-9, service.name);
});

test('callees come before their callers, and latency buckets ascend', () => {
  const order = servicesLeavesFirst().map((s) => s.name);
  for (const service of services) for (const route of service.routes) for (const call of route.calls) assert.ok(order.indexOf(call.service) < order.indexOf(service.name), `${call.service} before ${service.name}`);
  assert.equal([...LATENCY_BUCKETS].sort((a, b) => a - b), LATENCY_BUCKETS);
});

test.run();
